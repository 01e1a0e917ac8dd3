"""``parsurvey questionnaires list`` and ``parsurvey groups list``: the ids other commands ask for."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("list")
@with_appcontext
def questionnaires_list_command() -> None:
    """Every questionnaire a survey can use (ID@VERSION, as --questionnaire takes it): the definition files and the
    versions already published in the database, with their respondent groups."""
    from sqlalchemy import select

    from questionnaires.problems import QuestionnaireError
    from survey_app.extensions import db
    from survey_app.models import QuestionnaireVersion
    from survey_app.questionnaire_registry import available_questionnaires

    published = {f"{q}@{v}" for q, v in db.session.execute(
        select(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version))}
    try:
        files = available_questionnaires()
    except QuestionnaireError as error:
        click.echo(f"the definition files have problems ({len(error.problems)}): "
                   "run 'parsurvey questionnaires validate'", err=True)
        files = {}
    for key in sorted({*files, *published}):
        questionnaire = files.get(key)
        groups = ", ".join(questionnaire.respondent_groups) if questionnaire else ""
        where = "published" if key in published else "file"
        title = questionnaire.title.get("vi") if questionnaire else ""
        click.echo(f"{key:<40} {where:<10} {groups:<30} {title}")


@click.group("groups")
def groups_cli() -> None:
    """Respondent groups (from the published methodologies)."""


@groups_cli.command("list")
@with_appcontext
def groups_list_command() -> None:
    """Every respondent group code (as --group takes it) with its name."""
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import RespondentGroup

    groups = db.session.scalars(select(RespondentGroup).order_by(RespondentGroup.code)).all()
    if not groups:
        click.echo("no groups yet: they come with the first survey created from a questionnaire")
    for group in groups:
        click.echo(f"{group.code:<30} {group.name_vi}")
