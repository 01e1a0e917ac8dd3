"""The console's first page: the surveys this person may see, with their state."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.services.access import visible_surveys
from survey_app.services.surveys import survey_state


@bp.get("/")
@rule("surveys.list")
def home():
    surveys = visible_surveys(current_user)
    return render_template("console/home.html", surveys=surveys, state_of=survey_state)
