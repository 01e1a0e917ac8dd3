"""Rendering a survey page: the generated form plus everything its template and survey.js need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import render_template, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from questionnaires.answers import apply_relevance, is_relevant
from questionnaires.model import Section
from questionnaires.piping import pipe_answers
from questionnaires.route import Route
from survey_app.i18n import current_language
from survey_app.respondent.flow import Flow
from survey_app.respondent.forms import new_page_form, questions
from survey_app.respondent.messages import messages_by_variable
from survey_app.respondent.rendered_questions import render_question


def flow_url(flow: Flow, endpoint: str, **values) -> str:
    """A URL of this respondent's flow (closed or open shape) for ``endpoint``."""
    return url_for(f"respondent.{endpoint}", **flow.where, **values)


def labels_and_anchors(form, section: Section, language: str) -> tuple[dict[str, str], dict[str, str]]:
    """Per variable: the question text for the problem summary, and the id of its first input to jump to."""
    labels, anchors = {}, {}
    for item in section.items:
        for variable in item.variables:
            row = next((r for r in item.rows if r.id == variable), None)
            # The summary adds its own colon: "Please describe the other way:" must not read "...way::".
            labels[variable] = (row.text if row else item.text).get(language).rstrip().rstrip(":：")
            field = form[variable]
            anchors[variable] = f"{field.id}-0" if getattr(field, "choices", None) else field.id
    return labels, anchors


def split_new_questions(section: Section, errors: list, unseen: Iterable[str]) -> tuple[list, list]:
    """Split out "no answer" problems of questions that were hidden when the page was sent (``unseen``, item ids).

    Without script a follow-up appears only when the server sends the page back: the respondent never saw it, so
    it is shown as a new question, not as a mistake. With script ``unseen`` is not posted (they saw it appear).
    """
    unseen = set(unseen)
    if not unseen:
        return errors, []
    item_of = {variable: item.id for item in section.items for variable in item.variables}
    new = [e for e in errors if e.kind in ("required", "soft_required") and item_of.get(e.variable) in unseen]
    return [e for e in errors if e not in new], new


def render_page(flow: Flow, number: int, formdata: MultiDict, *, page_answers: Mapping[str, object] | None = None,
                errors=(), warnings=(), new=(), notice: str | None = None, status: int = 200):
    """Render page ``number`` filled with ``formdata``; ``page_answers`` are this page's current parsed values;
    ``new`` are the "no answer" problems of questions that appeared only now (shown as new, not as errors)."""
    q, section, language = flow.questionnaire, flow.sections[number - 1], current_language()
    answers = flow.answers
    if page_answers is not None:
        answers = {k: v for k, v in answers.items() if k not in _variables(section)} | dict(page_answers)
    form = new_page_form(q, section, language, formdata, soft_ack=bool(warnings) and not errors)
    kept, not_applicable = apply_relevance(q, answers)
    labels, anchors = labels_and_anchors(form, section, language) if errors or warnings else ({}, {})
    new_items = {e.variable: [_("New question: please answer it.")] for e in new}
    route = Route.of(q, answers)
    progress = route.progress(number)
    return render_template(
        "respondent/page.html",
        form=form, questions=questions(form, section, language, q, answers),
        questionnaire_title=q.title.get(language),
        section_title=pipe_answers(section.title.get(language), q, answers, language),
        section_description=(pipe_answers(section.description.get(language), q, answers, language)
                             if section.description else None),
        intro=q.intro.get(language) if q.intro and number == 1 else None,
        texts={"questionnaire": q.title, "section": section.title, "description": section.description,
               "intro": q.intro},  # so the template can mark a Vietnamese fallback with lang="vi"
        position=progress.position, total=progress.total,
        is_first=route.previous(number) is None, is_last=route.next(number) is None,
        problems=messages_by_variable(errors, language), warnings=messages_by_variable(warnings, language),
        new_items=new_items,
        labels=labels, anchors=anchors, notice=notice,
        hidden_items=hidden_items(q, section, answers, not_applicable),
        known_answers={"answers": kept, "not_applicable": sorted(not_applicable)},
        action_url=flow_url(flow, "page", n=number), render_question=render_question,
    ), status


def hidden_items(q, section: Section, answers: Mapping[str, object], not_applicable: frozenset[str]) -> set[str]:
    """Items not applicable given the answers so far (shown again live by survey.js when that changes)."""
    hidden = set()
    for item in section.items:
        if item.variables:
            if set(item.variables) <= not_applicable:
                hidden.add(item.id)
        elif item.relevant and not is_relevant(q, item, answers):
            hidden.add(item.id)
    return hidden


def _variables(section: Section) -> set[str]:
    return set(section.variables)
