"""The job queue: Huey, with its storage chosen by configuration.

- ``PARSURVEY_QUEUE_URL`` empty (default): SQLite storage in the instance folder (``instance/queue.sqlite``),
  right for one machine, nothing to install;
- ``redis://host:6379/0``: Redis storage, when several machines run workers;
- ``PARSURVEY_QUEUE_IMMEDIATE=1`` (the tests): every job runs at once, in the caller's process.

Jobs live in the storage until a worker (``parsurvey worker``) takes them, so they survive a worker restart, and
while a worker runs one it is written down beside them (:mod:`survey_app.queue_recovery`), so it survives the
worker's death too; a job that raises is retried ``PARSURVEY_JOB_RETRIES`` times, ``PARSURVEY_JOB_RETRY_DELAY``
seconds apart.

Huey binds tasks to one instance at import time, so the instance is made here, unconfigured (in memory), and
:func:`init_app` points it at the configured storage when the app is created.

The queue sits beside the services, not inside :mod:`survey_app.jobs`: services defer a job by its name, and the
jobs (which call services) register under that name, so services and jobs never import each other in a circle.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from huey import Huey
from huey.api import TaskWrapper
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import event
from sqlalchemy.orm import Session

from survey_app.extensions import db

QUEUE_NAME = "parsurvey"
QUEUE_FILE = "queue.sqlite"
_PENDING = "parsurvey_pending_jobs"

# No result store: outcomes that matter are written to the database (the mail log), where coordinators look.
huey = Huey(QUEUE_NAME, immediate=True, results=False, utc=True)
_state: dict[str, Any] = {"app": None}
_jobs: dict[str, TaskWrapper] = {}


def init_app(app: Flask) -> None:
    """Point the queue at the configured storage and give jobs this app (its database and settings)."""
    config = app.config
    url = config.get("QUEUE_URL") or ""
    if config.get("QUEUE_IMMEDIATE"):
        huey.storage_class, huey.storage_kwargs, immediate = MemoryStorage, {}, True
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey.storage_class, huey.storage_kwargs, immediate = RedisStorage, {"url": url}, False
    elif url.startswith("sqlite:///") or not url:
        path = url.removeprefix("sqlite:///") or os.path.join(app.instance_path, QUEUE_FILE)
        huey.storage_class, huey.storage_kwargs, immediate = SqliteStorage, {"filename": path}, False
    else:
        raise SystemExit(f"PARSURVEY_QUEUE_URL must be empty, sqlite:///PATH or redis://..., got {url!r}")
    huey._immediate = immediate  # noqa: SLF001  (the storage is rebuilt just below, as Huey's own setter does)
    huey.storage = huey.create_storage()
    for wrapper in _jobs.values():
        wrapper.task_class.default_retries = config.get("JOB_RETRIES", 0)
        wrapper.task_class.default_retry_delay = config.get("JOB_RETRY_DELAY", 0)
    _state["app"] = app


def job_app() -> Flask:
    """The app the jobs of this process run in (the worker's, or the test's in immediate mode)."""
    app = _state["app"]
    if app is None:
        raise RuntimeError("the job queue is not configured: create the app (survey_app.create_app) first")
    return app


def job(func: Callable[..., Any]) -> TaskWrapper:
    """Declare a background job: it runs inside an app context with its own database session, and is retried.

    The function gets ``task`` (Huey's task, whose ``retries`` says how many attempts are left) as a keyword.
    """

    wrapper = huey.task(context=True)(_in_app(func))
    _jobs[func.__name__] = wrapper
    return wrapper


def periodic_job(when: Callable[[Any], bool]) -> Callable[[Callable[..., Any]], TaskWrapper]:
    """Declare a job the worker runs by itself on a schedule (``when``: a :func:`huey.crontab`, in UTC).

    Like :func:`job`, it runs inside an app context with its own database session. Every worker process runs it
    (several machines: several times), so a periodic job must be harmless to repeat.
    """

    def declare(func: Callable[..., Any]) -> TaskWrapper:
        wrapper = huey.periodic_task(when)(_in_app(func))
        _jobs[func.__name__] = wrapper
        return wrapper

    return declare


def defer(name: str, *args: Any, **kwargs: Any) -> None:
    """Enqueue the job ``name(*args, **kwargs)`` once the current transaction commits; drop it if it rolls back.

    A worker must never pick up a job about rows it cannot see yet, and a rolled-back change must send no
    e-mail: so services defer, and the caller's single commit releases the jobs.
    """
    if name not in _jobs:
        raise LookupError(f"no job named {name!r} (jobs: {', '.join(sorted(_jobs)) or 'none registered yet'})")
    db.session().info.setdefault(_PENDING, []).append((_jobs[name], args, kwargs))


@event.listens_for(Session, "after_commit")
def _enqueue_pending(session: Session) -> None:
    for task, args, kwargs in session.info.pop(_PENDING, []):
        task(*args, **kwargs)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


@contextmanager
def job_context() -> Iterator[None]:
    """The worker's app context with a database session of its own, removed afterwards: a job (or the queue's
    own bookkeeping about one) never leaves a transaction open for the next one on the same thread."""
    with job_app().app_context():
        try:
            yield
        finally:
            db.session.remove()


def _in_app(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` run inside :func:`job_context`."""

    @functools.wraps(func)
    def in_app(*args: Any, **kwargs: Any) -> Any:
        with job_context():
            return func(*args, **kwargs)

    return in_app
