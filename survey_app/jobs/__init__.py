"""Background jobs: the one home of the queue (Huey) and of the jobs it runs.

``queue`` holds the Huey instance and how it is configured; ``tasks`` the jobs (e-mail delivery, reminder
rounds); ``smtp`` and ``emails`` send and compose the messages. Services never import Flask request objects;
they call :func:`survey_app.jobs.queue.defer`, which enqueues once the caller's transaction commits.
"""
