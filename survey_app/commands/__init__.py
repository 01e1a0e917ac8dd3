"""Operator commands, one module per noun (questionnaires, surveys, invitations, export, demo...)."""

from flask import Flask


def register(app: Flask) -> None:
    from survey_app.commands.demo import demo_command
    from survey_app.commands.drafts import drafts_cli
    from survey_app.commands.export import export_cli
    from survey_app.commands.invitations import invitations_cli
    from survey_app.commands.listing import groups_cli, questionnaires_list_command
    from survey_app.commands.qr import qr_command
    from survey_app.commands.questionnaires import questionnaires_cli
    from survey_app.commands.reminders import reminders_cli
    from survey_app.commands.report import report_cli
    from survey_app.commands.responses import responses_cli
    from survey_app.commands.serve import serve_command
    from survey_app.commands.surveys import surveys_cli
    from survey_app.commands.tokens import tokens_cli
    from survey_app.commands.units import units_cli
    from survey_app.commands.users import users_cli
    from survey_app.commands.worker import worker_command

    questionnaires_cli.add_command(questionnaires_list_command)
    app.cli.add_command(questionnaires_cli)
    app.cli.add_command(groups_cli)
    app.cli.add_command(serve_command)
    app.cli.add_command(units_cli)
    surveys_cli.add_command(qr_command)
    app.cli.add_command(surveys_cli)
    app.cli.add_command(invitations_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(report_cli)
    app.cli.add_command(responses_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(worker_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(drafts_cli)
    app.cli.commands.pop("limiter", None)  # Flask-Limiter's own maintenance group: not an operator task
