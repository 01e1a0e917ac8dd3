"""Deleting the drafts of surveys that closed long enough ago: unfinished answers are not kept forever.

A draft holds answers beside the key it was found by (an open link's session token hash, an invitation); once its
survey has closed nobody can finish it, and after a grace period (``PARSURVEY_DRAFT_GRACE_DAYS``, to extend a
survey closed too early) keeping it only keeps answers that were never submitted. "Closed long enough" is judged
by the database's clock (:func:`survey_app.clock.database_now`), like opening and closing.

Kept on purpose: the drafts of *started invitations*. Submitting never writes to an invitation (see
:class:`survey_app.models.Invitation`): "started without a draft" is what *completed* means, and the draft's
answers decide partial or break-off (AAPOR). Deleting those drafts would turn every unfinished case of a closed
survey into a complete in ``report rates`` and on the participation page; they wait until the invitation records
its final disposition some other way. Drafts of revoked invitations are deleted (revoked stays revoked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select

from survey_app.clock import database_now
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, Survey
from survey_app.services.errors import OperatorError


@dataclass(frozen=True)
class PurgedDrafts:
    """How many drafts of one survey were (or, in a dry run, would be) deleted."""

    survey: str
    closed_at: datetime
    drafts: int


def purge_stale_drafts(grace_days: int, *, dry_run: bool = False, now: datetime | None = None) -> list[PurgedDrafts]:
    """Delete the drafts of surveys closed more than ``grace_days`` days before ``now`` (default: the database's
    clock); returns the count per survey, oldest closing first. The caller commits."""
    if grace_days < 0:
        raise OperatorError(f"the grace period must be 0 days or more, got {grace_days}")
    cutoff = (now or database_now()) - timedelta(days=grace_days)
    stale = _deletable().where(Survey.closes_at <= cutoff)
    counted = db.session.execute(
        select(Survey.slug, Survey.closes_at, func.count(Draft.id))
        .join(Draft, Draft.survey_id == Survey.id)
        .where(Draft.id.in_(stale))
        .group_by(Survey.id, Survey.slug, Survey.closes_at)
        .order_by(Survey.closes_at, Survey.slug)
    ).all()
    if counted and not dry_run:
        db.session.execute(delete(Draft).where(Draft.id.in_(stale)), execution_options={"synchronize_session": False})
        db.session.expire_all()
    return [PurgedDrafts(slug, closed_at, n) for slug, closed_at, n in counted]


def _deletable():
    """Ids of drafts whose deletion changes no count: open-link drafts and those of revoked invitations."""
    return (
        select(Draft.id)
        .join(Survey, Draft.survey_id == Survey.id)
        .outerjoin(Invitation, Draft.invitation_id == Invitation.id)
        .where(or_(Draft.invitation_id.is_(None), Invitation.recorded_status == "revoked"))
    )
