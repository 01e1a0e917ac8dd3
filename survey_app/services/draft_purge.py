"""Clearing the drafts of surveys that closed long enough ago: unfinished answers are not kept forever.

A draft holds answers beside the key it was found by (an open link's session token hash, an invitation's
pseudonym); once its survey has closed nobody can finish it, and after a grace period
(``PARSURVEY_DRAFT_GRACE_DAYS``, to extend a survey closed too early) keeping it only keeps answers that were never
submitted. "Closed long enough" is judged by the database's clock (:func:`survey_app.clock.database_now`), like
opening and closing.

An open link's draft is deleted. An invitation's draft loses its answers but keeps its row with the verdict its
answers gave (partial or break-off, :func:`questionnaires.route.is_partial`): the participation page and
``report rates`` count AAPOR's P and R from it, and a closed survey's rates must not change when its answers go.
Completion is recorded apart (a spent marker), so clearing a draft never turns an unfinished case into a complete.
Revoked codes' drafts are deleted at revocation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from questionnaires.route import is_partial
from survey_app.clock import database_now
from survey_app.extensions import db
from survey_app.models import Draft, Survey
from survey_app.services.errors import N_, OperatorError
from survey_app.services.questionnaire_versions import questionnaire_for


@dataclass(frozen=True)
class PurgedDrafts:
    """How many drafts of one survey were (or, in a dry run, would be) deleted or emptied."""

    survey: str
    closed_at: datetime
    drafts: int


def purge_stale_drafts(grace_days: int, *, dry_run: bool = False, now: datetime | None = None) -> list[PurgedDrafts]:
    """Clear the drafts of surveys closed more than ``grace_days`` days before ``now`` (default: the database's
    clock); returns the count per survey, oldest closing first. The caller commits."""
    if grace_days < 0:
        raise OperatorError(N_("the grace period must be 0 days or more, got %(days)s"), days=grace_days)
    cutoff = (now or database_now()) - timedelta(days=grace_days)
    stale = db.session.execute(
        select(Draft.id, Draft.survey_id, Draft.invitation_key.is_(None))
        .join(Survey, Draft.survey_id == Survey.id)
        .where(Survey.closes_at <= cutoff, Draft.partial.is_(None))
    ).all()
    per_survey = Counter(survey_id for _, survey_id, _ in stale)
    surveys = {s.id: s for s in db.session.scalars(select(Survey).where(Survey.id.in_(list(per_survey))))}
    if stale and not dry_run:
        deleted = [draft_id for draft_id, _, open_link in stale if open_link]
        for first in range(0, len(deleted), 5000):
            db.session.execute(delete(Draft).where(Draft.id.in_(deleted[first:first + 5000])),
                               execution_options={"synchronize_session": False})
        emptied = [draft_id for draft_id, _, open_link in stale if not open_link]
        for first in range(0, len(emptied), 500):
            for draft in db.session.scalars(select(Draft).where(Draft.id.in_(emptied[first:first + 500]))):
                draft.partial = is_partial(questionnaire_for(surveys[draft.survey_id]), draft.answers or {})
                draft.answers = {}
        db.session.flush()
        db.session.expire_all()
    found = [PurgedDrafts(surveys[sid].slug, surveys[sid].closes_at, n) for sid, n in per_survey.items()]
    return sorted(found, key=lambda p: (p.closed_at, p.survey))
