"""The ``parsurvey`` console command: a Flask CLI group over ``create_app`` holding every operator task."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app():
    from survey_app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True)
def main() -> None:
    """parsurvey: run the PAR Index and SIPAS sociological survey."""


def register_commands(app: Flask) -> None:
    """Attach each feature's command group; each lives beside the feature it operates."""
    from survey_app.commands import register

    register(app)
