"""Background jobs: the jobs the queue (Huey, in :mod:`survey_app.queue`) runs.

``tasks`` holds the jobs (e-mail delivery, reminder
rounds); ``smtp`` and ``emails`` send and compose the messages. Services never import Flask request objects;
they call :func:`survey_app.queue.defer`, which enqueues once the caller's transaction commits.
"""
