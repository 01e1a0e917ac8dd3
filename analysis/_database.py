"""Read a survey's responses straight from the web app's database (private helper of :mod:`analysis.io`).

SQLAlchemy Core on lightweight table descriptions of the columns read here, so the analysis never imports the web
app: the tables are ``response``, ``survey``, ``questionnaire_version``, ``unit`` and ``respondent_group``
(see ``survey_app/models``). Answers are stored as one JSON document per response (variable -> value); they are
turned into record values by :mod:`questionnaires.record` and typed by the same code as an export file.
"""

from __future__ import annotations

import sqlalchemy as sa

from .errors import ExportError

RESPONSE = sa.table(
    "response", sa.column("id", sa.Uuid), sa.column("survey_id", sa.Integer), sa.column("unit_id", sa.Integer),
    sa.column("group_id", sa.Integer), sa.column("questionnaire_version_id", sa.Integer),
    sa.column("mode", sa.String), sa.column("answers", sa.JSON), sa.column("submitted_on", sa.Date),
)  # fmt: skip
SURVEY = sa.table("survey", sa.column("id", sa.Integer), sa.column("slug", sa.String),
                  sa.column("questionnaire_version_id", sa.Integer))
VERSION = sa.table("questionnaire_version", sa.column("id", sa.Integer), sa.column("questionnaire_id", sa.String),
                   sa.column("version", sa.String), sa.column("definition", sa.JSON))
UNIT = sa.table("unit", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("level", sa.String))
GROUP = sa.table("respondent_group", sa.column("id", sa.Integer), sa.column("code", sa.String))


def fetch_survey(url: str, survey: str) -> tuple[dict, list[dict]]:
    """The survey's questionnaire snapshot and its responses (leading fields plus the answers document)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            version = conn.execute(
                sa.select(VERSION.c.definition).select_from(SURVEY.join(VERSION, SURVEY.c.questionnaire_version_id
                                                                        == VERSION.c.id))
                .where(SURVEY.c.slug == survey)
            ).first()
            if version is None:
                slugs = conn.execute(sa.select(SURVEY.c.slug).order_by(SURVEY.c.slug)).scalars().all()
                raise ExportError(f"no survey {survey!r} in the database (surveys: {', '.join(slugs) or 'none'})")
            rows = [dict(r._mapping) for r in conn.execute(_responses_query(survey))]
    except sa.exc.SQLAlchemyError as error:
        raise ExportError(f"cannot read the responses from the database: {error.__class__.__name__}: {error}")
    finally:
        engine.dispose()
    return version.definition, rows


def _responses_query(survey: str) -> sa.Select:
    joined = (RESPONSE.join(SURVEY, RESPONSE.c.survey_id == SURVEY.c.id)
              .join(VERSION, RESPONSE.c.questionnaire_version_id == VERSION.c.id)
              .join(UNIT, RESPONSE.c.unit_id == UNIT.c.id)
              .outerjoin(GROUP, RESPONSE.c.group_id == GROUP.c.id))
    return (
        sa.select(
            RESPONSE.c.id.label("response_id"), SURVEY.c.slug.label("survey"),
            VERSION.c.questionnaire_id.label("questionnaire"), VERSION.c.version.label("questionnaire_version"),
            UNIT.c.code.label("unit"), UNIT.c.level.label("unit_level"), GROUP.c.code.label("group"),
            RESPONSE.c.mode, RESPONSE.c.submitted_on, RESPONSE.c.answers,
        )
        .select_from(joined)
        .where(SURVEY.c.slug == survey)
        .order_by(RESPONSE.c.submitted_on, RESPONSE.c.id)
    )  # fmt: skip
