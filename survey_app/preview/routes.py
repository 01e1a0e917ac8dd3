"""Proof-reading: every questionnaire on one page, in both languages, before it is published.

Staff only (it shows server paths): every view declares the console's access rule ``preview.read``.
Lists the bundled questionnaires and those of the folders in ``QUESTIONNAIRE_DIRS`` (a province's own files).
When a file is invalid, the list page shows its problems (file, line, element, message) instead of failing.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from questionnaires.model import ItemType, Questionnaire
from questionnaires.problems import QuestionnaireError
from survey_app.console.access import rule
from survey_app.questionnaire_registry import available_questionnaires

bp = Blueprint("preview", __name__, url_prefix="/preview")


@bp.get("/")
@rule("preview.read")
def index():
    """Every loadable questionnaire with its version and checksum, or the problems that prevent loading."""
    try:
        found = sorted(available_questionnaires().values(), key=lambda q: (q.id, q.version))
    except QuestionnaireError as error:
        return render_template("preview/index.html", questionnaires=[], problems=error.problems), 200
    return render_template("preview/index.html", questionnaires=found, problems=[], count_items=count_items)


@bp.get("/<questionnaire_id>/<version>")
@rule("preview.read")
def show(questionnaire_id: str, version: str):
    """All sections of one questionnaire version, Vietnamese and English side by side."""
    try:
        questionnaire = available_questionnaires().get(f"{questionnaire_id}@{version}")
    except QuestionnaireError:
        questionnaire = None
    if questionnaire is None:
        abort(404)
    return render_template("preview/show.html", q=questionnaire, criterion_name=_criterion_namer(questionnaire),
                           ItemType=ItemType)


def count_items(questionnaire: Questionnaire) -> int:
    """Questions a respondent answers (notes excluded)."""
    return sum(1 for item in questionnaire.items() if item.type not in (ItemType.NOTE, ItemType.CALCULATE))


def _criterion_namer(questionnaire: Questionnaire):
    """The name of a sub-criterion or SIPAS element of the questionnaire's methodology, for display."""
    names = {}
    methodology = questionnaire.methodology
    if methodology is not None:
        names = {s.id: s.name for s in methodology.subcriteria()}
        if methodology.sipas:
            names.update({e.id: e.name for e in methodology.sipas.elements})
    return names.get
