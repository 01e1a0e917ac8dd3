"""The ``parsurvey`` console command: a Flask CLI group over ``create_app`` holding every operator task."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def _create_app():
    from survey_app import create_app

    return create_app()


class ParsurveyGroup(FlaskGroup):
    """Flask's CLI group without the plug-in commands that are not operator tasks (Flask-Limiter's ``limiter``)."""

    HIDDEN_PLUGINS = ("limiter",)

    def _load_plugin_commands(self) -> None:
        super()._load_plugin_commands()
        for name in self.HIDDEN_PLUGINS:
            self.commands.pop(name, None)


@click.group(cls=ParsurveyGroup, create_app=_create_app, add_default_commands=False, add_version_option=False)
def main() -> None:
    """parsurvey: run the PAR Index and SIPAS sociological survey."""


# parsurvey builds its own app: Flask's --app, --env-file and --debug options (and run/shell/routes) would
# only confuse `parsurvey --help`; `parsurvey serve` is the development server.
main.params = [p for p in main.params if p.name not in ("app", "env_file", "debug")]


def register_commands(app: Flask) -> None:
    """Attach each feature's command group; each lives beside the feature it operates."""
    from survey_app.commands import register

    register(app)
