"""Surveys: opening a published questionnaire version to respondent groups for a period, and whether one is open."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select

from survey_app.clock import as_utc
from survey_app.extensions import db
from survey_app.models import QuestionnaireVersion, Survey, SurveyQuota
from survey_app.services.errors import N_, OperatorError, SurveyClosed, SurveyNotOpenYet
from survey_app.services.groups import get_group
from survey_app.services.questionnaire_versions import questionnaire_of_version
from survey_app.services.units import get_unit

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,79}")


class SurveyState(StrEnum):
    NOT_OPEN_YET = "not_open_yet"
    OPEN = "open"
    CLOSED = "closed"


def survey_state(survey: Survey, now: datetime | None = None) -> SurveyState:
    """Whether ``survey`` is open at ``now``; closes_at itself is closed.

    The default ``now`` is the database's clock as read with the survey row (:attr:`Survey.database_time`), never
    this process's clock: every app server and the worker then agree on the moment a survey opens and closes,
    even when one machine's clock is wrong, and a respondent's page pays no extra query for it.
    """
    now = as_utc(now or survey.database_time)
    if now < as_utc(survey.opens_at):
        return SurveyState.NOT_OPEN_YET
    if now >= as_utc(survey.closes_at):
        return SurveyState.CLOSED
    return SurveyState.OPEN


def ensure_open(survey: Survey, now: datetime | None = None) -> None:
    """Raise :class:`SurveyNotOpenYet` or :class:`SurveyClosed` unless ``survey`` is open at ``now``."""
    state = survey_state(survey, now)
    if state is SurveyState.NOT_OPEN_YET:
        raise SurveyNotOpenYet(as_utc(survey.opens_at))
    if state is SurveyState.CLOSED:
        raise SurveyClosed()


def create_survey(
    *,
    slug: str,
    title: str,
    questionnaire_version: QuestionnaireVersion,
    anonymous: bool,
    access: str,
    groups: Iterable[str],
    opens_at: datetime,
    closes_at: datetime,
    quotas: Mapping[str, int] | None = None,
    contact: str | None = None,
) -> Survey:
    """Open ``questionnaire_version`` to ``groups`` (codes) between two aware datetimes.

    ``quotas`` (unit code -> number of responses) only make sense for open-link surveys. ``contact`` (office,
    phone, e-mail) is shown to respondents on the pages that say something went wrong.
    """
    _check_survey_fields(slug, access, opens_at, closes_at, quotas)
    questionnaire = questionnaire_of_version(questionnaire_version)
    group_rows = [get_group(code) for code in dict.fromkeys(groups)]
    if not group_rows:
        raise OperatorError(N_("a survey needs at least one respondent group"))
    allowed = set(questionnaire.respondent_groups)
    stray = [g.code for g in group_rows if allowed and g.code not in allowed]
    if stray:
        raise OperatorError(N_("%(questionnaire)s is not meant for group(s) %(stray)s (it is for %(allowed)s)"),
                            questionnaire=questionnaire.key, stray=", ".join(stray), allowed=", ".join(sorted(allowed)))
    survey = Survey(
        slug=slug,
        title=title,
        questionnaire_version=questionnaire_version,
        anonymous=anonymous,
        access=access,
        opens_at=as_utc(opens_at),
        closes_at=as_utc(closes_at),
        groups=group_rows,
        contact=(contact or "").strip()[:300] or None,
    )
    survey.quotas = [SurveyQuota(unit=get_unit(code), quota=n) for code, n in (quotas or {}).items()]
    db.session.add(survey)
    db.session.flush()
    return survey


def _check_survey_fields(slug, access, opens_at, closes_at, quotas) -> None:
    if not SLUG.fullmatch(slug or ""):
        raise OperatorError(
            N_("slug '%(slug)s' must be 2-80 characters of a-z, 0-9 and '-', starting with a letter/digit"), slug=slug)
    if db.session.scalar(select(Survey.id).where(Survey.slug == slug)) is not None:
        raise OperatorError(N_("a survey with slug '%(slug)s' already exists"), slug=slug)
    if access not in ("invitation", "open"):
        raise OperatorError(f"access must be 'invitation' or 'open', got {access!r}")
    if opens_at.tzinfo is None or closes_at.tzinfo is None:
        raise OperatorError("opening and closing times need a time zone (e.g. 2026-12-01T08:00+07:00)")
    if closes_at <= opens_at:
        raise OperatorError(N_("the survey must close after it opens"))
    if quotas and access != "open":
        raise OperatorError("quotas apply only to open-link surveys (--access open)")
    bad = [f"{code}={n}" for code, n in (quotas or {}).items() if not isinstance(n, int) or n < 0]
    if bad:
        raise OperatorError(f"quotas must be whole numbers >= 0: {', '.join(bad)}")


def get_survey(slug: str) -> Survey:
    """The survey with ``slug``, or an :class:`OperatorError` naming it."""
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        raise OperatorError(N_("no survey has the slug '%(slug)s'"), slug=slug)
    return survey
