"""Registers one blueprint per feature; a newcomer finds each feature by its folder name."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from survey_app.preview.routes import bp as preview_bp

    app.register_blueprint(preview_bp)

    from survey_app.respondent.routes import bp as respondent_bp

    app.register_blueprint(respondent_bp)

    from survey_app.console import bp as console_bp
    from survey_app.paper_entry import routes as paper_entry_routes  # noqa: F401  (attaches its console routes)

    app.register_blueprint(console_bp)

    from survey_app.api import init_app as init_api

    init_api(app)
