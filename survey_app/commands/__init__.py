"""Operator commands, one module per noun (questionnaires, surveys, invitations, export, demo...)."""

from flask import Flask


def register(app: Flask) -> None:
    from survey_app.commands.questionnaires import questionnaires_cli
    from survey_app.commands.serve import serve_command

    app.cli.add_command(questionnaires_cli)
    app.cli.add_command(serve_command)
