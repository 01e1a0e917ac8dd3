"""Admins see every staff account (accounts are created and disabled with ``parsurvey users``)."""

from __future__ import annotations

from flask import render_template

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.services.staff import list_staff


@bp.get("/users")
@rule("users.read")
def users():
    return render_template("console/users.html", users=list_staff())
