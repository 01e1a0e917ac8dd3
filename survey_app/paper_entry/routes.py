"""The paper-entry pages: choose survey and unit, type the code or entry number, type the form page by page with the
respondents' own widgets and checks, finish; coordinators resolve what two passes typed differently.

Views parse the request, load, check, call one service (``services.paper_entry``) and commit once. The pages that
take typed answers check the CSRF token themselves (as the respondent pages do): an expired token shows the page
again with what was typed, never a bare 400 that loses a page of typing.
"""

from __future__ import annotations

import uuid

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from questionnaires.answers import apply_relevance, check_page
from questionnaires.model import ItemType
from questionnaires.record import label_text
from questionnaires.review import review as build_review
from questionnaires.route import Route, resume_page, section_at
from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.loaders import survey_by_slug
from survey_app.extensions import csrf, db
from survey_app.i18n import current_language
from survey_app.models import PaperEntry, PaperForm, RespondentGroup, Unit
from survey_app.paper_entry.messages import refusal_text
from survey_app.respondent.forms import csrf_is_valid, formdata_from_answers, new_page_form, posted_answers, questions
from survey_app.respondent.messages import messages_by_variable
from survey_app.respondent.pages import hidden_items, labels_and_anchors
from survey_app.respondent.rendered_questions import render_question
from survey_app.services import audit, openings, paper_entry
from survey_app.services.access import can, scope_unit_ids, visible_surveys
from survey_app.services.errors import AlreadySubmitted
from survey_app.services.paper_entry import PaperEntryRefused
from survey_app.services.paper_template import template_xlsx
from survey_app.services.questionnaire_versions import questionnaire_for

# A question left blank on paper stays blank: the clerk types the paper, never an answer it does not have.
NOT_BLOCKING_ON_PAPER = frozenset({"required", "soft_required"})


def own_entry(entry_id: int, **rest) -> dict:
    """The current operator's own entry; anyone else's is refused (double entry is blind, even to admins)."""
    entry = db.session.get(PaperEntry, entry_id)
    if entry is None:
        abort(404)
    if entry.operator_id != current_user.id:
        abort(403)
    return {"entry": entry, **rest}


def form_by_id(form_id: uuid.UUID) -> dict:
    form = db.session.get(PaperForm, form_id)
    if form is None:
        abort(404)
    return {"form": form}


@bp.get("/paper")
@rule("paper.enter")
def paper_home():
    user = current_user._get_current_object()
    scope = scope_unit_ids(user)
    resolvable = paper_entry.forms_to_resolve(scope) if can(user, "paper.resolve") else []
    entries = [(e, resume_page(questionnaire_for(e.form.survey), e.answers or {}))  # where typing resumes
               for e in paper_entry.entries_of(user)]
    return render_template("console/paper_home.html", surveys=visible_surveys(user), entries=entries,
                           resolvable=resolvable)


@bp.route("/surveys/<slug>/paper", methods=["GET", "POST"])
@rule("paper.enter", load=survey_by_slug)
def paper_start(survey):
    user = current_user._get_current_object()
    if request.method == "GET":
        return _start_page(survey, {"unit": user.unit.code if user.unit else ""})
    if not csrf_is_valid():
        return _start_page(survey, request.form, _("For your security the page had expired. Please press "
                                                   "Start again."))
    written = request.form.get("written", "")[:64]
    try:
        unit = _chosen_unit(request.form.get("unit", ""))
        questionnaire = questionnaire_for(survey)
        invitation = None
        if survey.access == "invitation":
            invitation = paper_entry.invitation_for_code(survey, written, unit, scope_unit_ids(user))
            openings.record_opening(invitation)  # a paper form came back: the code reached its respondent
            db.session.commit()  # the code's first use, in its own transaction (nothing typed is written with it)
        group = _chosen_group(survey, request.form.get("group", ""))
        entry = paper_entry.begin(survey, user, unit, group, written, questionnaire, invitation)
    except PaperEntryRefused as error:
        db.session.rollback()
        return _start_page(survey, request.form, refusal_text(error)), 400
    db.session.commit()
    number = resume_page(questionnaire, entry.answers or {}) or 1
    return redirect(url_for("console.paper_page", entry_id=entry.id, n=number))


def _start_page(survey, values, problem: str | None = None):
    return render_template("console/paper_start.html", survey=survey, values=values, problem=problem,
                           may_manage=can(current_user, "survey.manage", survey))


def _chosen_unit(code: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code.strip()))
    if unit is None:
        raise PaperEntryRefused("unknown_unit")
    if not can(current_user, "paper.enter", unit):
        raise PaperEntryRefused("unit_out_of_scope")
    return unit


def _chosen_group(survey, code: str) -> RespondentGroup | None:
    if not code:
        return None
    group = next((g for g in survey.groups if g.code == code), None)
    if group is None:
        raise PaperEntryRefused("group_not_in_survey")
    return group


@bp.post("/surveys/<slug>/paper/double-entry")
@rule("survey.manage", load=survey_by_slug)
def paper_double_entry(survey):
    survey.double_entry = request.form.get("double_entry") == "1"
    audit.record("paper_double_entry_set", current_user._get_current_object(), survey.slug,
                 "on" if survey.double_entry else "off")
    db.session.commit()
    flash(_("Double entry is on for this survey.") if survey.double_entry else
          _("Double entry is off for this survey."), "info")
    return redirect(url_for("console.paper_start", slug=survey.slug))


@bp.get("/surveys/<slug>/paper/template.xlsx")
@rule("paper.enter", load=survey_by_slug)
def paper_template(survey):
    body = template_xlsx(questionnaire_for(survey), current_language())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename={survey.slug}-paper-forms.xlsx"})


@bp.route("/paper/entries/<int:entry_id>/p/<int:n>", methods=["GET", "POST"])
@rule("paper.enter", load=own_entry)
def paper_page(entry, n: int):
    questionnaire = questionnaire_for(entry.form.survey)
    section = section_at(questionnaire, n)
    if section is None:
        abort(404)
    if entry.finished:
        return redirect(url_for("console.paper_home"))
    answers = dict(entry.answers or {})
    if request.method == "GET":
        route = Route.of(questionnaire, answers)
        if not route.applies(n):
            following = route.next(n)
            return redirect(url_for("console.paper_page", entry_id=entry.id, n=following) if following
                            else url_for("console.paper_finish", entry_id=entry.id))
        return _render_page(entry, questionnaire, n, formdata_from_answers(section, answers))
    if not csrf_is_valid():
        return _render_page(entry, questionnaire, n, request.form,
                            notice=_("For your security this page had expired, so what you typed here is not saved "
                                     "yet. It is still filled in below: check it and press Next again."))
    action = request.form.get("action", "next")
    result = check_page(questionnaire, section, posted_answers(request.form), answers, soft_acknowledged=True)
    errors = [e for e in result.errors if e.kind not in NOT_BLOCKING_ON_PAPER]
    if errors:
        return _render_page(entry, questionnaire, n, request.form, page_answers=result.values, errors=errors,
                            status=400)
    appeared = _appeared(questionnaire, section, answers, result.values, request.form.get("unseen", "").split())
    if appeared and action == "next":
        return _render_page(entry, questionnaire, n, request.form, page_answers=result.values,
                            notice=_("The answers typed brought up more questions on this page. Type their answers "
                                     "if the paper form has them, then press Next again."))
    paper_entry.save_page(entry, section.id, result.values, questionnaire)
    db.session.commit()
    if action == "save":
        flash(_("Saved. You can continue this form later from the paper entry page."), "info")
        return redirect(url_for("console.paper_home"))
    route = Route.of(questionnaire, entry.answers or {})
    target = route.previous(n) if action == "back" else route.next(n)
    if target is None and action == "back":
        target = n
    if target is None:
        return redirect(url_for("console.paper_finish", entry_id=entry.id))
    return redirect(url_for("console.paper_page", entry_id=entry.id, n=target))


def _appeared(questionnaire, section, answers, values, unseen) -> set[str]:
    """Items hidden when the page was sent that the typed answers make applicable: the operator never saw them."""
    merged = {k: v for k, v in answers.items() if k not in set(section.variables)} | dict(values)
    _, not_applicable = apply_relevance(questionnaire, merged)
    return set(unseen) - hidden_items(questionnaire, section, merged, not_applicable)


def _render_page(entry, questionnaire, n: int, formdata: MultiDict, *, page_answers=None, errors=(),
                 notice: str | None = None, status: int = 200):
    section, language = questionnaire.sections[n - 1], current_language()
    answers = dict(entry.answers or {})
    if page_answers is not None:
        answers = {k: v for k, v in answers.items() if k not in set(section.variables)} | dict(page_answers)
    form = new_page_form(questionnaire, section, language, formdata, soft_ack=True)
    _, not_applicable = apply_relevance(questionnaire, answers)
    labels, anchors = labels_and_anchors(form, section, language) if errors else ({}, {})
    route = Route.of(questionnaire, answers)
    progress = route.progress(n)
    return render_template(
        "console/paper_page.html", entry=entry, form=form, n=n,
        questions=questions(form, section, language, questionnaire, answers),
        questionnaire_title=questionnaire.title.get(language), section_title=section.title.get(language),
        position=progress.position, total=progress.total, is_first=route.previous(n) is None,
        problems=messages_by_variable(errors, language), labels=labels, anchors=anchors, notice=notice,
        hidden_items=hidden_items(questionnaire, section, answers, not_applicable), render_question=render_question,
    ), status


@bp.route("/paper/entries/<int:entry_id>/finish", methods=["GET", "POST"])
@rule("paper.enter", load=own_entry)
def paper_finish(entry):
    questionnaire = questionnaire_for(entry.form.survey)
    if entry.finished:
        return redirect(url_for("console.paper_home"))
    if request.method == "GET":
        return _finish_page(entry, questionnaire)
    if not csrf_is_valid():
        return _finish_page(entry, questionnaire, _("For your security the page had expired. Please press Finish "
                                                   "again."))
    form, user = entry.form, current_user._get_current_object()
    survey, unit = form.survey, form.unit
    passes = paper_entry.passes_needed(survey)
    try:
        outcome = paper_entry.finish(entry, questionnaire, request.form.get("code", "")[:64])
    except PaperEntryRefused as error:
        db.session.rollback()
        return _finish_page(entry, questionnaire, refusal_text(error)), 400
    except AlreadySubmitted:  # stored meanwhile by the spreadsheet import or another tab (session rolled back)
        return _finish_page(entry, questionnaire, refusal_text(PaperEntryRefused("used"))), 409
    if outcome == "stored":
        audit.record("paper_form_stored", user, survey.slug,
                     f"unit {unit.code}: " + ("single entry" if passes == 1 else "double entry, the two agreed"))
        flash(_("The paper form is stored."), "info")
    elif outcome == "differs":
        flash(_("The two entries of this form differ. A coordinator will compare them and decide."), "info")
    else:
        flash(_("Your entry is finished. The form is stored when a second operator has typed it too."), "info")
    db.session.commit()
    return redirect(url_for("console.paper_home"))


def _finish_page(entry, questionnaire, problem: str | None = None):
    language = current_language()
    sections, _missing = build_review(questionnaire, entry.answers or {}, language,
                                      lambda number: url_for("console.paper_page", entry_id=entry.id, n=number))
    form = entry.form
    others_done = all(e.finished for e in form.entries if e.id != entry.id)
    stores_now = len(form.entries) >= paper_entry.passes_needed(form.survey) and others_done
    return render_template("console/paper_finish.html", entry=entry, sections=sections, problem=problem,
                           questionnaire_title=questionnaire.title.get(language),
                           asks_code=form.survey.access == "invitation" and stores_now,
                           back_url=url_for("console.paper_page", entry_id=entry.id,
                                            n=Route.of(questionnaire, entry.answers or {}).last() or 1))


@bp.route("/paper/forms/<uuid:form_id>/resolve", methods=["GET", "POST"])
@rule("paper.resolve", load=form_by_id)
def paper_resolve(form):
    if not paper_entry.awaits_coordinator(form):
        abort(404)
    questionnaire = questionnaire_for(form.survey)
    found = paper_entry.differences(questionnaire=questionnaire, form=form)
    if request.method == "GET":
        return _resolve_page(form, found, MultiDict())
    if not csrf_is_valid():
        return _resolve_page(form, found, request.form, _("For your security the page had expired. Please press "
                                                         "Store again."))
    chosen = {}
    for d in found:
        pick = request.form.get(f"pick-{d.variable}")
        if pick == "first":
            chosen[d.variable] = d.first
        elif pick == "second":
            chosen[d.variable] = d.second
        elif pick == "other":
            chosen[d.variable] = _typed_value(d.item, request.form.get(f"other-{d.variable}", ""))
    user, survey, unit = current_user._get_current_object(), form.survey, form.unit
    try:
        answers = paper_entry.resolved_answers(form, questionnaire, chosen)
        paper_entry.store(form, answers, questionnaire, request.form.get("code", "")[:64])
    except PaperEntryRefused as error:
        db.session.rollback()
        return _resolve_page(form, found, request.form, refusal_text(error)), 400
    except AlreadySubmitted:
        return _resolve_page(form, found, request.form, refusal_text(PaperEntryRefused("used"))), 409
    if found:
        audit.record("paper_discrepancy_resolved", user, survey.slug,
                     f"unit {unit.code}: {len(found)} difference(s)")
    audit.record("paper_form_stored", user, survey.slug,
                 f"unit {unit.code}: " + ("double entry, resolved" if found else "stored by a coordinator"))
    db.session.commit()
    flash(_("The differences are resolved and the paper form is stored."), "info")
    return redirect(url_for("console.paper_home"))


def _typed_value(item, text: str) -> object:
    """What a coordinator typed as the right value: codes of a multiple choice separated by ``;`` or ``,``."""
    text = text.strip()
    if not text:
        return None
    if item.type in (ItemType.MULTIPLE_CHOICE, ItemType.ACKNOWLEDGE):
        return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]
    return text


def _resolve_page(form, found, values, problem: str | None = None):
    language = current_language()
    rows = []
    for d in found:
        row = next((r for r in d.item.rows if r.id == d.variable), None)
        label = d.item.text.get(language) + (f" — {row.text.get(language)}" if row else "")
        rows.append({"variable": d.variable, "label": label,
                     "first": label_text(d.item, d.first, language) if d.first is not None else "",
                     "second": label_text(d.item, d.second, language) if d.second is not None else ""})
    return render_template("console/paper_resolve.html", form=form, rows=rows, values=values, problem=problem,
                           asks_code=form.survey.access == "invitation")


# Forms typed page by page check their token in the view: an expired one re-shows the page with what was typed.
for _view in (paper_start, paper_page, paper_finish, paper_resolve):
    csrf.exempt(_view)
