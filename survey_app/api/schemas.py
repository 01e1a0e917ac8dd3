"""What the API answers and which query parameters it takes, as marshmallow schemas: flask-smorest builds the
OpenAPI document from these same classes, so the document cannot drift from what is served."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from survey_app.services.live_participation import COUNTS, RATES
from survey_app.services.surveys import SurveyState

MAX_PER_PAGE = 1000
DEFAULT_PER_PAGE = 100


class Strict(ma.Schema):
    """Query parameters: an unknown one is refused (422), so a typo such as ``perpage`` is not silently ignored."""

    class Meta:
        unknown = ma.RAISE


class NoArgs(Strict):
    """An operation without query parameters: any parameter is refused (422)."""


class SurveySchema(ma.Schema):
    slug = fields.String(required=True, metadata={"example": "par-2026-dept"})
    title = fields.String(required=True)
    questionnaire = fields.String(required=True, metadata={"description": "Questionnaire id."})
    questionnaire_version = fields.String(required=True)
    anonymous = fields.Boolean(required=True)
    access = fields.String(required=True, validate=validate.OneOf(["invitation", "open"]),
                           metadata={"description": "invitation: personal codes; open: a public link per unit."})
    opens_at = fields.DateTime(required=True, metadata={"description": "UTC, ISO 8601."})
    closes_at = fields.DateTime(required=True, metadata={"description": "UTC, ISO 8601; closed from then on."})
    state = fields.String(required=True, validate=validate.OneOf([s.value for s in SurveyState]))
    unit = fields.String(required=True, allow_none=True,
                         metadata={"description": "Code of the unit that runs the survey (null: run by admins)."})
    groups = fields.List(fields.String(), required=True, metadata={"description": "Respondent group codes."})


class SurveyListSchema(ma.Schema):
    items = fields.List(fields.Nested(SurveySchema), required=True,
                        metadata={"description": "The surveys your token's account may read, newest first."})


ParticipationRowSchema = ma.Schema.from_dict({
    "unit": fields.String(required=True),
    "unit_name": fields.String(required=True),
    "level": fields.String(required=True),
    "parent": fields.String(required=True, allow_none=True,
                            metadata={"description": "Parent unit's code; null at the top of what you may see."}),
    "group": fields.String(required=True),
    **{count: fields.Integer(required=True) for count in COUNTS},
    **{rate: fields.Float(required=True, allow_none=True,
                          metadata={"description": f"AAPOR {rate}, a fraction; null when undefined."})
       for rate in RATES},
}, name="ParticipationRowSchema")


class ParticipationSchema(ma.Schema):
    survey = fields.String(required=True)
    columns = fields.List(fields.String(), required=True)
    rows = fields.List(fields.Nested(ParticipationRowSchema), required=True, metadata={
        "description": "One row per unit and group in your scope (the console's participation CSV), by unit code."})


class ResponsePageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000_000),
                          metadata={"description": "Page number, from 1."})
    per_page = fields.Integer(load_default=DEFAULT_PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Rows per page, 1 to {MAX_PER_PAGE}."})


class ResponsePageSchema(ma.Schema):
    survey = fields.String(required=True)
    columns = fields.List(fields.String(), required=True, metadata={
        "description": "The export's columns in order: response_id, survey, questionnaire, questionnaire_version, "
                       "unit, unit_level, group, mode, submitted_on, then the codebook's variables."})
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Responses in the survey."})
    pages = fields.Integer(required=True)
    next_page = fields.Integer(required=True, allow_none=True, metadata={"description": "null on the last page."})
    items = fields.List(
        fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True)), required=True,
        metadata={"description": "One object per response, keyed by column: codebook values (codes as text, "
                                 "numbers and 0/1 flags as numbers, -97 not applicable, -99 not answered)."})


class TextSchema(ma.Schema):
    class Meta:
        unknown = ma.INCLUDE

    vi = fields.String(metadata={"description": "Vietnamese."})
    en = fields.String(metadata={"description": "English."})


class CodebookValueSchema(ma.Schema):
    code = fields.String(required=True)
    label = fields.Nested(TextSchema, required=True, allow_none=True)
    weight = fields.Float(required=True, allow_none=True)
    missing = fields.Boolean(required=True)


class CodebookVariableSchema(ma.Schema):
    name = fields.String(required=True)
    item = fields.String(required=True)
    section = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(
        ["categorical", "flag", "integer", "decimal", "text", "date"]))
    label = fields.Nested(TextSchema, required=True, allow_none=True)
    scale = fields.String(required=True, allow_none=True)
    criterion = fields.String(required=True, allow_none=True)
    scored = fields.Boolean(required=True)
    values = fields.List(fields.Nested(CodebookValueSchema), required=True)
    missing_codes = fields.List(fields.String(), required=True)
    option = fields.String(metadata={"description": "Flags: the option this 0/1 variable stands for."})


class CodebookSchema(ma.Schema):
    questionnaire = fields.String(required=True)
    version = fields.String(required=True)
    checksum = fields.String(required=True)
    system_missing = fields.Dict(keys=fields.String(), values=fields.Nested(TextSchema), required=True)
    variables = fields.List(fields.Nested(CodebookVariableSchema), required=True)
