"""The services' domain errors as pages in the respondent's language, with the status each one carries."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import format_date
from flask_babel import gettext as _

from survey_app.errors import render_error
from survey_app.extensions import db
from survey_app.respondent import heading
from survey_app.services.errors import (
    AlreadySubmitted,
    CodeNotFound,
    InvitationRevoked,
    SurveyClosed,
    SurveyError,
    SurveyFull,
    SurveyNotOpenYet,
)


def explanation(error: SurveyError) -> str | None:
    """A sentence for the respondent that says what happened and what they can do."""
    if isinstance(error, CodeNotFound):
        return _("We could not find this code or link. Please check what you typed, or use the start page.")
    if isinstance(error, InvitationRevoked):
        return _("This code has been withdrawn. Please contact the survey coordinator if you think this is a mistake.")
    if isinstance(error, SurveyClosed):
        return _("This survey has closed. Thank you for your interest.")
    if isinstance(error, SurveyNotOpenYet):
        return _("This survey is not open yet. It opens on %(date)s.", date=format_date(error.opens_at, format="long"))
    if isinstance(error, SurveyFull):
        return _("This survey has received all the answers it needs here. Thank you for your interest.")
    return None


def register_error_pages(bp: Blueprint) -> None:
    bp.add_app_template_global(heading.for_error_page, "error_page_heading")
    bp.add_app_template_global(heading.back_link, "error_back_link")

    @bp.errorhandler(SurveyError)
    def survey_error(error: SurveyError):
        db.session.rollback()  # nothing half-done survives, and nothing saved before is touched
        if isinstance(error, AlreadySubmitted):
            # ``status`` lets base.html name the survey, looked up from the URL like on the error pages.
            return render_template("respondent/already_submitted.html", status=error.status), error.status
        # A not-yet-open survey answers 404 (nothing to see there yet) but must not read "not found".
        title = _("Not open yet") if isinstance(error, SurveyNotOpenYet) else None
        return render_error(error.status, explanation(error), title)
