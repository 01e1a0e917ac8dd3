"""Creating a survey from a published questionnaire version, and its page: state, open / close / extend."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.loaders import survey_by_slug
from survey_app.console.messages import reason
from survey_app.console.timefmt import vietnam_time
from survey_app.extensions import db
from survey_app.models import QuestionnaireVersion, RespondentGroup, Unit
from survey_app.services import audit, survey_schedule
from survey_app.services.access import can
from survey_app.services.errors import N_, OperatorError
from survey_app.services.surveys import create_survey, survey_state


@bp.route("/surveys/new", methods=["GET", "POST"])
@rule("survey.create")
def new_survey():
    versions = db.session.scalars(select(QuestionnaireVersion).order_by(QuestionnaireVersion.questionnaire_id,
                                                                         QuestionnaireVersion.version)).all()
    groups = db.session.scalars(select(RespondentGroup).order_by(RespondentGroup.code)).all()
    form = request.form
    if request.method == "POST":
        try:
            survey = _create(form)
        except OperatorError as error:
            db.session.rollback()
            return render_template("console/survey_new.html", versions=versions, groups=groups, form=form,
                                   problem=reason(error)), 400
        audit.record("survey_created", current_user._get_current_object(), survey.slug,
                     f"{survey.questionnaire_version.questionnaire_id}@{survey.questionnaire_version.version}")
        db.session.commit()
        flash(_("The survey was created."), "info")
        return redirect(url_for("console.survey", slug=survey.slug))
    defaults = {"unit": current_user.unit.code if current_user.unit else "", "anonymous": "1",
                "access": "invitation"}
    return render_template("console/survey_new.html", versions=versions, groups=groups, form=defaults,
                           problem=None)


def _create(form):
    version = db.session.get(QuestionnaireVersion, int(form["version"])) if form.get("version", "").isdigit() \
        else None
    if version is None:
        raise OperatorError(N_("choose a published questionnaire version"))
    unit = None
    if form.get("unit"):
        unit = db.session.scalar(select(Unit).where(Unit.code == form["unit"].strip()))
        if unit is None:
            raise OperatorError(N_("no unit has the code '%(code)s'"), code=form["unit"].strip())
    if unit is None and current_user.role != "admin":
        raise OperatorError(N_("give the code of the unit that runs the survey"))
    if unit is not None and not can(current_user, "survey.create", unit):
        raise OperatorError(N_("unit '%(unit)s' is outside the units you work for"), unit=unit.code)
    opens, closes = _day(form.get("opens"), NOT_AN_OPENING_DAY), _day(form.get("closes"), NOT_A_CLOSING_DAY)
    survey = create_survey(
        slug=form.get("slug", "").strip(), title=form.get("title", "").strip() or form.get("slug", ""),
        questionnaire_version=version, anonymous=form.get("anonymous") == "1", access=form.get("access", ""),
        groups=form.getlist("groups"), opens_at=survey_schedule.start_of_day_in_vietnam(opens),
        closes_at=survey_schedule.end_of_day_in_vietnam(closes),
    )
    survey.unit = unit
    db.session.flush()
    return survey


NOT_AN_OPENING_DAY = N_("the opening day must be a date YYYY-MM-DD, got '%(text)s'")
NOT_A_CLOSING_DAY = N_("the closing day must be a date YYYY-MM-DD, got '%(text)s'")


def _day(text: str | None, refusal: str) -> date:
    """The posted day, or an :class:`OperatorError` with ``refusal`` (a catalogue template naming the field)."""
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise OperatorError(refusal, text=text or "")


@bp.get("/surveys/<slug>")
@rule("invitations.manage", load=survey_by_slug)
def survey(survey):
    return render_template("console/survey.html", survey=survey, state=survey_state(survey), when=vietnam_time,
                           may_schedule=can(current_user, "survey.manage", survey))


@bp.post("/surveys/<slug>/schedule")
@rule("survey.manage", load=survey_by_slug)
def schedule(survey):
    action = request.form.get("action")
    user = current_user._get_current_object()
    try:
        if action == "open":
            survey_schedule.open_now(survey)
            audit.record("survey_opened", user, survey.slug)
        elif action == "close":
            survey_schedule.close_now(survey)
            audit.record("survey_closed", user, survey.slug)
        elif action == "extend":
            closes = survey_schedule.extend(survey, _day(request.form.get("closes"), NOT_A_CLOSING_DAY))
            audit.record("survey_extended", user, survey.slug, f"closes {vietnam_time(closes)}")
        else:
            abort(400)
    except OperatorError as error:
        db.session.rollback()
        flash(_("Not changed: %(reason)s", reason=reason(error)), "error")
        return redirect(url_for("console.survey", slug=survey.slug))
    db.session.commit()
    flash(_("The survey's period was changed."), "info")
    return redirect(url_for("console.survey", slug=survey.slug))
