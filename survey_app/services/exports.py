"""Response exports: one row per submitted response, the codebook's variables in codebook order.

"Not applicable" (-97) and "not answered" (-99) are told apart by applying relevance again to the stored
answers: a variable whose item is hidden by the respondent's own answers is not applicable; a relevant one
without a value was not answered. Numeric variables (integer, decimal, flag) carry the numbers -97/-99.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select

from questionnaires.answers import apply_relevance, is_missing
from questionnaires.codebook import NOT_ANSWERED, NOT_APPLICABLE, Codebook, Variable, build_codebook
from questionnaires.model import Questionnaire
from survey_app.extensions import db
from survey_app.models import RespondentGroup, Response, Survey, Unit
from survey_app.services.surveys import questionnaire_for

LEADING_COLUMNS = ("response_id", "survey", "questionnaire", "questionnaire_version", "unit", "unit_level",
                   "group", "mode", "submitted_on")
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
        rows.append(leading + variable_values(questionnaire, codebook, response.answers or {}))
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


def variable_values(questionnaire: Questionnaire, codebook: Codebook, answers: dict) -> list[object]:
    """One response's values in codebook order, with -97 / -99 where there is no answer."""
    kept, hidden = apply_relevance(questionnaire, answers)
    return [_value(variable, kept, hidden) for variable in codebook.variables]


def _value(variable: Variable, answers: dict, hidden: frozenset[str]) -> object:
    source = variable.item if variable.type == "flag" else variable.name
    if source in hidden:
        return missing_value(variable, NOT_APPLICABLE)
    value = answers.get(source)
    if is_missing(value):
        return missing_value(variable, NOT_ANSWERED)
    if variable.type == "flag":
        return 1 if variable.option in value else 0
    return value


def missing_value(variable: Variable, code: str) -> object:
    """The system-missing code as a number for numeric variables, as text otherwise."""
    return int(code) if variable.is_numeric else code
