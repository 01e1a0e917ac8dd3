"""Jobs that survive the death of the worker running them: the in-flight ledger.

Huey deletes a job from its storage when a worker takes it, so a worker killed while running one (``kill -9``, out
of memory, a reboot) would lose it: an export would say "running" for ever, an e-mail "queued". So, beside the
queue, in the queue's own storage (where the job waited, invitation code included: nothing new is exposed), every
job a worker starts is written down under its id with the process that holds it, and struck off when it ends
(done, failed for good, or handed back to Huey for a retry, struck off only once the retry is stored).

A record whose process is gone is a job that died with its worker: :func:`reclaim_abandoned` (run when a worker
starts and every few minutes by the workers) hands it back to the queue, once (the record is taken before the job
is queued again, so two workers never both do it). A process on this machine is gone when its pid is free or now
belongs to another process (its start time, as the kernel counts it, differs); a process elsewhere cannot be
asked, so its records are reclaimed when older than ``PARSURVEY_JOB_LEASE_MINUTES``.

The crash counts as an attempt: the job comes back with one retry fewer, and a job that dies on its last attempt
is given up. Jobs may say what a crash means for their rows (:func:`after_crash`: an export goes back to
"queued", or to "failed" when given up). Every job must therefore be harmless to run again, and delivery is at
least once: an e-mail whose worker died after the server took it and before the mail log said "sent" goes twice.

One gap remains, one storage write wide: a worker dying between Huey taking a job and this ledger writing it down
loses the job. A retry queued without delay (``PARSURVEY_JOB_RETRY_DELAY=0``; Huey says nothing once it is
stored) keeps its record until it runs again, which rewrites it: if the worker dies first, the retry runs twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from huey import crontab
from huey import signals as S  # noqa: N812  (Huey's own name for them)
from huey.api import PeriodicTask, Task, TaskWrapper
from huey.constants import EmptyData

from survey_app.extensions import db
from survey_app.queue import huey, job_app, job_context, periodic_job

log = logging.getLogger(__name__)

LEDGER = "parsurvey:in-flight:"
_held: set[str] = set()  # ids of the jobs this process has written down and not yet struck off
_after_crash: dict[type, Callable[..., Any]] = {}


@dataclass(frozen=True)
class Holder:
    """The process running a job: ``host`` and ``space`` (its pid namespace: containers sharing a host name do not
    see each other's pids) say where a pid means something; ``birth`` (boot id and start tick) tells a pid reused
    by another process; ``run`` tells this process from the one it replaced by ``exec`` (same pid, same birth)."""

    host: str
    space: str
    pid: int
    birth: str | None
    run: str


@dataclass(frozen=True)
class InFlight:
    task_id: str
    task: bytes  # the job as Huey stored it in the queue
    holder: Holder
    started: float  # seconds since the epoch


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text().strip()
    except OSError:
        return None


def birth_of(pid: int) -> str | None:
    """When process ``pid`` started (boot id and clock tick, Linux), or None where that cannot be read."""
    stat, boot = _read(f"/proc/{pid}/stat"), _read("/proc/sys/kernel/random/boot_id")
    if stat is None or boot is None:
        return None
    return f"{boot}:{stat.rsplit(')', 1)[1].split()[19]}"  # field 22, counted after the command's name


def _space() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


_RUN = uuid.uuid4().hex
_me: dict[int, Holder] = {}


def this_process() -> Holder:
    pid = os.getpid()  # a forked child is another holder
    if pid not in _me:
        _me[pid] = Holder(socket.gethostname(), _space(), pid, birth_of(pid), _RUN)
    return _me[pid]


def is_alive(holder: Holder) -> bool:
    """Whether ``holder`` (a process of this machine) still runs."""
    if holder.pid == os.getpid():
        return holder.run == _RUN
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    return holder.birth is None or birth_of(holder.pid) in (None, holder.birth)


def is_abandoned(record: InFlight, *, now: float, lease_minutes: int) -> bool:
    """Whether the worker of ``record`` is gone: asked when it ran here, judged by the lease when elsewhere."""
    me = this_process()
    if (record.holder.host, record.holder.space) == (me.host, me.space):
        return not is_alive(record.holder)
    return lease_minutes > 0 and now - record.started > lease_minutes * 60


def after_crash(wrapper: TaskWrapper) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare what a crash means for the rows of job ``wrapper``: the function is called (in the app, its session
    committed) with the job's arguments and ``final`` (True: given up, False: queued again) before the job is
    queued again."""

    def declare(func: Callable[..., Any]) -> Callable[..., Any]:
        _after_crash[wrapper.task_class] = func
        return func

    return declare


def record(task: Task, holder: Holder, started: float | None = None) -> None:
    """Write down that ``holder`` runs ``task``."""
    entry = InFlight(task.id, huey.serialize_task(task), holder, time.time() if started is None else started)
    huey.storage.put_data(LEDGER + task.id, huey.serializer.serialize(asdict(entry)))


def in_flight() -> list[InFlight]:
    """The jobs written down as running, oldest first."""
    return sorted((_load(raw) for _, raw in _ledger()), key=lambda entry: entry.started)


def _ledger() -> Iterator[tuple[str, bytes]]:
    """The ledger's records as stored (key, serialised :class:`InFlight`), beside the queue's other data."""
    return ((key, raw) for key, raw in huey.storage.result_items().items() if key.startswith(LEDGER))


def _load(raw: bytes) -> InFlight:
    data = huey.serializer.deserialize(raw)
    return InFlight(data["task_id"], data["task"], Holder(**data["holder"]), data["started"])


def _strike_off(task_id: str) -> None:
    _held.discard(task_id)
    huey.storage.delete_data(LEDGER + task_id)


@huey.pre_execute()
def _starting(task: Task) -> None:
    if huey.immediate or isinstance(task, PeriodicTask):  # no worker to die; a periodic job comes back by itself
        return
    record(task, this_process())
    _held.add(task.id)


@huey.post_execute()
def _ended(task: Task, value: Any, exception: BaseException | None) -> None:
    if task.id not in _held:
        return
    if exception is not None and task.retries:
        return  # Huey stores the retry next: struck off by _retry_stored, or, without delay, rewritten when it runs
    _strike_off(task.id)


@huey.signal(S.SIGNAL_SCHEDULED)
def _retry_stored(signal: str, task: Task, *args: Any, **kwargs: Any) -> None:
    if task.id in _held:
        _strike_off(task.id)


def reclaim_abandoned(lease_minutes: int | None = None) -> list[str]:
    """Queue again, once, every job whose worker is gone (see the module's docstring); returns their ids."""
    if lease_minutes is None:
        lease_minutes = job_app().config["JOB_LEASE_MINUTES"]
    now = time.time()
    reclaimed = []
    for key, raw in _ledger():
        try:
            entry = _load(raw)
        except Exception:  # written by another version of this code: say so, leave it for a person
            log.exception("in-flight record %s cannot be read", key)
            continue
        if not is_abandoned(entry, now=now, lease_minutes=lease_minutes):
            continue
        taken = huey.storage.pop_data(key)
        if taken is EmptyData:
            continue  # another worker reclaimed it first
        if bytes(taken) != bytes(raw):  # run again meanwhile, by a live worker: not ours to take
            huey.storage.put_data(key, taken)
            continue
        _give_back(entry)
        reclaimed.append(entry.task_id)
    return reclaimed


def _give_back(entry: InFlight) -> None:
    try:
        task = huey.deserialize_task(entry.task)
    except Exception:  # a job this version no longer has
        log.exception("job %s died with its worker and cannot be queued again", entry.task_id)
        return
    final = not task.retries
    holder = entry.holder
    where = f"{holder.host} pid {holder.pid}, started {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime(entry.started))}"
    handler = _after_crash.get(type(task))
    if handler is not None:
        try:
            with job_context():
                handler(*task.args, final=final, **task.kwargs)
                db.session.commit()
        except Exception:
            log.exception("job %s %s: recording its crash failed", task.name, task.id)
    if final:
        log.error("job %s %s died with its worker (%s UTC) on its last attempt: given up", task.name, task.id, where)
        return
    task.retries -= 1  # the crash was an attempt
    huey.enqueue(task)
    log.warning("job %s %s died with its worker (%s UTC): queued again, %d retries left", task.name, task.id, where,
                task.retries)


# Every worker looks every five minutes (and ``parsurvey worker`` once at its start).
@periodic_job(crontab(minute="*/5"))
def reclaim_abandoned_jobs() -> int:
    return len(reclaim_abandoned())
