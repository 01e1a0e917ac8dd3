"""``parsurvey users``: staff accounts of the console (create, list, disable), recorded in the audit log."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from survey_app.commands.refusal import refuse
from survey_app.models.staff import ROLES
from survey_app.services.errors import OperatorError


@click.group("users")
def users_cli() -> None:
    """Staff accounts of the console."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="admin: everything; coordinator: its unit and below; data_entry: paper forms of its units; "
                   "analyst: participation and exports, never codes.")
@click.option("--unit", "unit_code", help="Unit code (coordinator and data_entry): the unit and every unit below.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input.")
@with_appcontext
def create_command(email: str, role: str, unit_code: str | None, password_stdin: bool) -> None:
    """Create an account; the password is asked for (twice) unless --password-stdin is given."""
    from survey_app.extensions import db
    from survey_app.services import audit
    from survey_app.services.staff import create_staff

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_staff(email, role, password, unit_code)
        detail = f"role={role}" + (f" unit={unit_code}" if unit_code else "")
        audit.record("user_created", audit.CLI_ACTOR, user.email, detail)
        db.session.commit()
    except OperatorError as error:
        refuse(error)
    click.echo(f"created {user.email} ({role}{', unit ' + unit_code if unit_code else ''})")


@users_cli.command("list")
@with_appcontext
def list_command() -> None:
    """Every account: e-mail, role, unit, active or disabled."""
    from survey_app.services.staff import list_staff

    users = list_staff()
    if not users:
        click.echo("no accounts yet: parsurvey users create EMAIL --role admin")
        return
    for user in users:
        state = "active" if user.active else "disabled"
        click.echo(f"{user.email}\t{user.role}\t{user.unit.code if user.unit else '-'}\t{state}")


@users_cli.command("disable")
@click.argument("email")
@with_appcontext
def disable_command(email: str) -> None:
    """Stop an account from logging in; its open sessions end at their next request."""
    from survey_app.extensions import db
    from survey_app.services import audit
    from survey_app.services.staff import disable_staff

    try:
        user = disable_staff(email)
        audit.record("user_disabled", audit.CLI_ACTOR, user.email)
        db.session.commit()
    except OperatorError as error:
        refuse(error)
    click.echo(f"disabled {user.email}")
