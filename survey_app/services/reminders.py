"""Reminders by e-mail, the log of what was sent, and the non-responder list for reminding by phone.

Who is reminded: invitations of the survey that have an e-mail, are neither completed nor revoked, whose
holder has not refused, and who were sent nothing within ``REMINDER_INTERVAL_DAYS`` (and have nothing queued
within it). The same test is made again when a reminder's turn comes in the worker, so an invitation completed
in between gets no reminder (its log entry says ``skipped``). A reminder carries no code: only the code's hash
is stored (see ``survey_app.jobs.emails``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from survey_app.extensions import db
from survey_app.models import Invitation, InvitationContact, MailLog, RespondentGroup, Survey, Unit
from survey_app.queue import defer
from survey_app.services import invitation_status
from survey_app.services.errors import OperatorError
from survey_app.services.surveys import SurveyState, survey_state

NOT_COMPLETED = ("issued", "started")


def _recently_mailed(cutoff: datetime) -> ColumnElement[bool]:
    return exists().where(
        MailLog.invitation_id == Invitation.id,
        # a queued one older than the interval was lost (a worker killed mid-job): it no longer holds the person
        or_(and_(MailLog.status == "queued", MailLog.queued_at >= cutoff),
            and_(MailLog.status == "sent", MailLog.sent_at >= cutoff)),
    )


def due_for_reminder(survey: Survey, units: Iterable[Unit] = (), *, now: datetime, interval_days: int) -> list[
        tuple[Invitation, InvitationContact]]:
    """The invitations a reminder would go to now, with their contacts (units empty = every unit)."""
    cutoff = now - timedelta(days=interval_days)
    query = (
        select(Invitation, InvitationContact)
        .join(InvitationContact, InvitationContact.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey.id, Invitation.recorded_status != "revoked",
               InvitationContact.refused_on.is_(None), ~_recently_mailed(cutoff))
        .order_by(Invitation.id)
    )
    unit_ids = [u.id for u in units]
    if unit_ids:
        query = query.where(Invitation.unit_id.in_(unit_ids))
    found = db.session.execute(query).all()
    waiting = set(invitation_status.not_completed([i for i, _ in found]))
    return [(i, c) for i, c in found if i in waiting]


def queue_reminders(survey: Survey, units: Iterable[Unit] = (), *, now: datetime | None = None,
                    interval_days: int = 7) -> list[MailLog]:
    """Log one queued reminder per invitation due and defer its delivery (sent once the caller commits)."""

    state = survey_state(survey, now)  # judged by the database's clock unless a caller gives one
    now = now or datetime.now(UTC)
    if survey.access != "invitation":
        raise OperatorError(f"survey {survey.slug!r} is an open-link survey: it has no invitations to remind")
    if state is not SurveyState.OPEN:
        raise OperatorError(f"survey {survey.slug!r} is {'closed' if state is SurveyState.CLOSED else 'not open yet'}"
                            ": reminders go only while it is open")
    entries = []
    for invitation, contact in due_for_reminder(survey, units, now=now, interval_days=interval_days):
        entry = MailLog(invitation=invitation, kind="reminder", recipient=contact.email, status="queued",
                        queued_at=now)
        db.session.add(entry)
        entries.append(entry)
    db.session.flush()
    for entry in entries:
        defer("deliver_mail", entry.id)
    return entries


def request_reminders(survey: Survey, units: Iterable[Unit] = ()) -> None:
    """Ask the worker for a reminder round (for the console: the request returns at once).

    Checked here as far as it can be, so the coordinator hears at once of a mistake; the round itself runs in
    the worker after the caller commits, with ``PARSURVEY_REMINDER_INTERVAL_DAYS`` as its throttle.
    """

    if survey.access != "invitation":
        raise OperatorError(f"survey {survey.slug!r} is an open-link survey: it has no invitations to remind")
    if survey_state(survey) is not SurveyState.OPEN:
        raise OperatorError(f"survey {survey.slug!r} is not open: reminders go only while it is open")
    defer("send_reminders", survey.id, [u.id for u in units])


def still_wanted(entry: MailLog, now: datetime | None = None) -> bool:
    """Whether a queued e-mail should still go when its turn comes (checked again in the worker); whether the
    survey has closed is judged at ``now``, by default the database's clock."""
    invitation = entry.invitation
    contact = db.session.get(InvitationContact, invitation.id)
    invitation_status.load([invitation])
    if invitation.status == "revoked" or contact is None or survey_state(invitation.survey, now) is SurveyState.CLOSED:
        return False
    if entry.kind == "reminder":
        return invitation.status in NOT_COMPLETED and contact.refused_on is None
    return True


@dataclass(frozen=True)
class LogLine:
    """One e-mail as the coordinators see it."""

    queued_at: datetime
    sent_at: datetime | None
    kind: str
    recipient: str
    status: str
    attempts: int
    error: str | None
    survey: str
    unit: str
    group: str


def mail_log(survey: Survey | None = None, units: Sequence[Unit] = ()) -> list[LogLine]:
    """What was sent to whom and when, newest first; limited to ``units`` (a coordinator's) when given."""
    query = (
        select(MailLog, Survey.slug, Unit.code, RespondentGroup.code)
        .join(Invitation, MailLog.invitation_id == Invitation.id)
        .join(Survey, Invitation.survey_id == Survey.id)
        .join(Unit, Invitation.unit_id == Unit.id)
        .join(RespondentGroup, Invitation.group_id == RespondentGroup.id)
        .order_by(MailLog.queued_at.desc(), MailLog.id.desc())
    )
    if survey is not None:
        query = query.where(Invitation.survey_id == survey.id)
    if units:
        query = query.where(Invitation.unit_id.in_([u.id for u in units]))
    return [
        LogLine(queued_at=m.queued_at, sent_at=m.sent_at, kind=m.kind, recipient=m.recipient, status=m.status,
                attempts=m.attempts, error=m.error, survey=slug, unit=unit, group=group)
        for m, slug, unit, group in db.session.execute(query).all()
    ]


NONRESPONDER_COLUMNS = ("unit", "unit_name", "group", "status", "name", "email", "invited_on", "emails_sent",
                        "last_emailed")


def nonresponders(survey: Survey, units: Sequence[Unit] = ()) -> list[dict[str, object]]:
    """The invitations of ``units`` not completed, not revoked and not refused, for focal points who phone.

    ``status`` is ``not opened`` (the code was never used), ``opened`` (used, no page saved) or ``started`` (a
    draft exists); ``name``/``email`` are empty for invitations issued without an e-mails file. Nothing about answers
    is shown.
    """
    if survey.access != "invitation":
        raise OperatorError(f"survey {survey.slug!r} is an open-link survey: it has no invitations")
    sent = (
        select(MailLog.invitation_id, func.count().label("n"), func.max(MailLog.sent_at).label("last"))
        .where(MailLog.status == "sent").group_by(MailLog.invitation_id).subquery()
    )
    query = (
        select(Invitation, Unit.code, Unit.name_vi, RespondentGroup.code, InvitationContact.name,
               InvitationContact.email, sent.c.n, sent.c.last)
        .join(Unit, Invitation.unit_id == Unit.id)
        .join(RespondentGroup, Invitation.group_id == RespondentGroup.id)
        .outerjoin(InvitationContact, InvitationContact.invitation_id == Invitation.id)
        .outerjoin(sent, sent.c.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey.id, Invitation.recorded_status != "revoked",
               InvitationContact.refused_on.is_(None))
        # named people first (both databases: NULLs sort differently), then letters without contact details
        .order_by(Unit.code, RespondentGroup.code, InvitationContact.email.is_(None), InvitationContact.name,
                  Invitation.id)
    )
    if units:
        query = query.where(Invitation.unit_id.in_([u.id for u in units]))
    found = db.session.execute(query).all()
    waiting = set(invitation_status.not_completed([row[0] for row in found]))
    rows = []
    for invitation, unit, unit_name, group, name, email, n, last in found:
        if invitation not in waiting:
            continue
        invited_on = invitation.created_on
        rows.append(dict(zip(NONRESPONDER_COLUMNS, (
            unit, unit_name, group, "not opened" if invitation.status == "issued" else invitation.status, name or "",
            email or "", invited_on.isoformat() if isinstance(invited_on, date) else "", n or 0,
            _utc(last).strftime("%Y-%m-%d %H:%M") if last else "",
        ), strict=True)))
    return rows


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
