"""The coordinators' shell: parsurvey's own commands only, ids listed, unknown ids answered with the valid ones,
closing dates meaning the end of the day in Vietnam, times shown in Vietnam time with the zone."""

from __future__ import annotations

from click.testing import CliRunner

from survey_app.cli import main
from survey_app.extensions import db
from survey_app.models import Survey
from tests.survey_app.conftest import add_units


def test_help_lists_parsurvey_commands_not_flask_internals():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    commands = result.output.split("Commands:")[1]
    for ours in ("surveys", "invitations", "report", "users", "groups", "questionnaires", "serve", "db"):
        assert f"  {ours} " in commands
    for internal in ("run", "shell", "routes", "limiter"):
        assert f"  {internal} " not in commands
    assert "--env-file" not in result.output and "--app" not in result.output


def test_questionnaires_and_groups_are_listed(ctx, runner):
    listed = runner.invoke(args=["questionnaires", "list"])
    assert "par_f02_dept_leader@2021.1" in listed.output and "dept_leader" in listed.output
    assert "no groups yet" in runner.invoke(args=["groups", "list"]).output


def test_an_unknown_questionnaire_names_the_valid_ones_and_closes_means_end_of_day(ctx, runner):
    add_units()
    db.session.commit()
    base = ["surveys", "create", "--slug", "par", "--title", "PAR", "--anonymous", "--access", "invitation",
            "--groups", "dept_leader", "--opens", "2026-12-01", "--closes", "2026-12-31"]
    unknown = runner.invoke(args=[*base, "--questionnaire", "par_f02@1999"])
    assert unknown.exit_code == 1 and "valid:" in unknown.output and "par_f02_dept_leader@2021.1" in unknown.output
    made = runner.invoke(args=[*base, "--questionnaire", "par_f02_dept_leader@2021.1"])
    assert made.exit_code == 0, made.output
    survey = db.session.query(Survey).one()
    # the whole 31st in Vietnam: until 2027-01-01 00:00 UTC+07:00 = 2026-12-31 17:00 UTC
    assert survey.closes_at.replace(tzinfo=None).isoformat() == "2026-12-31T17:00:00"
    listed = runner.invoke(args=["surveys", "list"]).output
    assert "2026-12-01 00:00 - 2027-01-01 00:00 (UTC+07:00)" in listed
    groups = runner.invoke(args=["groups", "list"]).output
    assert "dept_leader" in groups
