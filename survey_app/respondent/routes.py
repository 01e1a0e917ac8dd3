"""The respondent's pages. Views parse the request, load the flow, call one service, build the page or redirect and
commit once before returning it; every rule exists for both URL shapes: ``/s/<code>`` (personal code) and
``/o/<slug>/<unit_code>`` (open link)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from questionnaires.answers import check_page
from questionnaires.review import review as build_review
from questionnaires.route import Route, resume_page, section_at
from survey_app.extensions import csrf, db
from survey_app.i18n import current_language
from survey_app.links import PREFIXES
from survey_app.models import Survey, Unit
from survey_app.respondent.errors import register_error_pages
from survey_app.respondent.flow import Flow, adopt_resume_code, after_submit, load_flow, resume_code, show_heading
from survey_app.respondent.forms import csrf_is_valid, formdata_from_answers, posted_answers
from survey_app.respondent.guessing import address_is_blocked, check_code_lookup, count_wrong_code
from survey_app.respondent.pages import flow_url, render_page, split_new_questions
from survey_app.services import drafts, invitations, responses
from survey_app.services.errors import AlreadySubmitted, CodeNotFound, Incomplete

bp = Blueprint("respondent", __name__)
csrf.exempt(bp)  # checked in the views: an expired token must re-show the page, never discard it with a 400
register_error_pages(bp)

# Answers that only fix themselves later do not block Back or "save and continue later".
NOT_BLOCKING_WHEN_LEAVING = frozenset({"required", "soft_required"})
# Set by a submit that found the answers already submitted, read once by the next thank-you page.
SESSION_RESUBMITTED = "resubmitted"


def _rule(suffix: str, endpoint: str, methods=("GET",)):
    def register(view):
        limited = check_code_lookup(view)
        for prefix in PREFIXES:
            bp.add_url_rule(prefix + suffix, endpoint, limited, methods=list(methods))
        return view
    return register


@bp.route("/", methods=["GET", "POST"])
def start():
    """The start page: type the code from the letter (a personal link) or a resume code (an open link's answers)."""
    if request.method == "GET":
        return render_template("respondent/start.html")
    typed = request.form.get("code", "")[:64]
    if not csrf_is_valid():
        notice = _("For your security the page had expired. Please press Continue again.")
        return render_template("respondent/start.html", code=typed, notice=notice)
    if not invitations.normalise_code(typed):
        error = _("Please type your code in the box, then press Continue.")
        return render_template("respondent/start.html", code=typed, error=error), 400
    if address_is_blocked():
        abort(429)
    try:
        invitations.find_invitation(typed)
    except CodeNotFound:
        return _start_with_resume_code(typed)
    return redirect(url_for("respondent.resume", code=invitations.normalise_code(typed)))


def _start_with_resume_code(typed: str):
    """Not an invitation code: perhaps the resume code of an open link's answers, saved in another browser."""
    try:
        where = adopt_resume_code(typed)
    except CodeNotFound:
        if not count_wrong_code():
            abort(429)
        error = _("We could not find this code. Please check it and try again.")
        return render_template("respondent/start.html", code=typed, error=error), 404
    db.session.commit()
    return redirect(url_for("respondent.resume", **where))


@_rule("", "resume")
def resume(**where):
    """A personal or open link: land on the first page with an unanswered question (or the review)."""
    flow = load_flow(where)
    number = resume_page(flow.questionnaire, flow.answers)
    target = flow_url(flow, "review") if number is None else flow_url(flow, "page", n=number)
    if flow.answers:
        flash(_("Welcome back. Your answers so far are saved; you continue where answers are still missing."),
              "info")
    return committed(redirect(target))


@_rule("/p/<int:n>", "page", methods=("GET", "POST"))
def page(n: int, **where):
    """One section: show it, or take what was posted, check it, save it and move on."""
    flow = load_flow(where)
    section = section_at(flow.questionnaire, n)
    if section is None:
        return committed(redirect(flow_url(flow, "resume")))
    if request.method == "GET":
        route = Route.of(flow.questionnaire, flow.answers)
        if not route.applies(n):
            following = route.next(n)
            return committed(redirect(flow_url(flow, "page", n=following) if following else flow_url(flow, "review")))
        return committed(render_page(flow, n, formdata_from_answers(section, flow.answers)))
    return committed(_take_page(flow, n, section))


def committed(response):
    """Commit (a first saved page stores the draft) once the response is ready: committing before rendering would
    expire the rows just loaded and read them all again."""
    db.session.commit()
    return response


def _take_page(flow: Flow, n: int, section):
    posted = posted_answers(request.form)
    if not csrf_is_valid():
        notice = _("For your security this page had expired, so your answers here are not saved yet. "
                   "They are still filled in below: please check them and press Next again.")
        return render_page(flow, n, request.form, notice=notice)
    action = request.form.get("action", "next")
    leaving = action in ("back", "save")
    result = check_page(flow.questionnaire, section, posted, flow.answers,
                        soft_acknowledged=leaving or request.form.get("soft_ack") == "1")
    errors = [e for e in result.errors if not (leaving and e.kind in NOT_BLOCKING_WHEN_LEAVING)]
    errors, appeared = split_new_questions(section, errors, request.form.get("unseen", "").split())
    if errors or appeared:
        return render_page(flow, n, request.form, page_answers=result.values, errors=errors, new=appeared,
                           status=400 if errors else 200)
    if result.warnings:
        return render_page(flow, n, request.form, page_answers=result.values, warnings=result.warnings)
    flow.draft = drafts.save_page(flow.draft, section.id, result.values, flow.questionnaire)
    return redirect(_after_saving(flow, n, action))


def _after_saving(flow: Flow, n: int, action: str) -> str:
    route = Route.of(flow.questionnaire, flow.answers)
    if action == "save":
        return flow_url(flow, "saved")
    if action == "back":
        return flow_url(flow, "page", n=route.previous(n) or n)
    following = route.next(n)
    return flow_url(flow, "page", n=following) if following else flow_url(flow, "review")


@_rule("/review", "review")
def review(**where):
    """Every answer per section with a link to change it, then the submit button."""
    return committed(_render_review(load_flow(where)))


def _render_review(flow: Flow, notice: str | None = None):
    language = current_language()
    sections, missing = build_review(flow.questionnaire, flow.answers, language,
                                     lambda number: flow_url(flow, "page", n=number))
    last = Route.of(flow.questionnaire, flow.answers).last()
    return render_template(
        "respondent/review.html", sections=sections, missing=missing, notice=notice,
        questionnaire_title=flow.questionnaire.title.get(language),
        submit_url=flow_url(flow, "submit"),
        back_url=flow_url(flow, "page", n=last) if last else flow_url(flow, "resume"),
    )


@_rule("/submit", "submit", methods=("POST",))
def submit(**where):
    """Submit once: a double click, a reload or a retry all end on the thank-you page with one response."""
    try:
        flow = load_flow(where)
    except AlreadySubmitted:  # a second submit, from a page kept open or cached since
        session[SESSION_RESUBMITTED] = True
        return redirect(url_for("respondent.done", **where))
    if not csrf_is_valid():
        return committed(_render_review(flow, notice=_("For your security the page had expired. "
                                                       "Please press Submit again.")))
    try:
        responses.submit(flow.draft, flow.questionnaire, "online")
        db.session.commit()
    except Incomplete as missing:
        db.session.rollback()
        number = next(i for i, s in enumerate(flow.questionnaire.sections, 1) if s.id == missing.section_id)
        return redirect(flow_url(flow, "page", n=number))
    except AlreadySubmitted:
        db.session.rollback()
        session[SESSION_RESUBMITTED] = True
    after_submit(flow)  # an open survey's cookie keeps no token that the stored rows could be joined on
    return redirect(url_for("respondent.done", **where))


@_rule("/done", "done")
def done(**where):
    """The thank-you page; it shows nothing of the answers. After a second submit it says "already submitted"."""
    if "code" in where:
        invitation = invitations.find_invitation(where["code"])
        if invitation.status != "completed":
            return redirect(url_for("respondent.resume", **where))
        survey = invitation.survey
        show_heading(survey)
    else:
        survey = db.session.scalar(select(Survey).where(Survey.slug == where["slug"]))
        if survey is None:
            raise CodeNotFound()
        unit = db.session.scalar(select(Unit).where(Unit.code == where["unit_code"]))
        show_heading(survey, unit)
    if session.pop(SESSION_RESUBMITTED, False):
        return render_template("respondent/already_submitted.html"), AlreadySubmitted.status
    return render_template("respondent/done.html", anonymous=survey.anonymous, with_code="code" in where)


@_rule("/saved", "saved")
def saved(**where):
    """After "save and continue later": how to come back."""
    flow = load_flow(where)
    return committed(render_template("respondent/saved.html", resume_with_code=flow.resumes_with_code,
                                     resume_code=resume_code(flow), start_url=url_for("respondent.start"),
                                     continue_url=flow_url(flow, "resume")))

