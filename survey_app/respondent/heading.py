"""What every respondent page says at its top: which survey this is and, for an open link, which unit is rated.

A citizen at a one-stop desk answers about the office behind the QR code; without its name on the page they cannot
know which office they are rating. A personal code belongs to an official answering about their province's reform,
so only the survey is named there. The heading is kept in ``g`` for ``base.html`` and the error pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from survey_app.models import Survey, Unit


@dataclass(frozen=True)
class Heading:
    """The survey's title, the rated unit (open links) and the contact the survey gives for problems."""

    title: str
    unit: str | None = None
    province: str | None = None
    contact: str | None = None
    # Names with no English form are shown in Vietnamese: marked lang="vi" so a screen reader switches voice.
    unit_in_vietnamese: bool = False
    province_in_vietnamese: bool = False


def province_of(unit: Unit) -> Unit | None:
    """The province above ``unit`` (None when ``unit`` is the province itself); parents come eagerly loaded."""
    above = unit.parent
    while above is not None and above.level != "province":
        above = above.parent
    return above


def heading_for(survey: Survey, unit: Unit | None, language: str) -> Heading:
    """The heading of ``survey``'s pages; ``unit`` only for open links, where the unit is what is rated."""
    province = province_of(unit) if unit is not None else None
    return Heading(
        title=survey.title,
        unit=unit.name(language) if unit is not None else None,
        province=province.name(language) if province is not None else None,
        contact=survey.contact or None,
        unit_in_vietnamese=_falls_back(unit, language),
        province_in_vietnamese=_falls_back(province, language),
    )


def _falls_back(unit: Unit | None, language: str) -> bool:
    return unit is not None and language != "vi" and not (unit.name_en or "").strip()


def show(heading: Heading) -> None:
    """Make ``heading`` the one ``base.html`` and the error pages show for this request."""
    g.survey_heading = heading


def current() -> Heading | None:
    return g.get("survey_heading")


def for_error_page() -> Heading | None:
    """The heading of an error page: the request's own, or looked up from the URL when loading it failed.

    Only error pages get here without a heading, so the lookup's query never costs a normal page anything.
    """
    found = current()
    if found is not None:
        return found
    from survey_app.i18n import current_language
    from survey_app.services.errors import SurveyError

    args = request.view_args or {}
    try:
        survey, unit = _survey_of(args)
    except (SurveyError, SQLAlchemyError):
        return None
    if survey is None:
        return None
    show(heading_for(survey, unit, current_language()))
    return current()


def _survey_of(args: dict) -> tuple[Survey | None, Unit | None]:
    from survey_app.extensions import db
    from survey_app.services import invitations

    if "code" in args:
        return invitations.find_invitation(args["code"]).survey, None
    if "slug" in args:
        survey = db.session.scalar(select(Survey).where(Survey.slug == args["slug"]))
        unit = db.session.scalar(select(Unit).where(Unit.code == args.get("unit_code", "")))
        return survey, unit if survey is not None and survey.access == "open" else None
    return None, None


def back_link(status: int) -> tuple[str, str]:
    """Where an error page leads back to: the survey when it can still be answered, else the start page."""
    args = request.view_args or {}
    usable = status not in (404, 409, 410)
    if usable and request.blueprint == "respondent" and ("code" in args or "slug" in args):
        where = {k: args[k] for k in ("code", "slug", "unit_code") if k in args}
        return url_for("respondent.resume", **where), _("Back to the survey")
    return url_for("respondent.start"), _("Go to the start page")
