"""The jobs: deliver one e-mail (invitation or reminder), plan a round of reminders, and (daily, by itself) delete
the drafts of surveys closed longer ago than the grace period.

Each delivery is its own job so that a failure retries that message only; Huey's rate limit spreads the
messages to ``PARSURVEY_MAIL_PER_MINUTE`` (a job over the limit waits for the next minute without spending a
retry). A delivery that keeps failing ends as ``failed`` in the mail log, with the server's last answer.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app
from huey import crontab

from survey_app.extensions import db
from survey_app.jobs import emails, smtp
from survey_app.models import InvitationContact, MailLog, Survey, Unit
from survey_app.queue import huey, job, periodic_job
from survey_app.queue_recovery import after_crash

log = logging.getLogger(__name__)


@job
def deliver_mail(log_id: int, code: str | None = None, task=None) -> None:
    """Send the e-mail of mail-log entry ``log_id`` (an invitation carries ``code``, known only at issue time)."""
    from survey_app.services.reminders import still_wanted

    entry = db.session.get(MailLog, log_id)
    if entry is None or entry.status != "queued":
        return  # already sent or settled (e.g. a duplicate delivery after a worker crash)
    now = datetime.now(UTC)
    if not still_wanted(entry):  # a closed survey is judged by the database's clock, not this worker's
        entry.status = "skipped"
        db.session.commit()
        return
    message = _compose(entry, code)
    config = current_app.config
    with huey.rate_limit("smtp", max(config["MAIL_PER_MINUTE"], 1), 60):
        try:
            smtp.send(message, config)
        except smtp.DELIVERY_ERRORS as error:
            entry.attempts += 1
            entry.error = f"{type(error).__name__}: {error}"[:500]
            final = task is None or not task.retries
            if final:
                entry.status = "failed"
                log.error("%s e-mail %s to %s failed for good: %s", entry.kind, entry.id, entry.recipient, error)
            db.session.commit()
            raise
    entry.attempts += 1
    entry.status, entry.sent_at, entry.error = "sent", now, None
    db.session.commit()


@after_crash(deliver_mail)
def _worker_died(log_id: int, code: str | None = None, *, final: bool) -> None:
    """A delivery whose worker died on its last attempt is logged failed (it may have gone: the server may have
    taken it before the worker died); otherwise it stays queued and is delivered again."""
    entry = db.session.get(MailLog, log_id)
    if final and entry is not None and entry.status == "queued":
        entry.status, entry.error = "failed", "the worker stopped while sending it (killed or restarted)"
        log.error("%s e-mail %s to %s given up: its worker died on the last attempt", entry.kind, entry.id,
                  entry.recipient)


def _compose(entry: MailLog, code: str | None):
    invitation = entry.invitation
    contact = db.session.get(InvitationContact, invitation.id)
    survey: Survey = invitation.survey
    unit: Unit = invitation.unit
    to = emails.Addressee(
        email=entry.recipient, name=contact.name if contact else None,
        language=contact.language if contact else "vi", survey_title=survey.title, anonymous=survey.anonymous,
        unit_name_vi=unit.name_vi, unit_name_en=unit.name_en, closes_at=survey.closes_at,
        base_url=current_app.config["PUBLIC_BASE_URL"],
    )
    if entry.kind == "invitation":
        if code is None:
            raise ValueError(f"invitation e-mail {entry.id} has no code to send")
        return emails.invitation_message(to, code)
    return emails.reminder_message(to)


@job
def send_reminders(survey_id: int, unit_ids: list[int] | None = None, task=None) -> int:
    """A reminder round run by the worker (the console asks for one and returns at once)."""
    from survey_app.services.errors import OperatorError
    from survey_app.services.reminders import queue_reminders

    survey = db.session.get(Survey, survey_id)
    units = [db.session.get(Unit, i) for i in unit_ids or []]
    try:
        entries = queue_reminders(survey, [u for u in units if u is not None],
                                  interval_days=current_app.config["REMINDER_INTERVAL_DAYS"])
    except OperatorError as error:  # closed meanwhile: retrying cannot help
        log.warning("reminders for survey %s not sent: %s", survey_id, error)
        return 0
    db.session.commit()
    return len(entries)


# 19:30 UTC is 02:30 in Vietnam: the quietest hour of a survey.
@periodic_job(crontab(minute="30", hour="19"))
def purge_stale_drafts() -> int:
    """Delete the drafts of surveys closed more than ``PARSURVEY_DRAFT_GRACE_DAYS`` ago (no person needed)."""
    from survey_app.services import draft_purge

    purged = draft_purge.purge_stale_drafts(current_app.config["DRAFT_GRACE_DAYS"])
    db.session.commit()
    for entry in purged:
        log.info("cleared %d draft(s) of survey %s, closed %s", entry.drafts, entry.survey, entry.closed_at)
    return sum(entry.drafts for entry in purged)
