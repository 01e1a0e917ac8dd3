"""``parsurvey tokens``: personal API tokens for scripts (create, list, revoke), recorded in the audit log.

``tokens create`` prints the token alone on standard output (``TOKEN=$(parsurvey tokens create ...)``); it is
shown once and only its hash is kept. Everything else goes to standard error.
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from survey_app.commands.refusal import refuse
from survey_app.services.api_tokens import MAX_EXPIRY_DAYS
from survey_app.services.errors import OperatorError


@click.group("tokens")
def tokens_cli() -> None:
    """Personal API tokens (/api/v1/) of staff accounts."""


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", default="script", show_default=True, help="What script or computer uses the token.")
@click.option("--expires-in-days", type=click.IntRange(1, MAX_EXPIRY_DAYS), default=None,
              help="Days the token works (default: until revoked).")
@with_appcontext
def create_command(email: str, name: str, expires_in_days: int | None) -> None:
    """Make a token for the account EMAIL and print it (once): it reads the API with that account's role and
    units."""
    from survey_app.extensions import db
    from survey_app.services import api_tokens, audit
    from survey_app.services.staff import get_staff

    try:
        user = get_staff(email)
        row, token = api_tokens.create_token(user, name, expires_in_days)
        audit.record("token_created", audit.CLI_ACTOR, user.email, f"token {row.id} {row.name!r}")
        db.session.commit()
    except OperatorError as error:
        refuse(error)
    expiry = f", expires {row.expires_at:%Y-%m-%d %H:%M} UTC" if row.expires_at else ""
    click.echo(f"token {row.id} {row.name!r} for {user.email} ({user.role}){expiry}; shown once:", err=True)
    click.echo(token)


@tokens_cli.command("list")
@click.argument("email", required=False)
@with_appcontext
def list_command(email: str | None) -> None:
    """Tokens (of EMAIL, or everyone's): id, e-mail, name, made, last used day, expiry, state. Never the token."""
    from survey_app.services import api_tokens
    from survey_app.services.staff import get_staff

    try:
        rows = api_tokens.tokens_of(get_staff(email) if email else None)
    except OperatorError as error:
        refuse(error)
    if not rows:
        click.echo("no tokens yet: parsurvey tokens create EMAIL --name NAME")
        return
    for row in rows:
        made = f"{row.created_at:%Y-%m-%d}"
        used = row.last_used_on.isoformat() if row.last_used_on else "never used"
        expires = f"expires {row.expires_at:%Y-%m-%d}" if row.expires_at else "no expiry"
        click.echo("\t".join([str(row.id), row.user.email, row.name, made, used, expires, api_tokens.token_state(row)]))


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_command(token_id: int) -> None:
    """Withdraw the token TOKEN_ID (from 'tokens list'): scripts using it are refused from now on."""
    from survey_app.extensions import db
    from survey_app.services import api_tokens, audit

    try:
        row = api_tokens.get_token(token_id)
    except OperatorError as error:
        refuse(error)
    if not api_tokens.revoke_token(row):
        click.echo(f"token {row.id} {row.name!r} of {row.user.email} was already revoked")
        return
    audit.record("token_revoked", audit.CLI_ACTOR, row.user.email, f"token {row.id} {row.name!r}")
    db.session.commit()
    click.echo(f"revoked token {row.id} {row.name!r} of {row.user.email}")
