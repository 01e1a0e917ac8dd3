"""The read API's operations: surveys in scope, one survey, its participation table, its responses (paged, the
export's columns) and its codebook. Each parses the query, loads, checks one rule and calls one service."""

from __future__ import annotations

import math
from datetime import date
from http import HTTPStatus

from flask import current_app
from flask_smorest import Blueprint
from marshmallow import RAISE

from questionnaires.codebook import build_codebook
from survey_app.api.access import current_api_user, rule, survey_by_slug
from survey_app.api.schemas import (
    CodebookSchema,
    NoArgs,
    ParticipationSchema,
    ResponsePageArgs,
    ResponsePageSchema,
    SurveyListSchema,
    SurveySchema,
)
from survey_app.clock import as_utc
from survey_app.services import exports, live_participation
from survey_app.services.access import scope_unit_ids, visible_surveys
from survey_app.services.questionnaire_versions import questionnaire_for
from survey_app.services.surveys import SLUG, survey_state

blp = Blueprint("api", __name__, url_prefix="/api/v1", description="Surveys, participation and responses.")

SLUG_PARAMETER = {
    "in": "path", "name": "slug", "required": True, "description": "The survey's slug (see GET /surveys).",
    "schema": {"type": "string", "pattern": f"^{SLUG.pattern}$"}, "example": "par-2026-dept",
}
# Every operation may answer these (the bodies follow the Error schema); 404 and 403 where a survey is named.
ALWAYS = (401, 429)
ON_A_SURVEY = (401, 403, 404, 429)


def errors(*codes: int):
    """Document the error answers ``codes`` of an operation (their body is the Error schema; flask-smorest
    registers one response per HTTP status, named as :class:`http.HTTPStatus` names it)."""
    def decorate(view):
        for code in codes:
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


@blp.route("/surveys")
@rule("surveys.list")
@blp.arguments(NoArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, SurveyListSchema)
@errors(*ALWAYS)
def list_surveys():
    """Surveys your account may read

    Admins and analysts: every survey. Coordinators and data-entry clerks: surveys run by their unit or a unit
    below it, and surveys run from above that cover their unit. Newest first."""
    return {"items": [survey_json(s) for s in visible_surveys(current_api_user())]}


@blp.route("/surveys/<slug>", parameters=[SLUG_PARAMETER])
@rule("surveys.list", load=survey_by_slug)
@blp.arguments(NoArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, SurveySchema)
@errors(*ON_A_SURVEY)
def get_survey(survey):
    """One survey"""
    return survey_json(survey)


@blp.route("/surveys/<slug>/participation", parameters=[SLUG_PARAMETER])
@rule("participation.read", load=survey_by_slug)
@blp.arguments(NoArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ParticipationSchema)
@errors(*ON_A_SURVEY)
def participation(survey):
    """Participation per unit and group

    The console's participation table (its CSV): per unit and respondent group in your scope, invitations
    issued, opened, started, completed online and on paper, not eligible, refused, not opened, AAPOR P and R,
    and RR1, RR2 and COOP1 as fractions (null when undefined). Admins, coordinators (their units' rows) and
    analysts; data-entry clerks: 403."""
    table = live_participation.flat_table(survey, scope_unit_ids(current_api_user()))
    rows = [{key: _json_value(value) for key, value in row.items()} for row in table.to_dict("records")]
    return {"survey": survey.slug, "columns": list(live_participation.FLAT_COLUMNS), "rows": rows}


@blp.route("/surveys/<slug>/responses", parameters=[SLUG_PARAMETER])
@rule("responses.read", load=survey_by_slug)
@blp.arguments(ResponsePageArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, ResponsePageSchema)
@errors(*ON_A_SURVEY)  # 422 is documented by blp.arguments
def responses(survey, page: int, per_page: int):
    """Responses, a page at a time

    The rows of `parsurvey export responses`, one per response: unit, group, mode, questionnaire version, day
    of submission, then every codebook variable (codes as text, numbers and 0/1 flags as numbers, -97 not
    applicable, -99 not answered). Ordered by day, unit and response id (anonymous surveys: by unit, group and
    response id); read pages 1, 2, ... until
    `next_page` is null. Admins and analysts only. Anonymous surveys follow the exports' disclosure rule
    (days coarsened to the month, suppressed in small cells; rows by unit, group and random key)."""
    columns, rows = exports.response_page(survey, k=current_app.config["ANONYMITY_K"],
                                          offset=(page - 1) * per_page, limit=per_page)
    total = exports.response_total(survey)
    pages = math.ceil(total / per_page)
    items = [dict(zip(columns, (_json_value(v) for v in row), strict=True)) for row in rows]
    return {"survey": survey.slug, "columns": list(columns), "page": page, "per_page": per_page,
            "total": total, "pages": pages, "next_page": page + 1 if page < pages else None, "items": items}


@blp.route("/surveys/<slug>/codebook", parameters=[SLUG_PARAMETER])
@rule("surveys.list", load=survey_by_slug)
@blp.arguments(NoArgs, location="query", as_kwargs=True, unknown=RAISE)
@blp.response(200, CodebookSchema)
@errors(*ON_A_SURVEY)
def codebook(survey):
    """The survey's codebook

    Variables, labels in Vietnamese and English, value labels with weights, missing codes: the JSON written
    beside every export (`analysis` reads it with `Codebook.from_json`)."""
    return build_codebook(questionnaire_for(survey)).to_json()


def survey_json(survey) -> dict:
    version = survey.questionnaire_version
    return {
        "slug": survey.slug, "title": survey.title, "questionnaire": version.questionnaire_id,
        "questionnaire_version": version.version, "anonymous": survey.anonymous, "access": survey.access,
        "opens_at": as_utc(survey.opens_at), "closes_at": as_utc(survey.closes_at),
        "state": survey_state(survey).value, "unit": survey.unit.code if survey.unit else None,
        "groups": [group.code for group in survey.groups],
    }


def _json_value(value: object) -> object:
    """NaN (an undefined rate, a parent out of scope) as null; a day as ISO text; numpy numbers as Python's."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _json_value(value.item())
    return value
