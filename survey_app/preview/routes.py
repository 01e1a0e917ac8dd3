"""Proof-reading: every questionnaire on one page, in both languages, before it is published."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from survey_app.questionnaire_registry import bundled_questionnaires

bp = Blueprint("preview", __name__, url_prefix="/preview")


@bp.get("/")
def index():
    return render_template("preview/index.html", questionnaires=bundled_questionnaires().values())


@bp.get("/<questionnaire_id>/<version>")
def show(questionnaire_id: str, version: str):
    questionnaire = bundled_questionnaires().get(f"{questionnaire_id}@{version}")
    if questionnaire is None:
        abort(404)
    return render_template("preview/show.html", q=questionnaire)
