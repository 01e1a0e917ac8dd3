"""How a command refuses an operator's mistake: nothing kept, the reason on stderr, exit status 1."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from survey_app.extensions import db


def refuse(error: Exception) -> NoReturn:
    """Undo what the command changed, print ``error: <reason>`` and stop with status 1."""
    db.session.rollback()
    click.echo(f"error: {error}", err=True)
    sys.exit(1)
