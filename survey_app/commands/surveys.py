"""``parsurvey surveys ...``: open a questionnaire version to respondent groups for a period."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import click
from flask.cli import with_appcontext

from survey_app.commands.refusal import refuse
from survey_app.extensions import db
from survey_app.services.errors import OperatorError

# Times typed without a zone are Vietnam time: that is what a coordinator in Hà Nội or Hải Phòng means.
VIETNAM = timezone(timedelta(hours=7), "ICT")


def parse_moment(text: str, option: str, end_of_day: bool = False) -> datetime:
    """An ISO date or date-time; without a zone it is taken as Vietnam time (UTC+07:00). With ``end_of_day``, a
    bare date means the end of that day in Vietnam (the next midnight): ``--closes 2026-12-31`` keeps the 31st."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date or time such as 2026-12-01T08:00", param_hint=option)
    if end_of_day and len(text.strip()) == 10:
        moment += timedelta(days=1)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def parse_quotas(values: tuple[str, ...]) -> dict[str, int]:
    """``UNIT=N`` pairs into a dict; a malformed pair is a usage error naming it."""
    quotas = {}
    for value in values:
        code, sep, number = value.partition("=")
        if not sep or not code or not number.strip().isdigit():
            raise click.BadParameter(f"{value!r} is not UNIT=N (e.g. HP-HB=30)", param_hint="--quota")
        quotas[code.strip()] = int(number)
    return quotas


def resolve_version(key: str):
    """The QuestionnaireVersion for ``ID@VERSION``: already published, or published now from the files."""
    from sqlalchemy import select

    from survey_app.models import QuestionnaireVersion
    from survey_app.questionnaire_registry import available_questionnaires
    from survey_app.services.questionnaire_versions import publish_questionnaire

    qid, sep, version = key.partition("@")
    if not sep:
        raise OperatorError(f"--questionnaire must be ID@VERSION (e.g. par_f02_dept_leader@2021.1), got {key!r}")
    questionnaire = available_questionnaires().get(key)
    if questionnaire is not None:
        return publish_questionnaire(questionnaire)
    row = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == qid,
                                           QuestionnaireVersion.version == version)
    )
    if row is None:
        published = db.session.execute(select(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version))
        valid = sorted({*available_questionnaires(), *(f"{q}@{v}" for q, v in published)})
        raise OperatorError(f"no questionnaire {key} among the definition files or the published versions "
                            f"(valid: {', '.join(valid)}; see 'parsurvey questionnaires list')")
    return row


@click.group("surveys")
def surveys_cli() -> None:
    """Create and list surveys."""


@surveys_cli.command("create")
@click.option("--slug", required=True, help="Short name used in links, e.g. par-2026-dept.")
@click.option("--questionnaire", "key", required=True, help="ID@VERSION of the questionnaire.")
@click.option("--title", required=True)
@click.option("--anonymous/--identified", default=True, show_default=True,
              help="Anonymous: no link at all between answers and invitations.")
@click.option("--access", type=click.Choice(["invitation", "open"]), default="invitation", show_default=True)
@click.option("--groups", required=True, help="Comma-separated respondent group ids.")
@click.option("--opens", required=True, help="ISO date/time; without a zone, Vietnam time.")
@click.option("--closes", required=True,
              help="ISO date/time; without a zone, Vietnam time; a date alone means the end of that day.")
@click.option("--quota", "quotas", multiple=True, help="UNIT=N: open surveys only; repeat per unit.")
@click.option("--contact", default=None,
              help="Who respondents can reach, shown on error pages (office, phone, e-mail).")
@with_appcontext
def create_command(slug, key, title, anonymous, access, groups, opens, closes, quotas, contact) -> None:
    """Open a questionnaire version to respondent groups between two times."""
    from survey_app.services.surveys import create_survey

    opens_at, closes_at = parse_moment(opens, "--opens"), parse_moment(closes, "--closes", end_of_day=True)
    quota_map = parse_quotas(quotas)
    try:
        survey = create_survey(
            slug=slug, title=title, questionnaire_version=resolve_version(key), anonymous=anonymous,
            access=access, groups=[g.strip() for g in groups.split(",") if g.strip()],
            opens_at=opens_at, closes_at=closes_at, quotas=quota_map, contact=contact,
        )
    except OperatorError as error:
        refuse(error)
    db.session.commit()
    kind = "anonymous" if survey.anonymous else "identified"
    click.echo(f"Survey {survey.slug} created ({kind}, {survey.access}).")


@surveys_cli.command("list")
@with_appcontext
def list_command() -> None:
    """One line per survey: slug, questionnaire, access, anonymity, state, period, responses."""
    from sqlalchemy import func, select

    from survey_app.clock import as_utc
    from survey_app.models import Response, Survey
    from survey_app.services.surveys import survey_state

    counts = dict(db.session.execute(select(Response.survey_id, func.count()).group_by(Response.survey_id)).all())
    surveys = db.session.scalars(select(Survey).order_by(Survey.slug)).all()
    if not surveys:
        click.echo("No surveys yet: create one with 'parsurvey surveys create'.")
    for s in surveys:
        key = f"{s.questionnaire_version.questionnaire_id}@{s.questionnaire_version.version}"
        period = (f"{as_utc(s.opens_at).astimezone(VIETNAM):%Y-%m-%d %H:%M} - "
                  f"{as_utc(s.closes_at).astimezone(VIETNAM):%Y-%m-%d %H:%M} (UTC+07:00)")
        click.echo(
            f"{s.slug:<30} {key:<40} {s.access:<10} "
            f"{'anonymous' if s.anonymous else 'identified':<10} {survey_state(s).value:<12} {period} "
            f"{counts.get(s.id, 0)} response(s)"
        )


@surveys_cli.command("scrub")
@with_appcontext
def scrub_command() -> None:
    """Erase the database's memory of the order rows were written in (daily while a survey collects).

    On PostgreSQL, transaction stamps and physical row order could otherwise pair a first visit with its
    submit; see survey_app/services/maintenance.py.
    """
    from survey_app.services.maintenance import scrub_row_history

    click.echo(f"Scrubbed: {scrub_row_history()}.")
