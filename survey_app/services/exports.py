"""Response exports: one row per submitted response, in the record contract of :mod:`questionnaires.record`
(leading columns, then the codebook's variables in codebook order, -97 not applicable / -99 not answered)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from questionnaires.codebook import Codebook, build_codebook
from questionnaires.model import Questionnaire
from questionnaires.record import LEADING_COLUMNS, record_values
from survey_app.extensions import db
from survey_app.models import RespondentGroup, Response, Survey, Unit
from survey_app.services.questionnaire_versions import questionnaire_for

FORMATS = ("csv", "xlsx", "sav")


@dataclass(frozen=True)
class ResponseTable:
    """What every export format writes: the columns, the rows (lists of values) and the codebook."""

    columns: tuple[str, ...]
    rows: list[list[object]]
    codebook: Codebook
    questionnaire: Questionnaire


def response_table(survey: Survey) -> ResponseTable:
    """Every submitted response of ``survey``, ordered by day and unit (never by submission order)."""
    questionnaire = questionnaire_for(survey)
    codebook = build_codebook(questionnaire)
    version = survey.questionnaire_version
    rows = []
    for response, unit_code, unit_level, group_code in _responses(survey):
        leading = [str(response.id), survey.slug, version.questionnaire_id, version.version, unit_code,
                   unit_level, group_code or "", response.mode, response.submitted_on.isoformat()]
        rows.append(leading + record_values(questionnaire, codebook, response.answers or {}))
    return ResponseTable((*LEADING_COLUMNS, *codebook.names), rows, codebook, questionnaire)


def _responses(survey: Survey) -> Iterator[tuple]:
    query = (
        select(Response, Unit.code, Unit.level, RespondentGroup.code)
        .join(Unit, Response.unit_id == Unit.id)
        .outerjoin(RespondentGroup, Response.group_id == RespondentGroup.id)
        .where(Response.survey_id == survey.id)
        .order_by(Response.submitted_on, Unit.code, Response.id)
        .execution_options(yield_per=1000)
    )
    yield from db.session.execute(query)
