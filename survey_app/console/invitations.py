"""Codes in the browser: issue per unit and group (as a CSV, as letters to print or as a PDF of the letters, in
that one response only: codes are never stored in clear and never shown again), revoke, mark not eligible or
refused; and the one-stop-desk poster of an open survey's unit link (HTML to print, or PDF)."""

from __future__ import annotations

import csv
import io

import segno
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.loaders import survey_by_slug
from survey_app.console.messages import reason
from survey_app.console.printing import pdf_from_html
from survey_app.console.timefmt import vietnam_time
from survey_app.extensions import db
from survey_app.links import open_link, personal_link
from survey_app.models import RespondentGroup, Unit
from survey_app.services import audit, dispositions, invitations
from survey_app.services.access import can
from survey_app.services.errors import N_, CodeNotFound, OperatorError


def _unit_in_scope(code: str | None) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == (code or "").strip()))
    if unit is None:
        raise OperatorError(N_("no unit has the code '%(code)s'"), code=(code or "").strip())
    if not can(current_user, "invitations.manage", unit):
        abort(403)
    return unit


@bp.post("/surveys/<slug>/codes")
@rule("invitations.manage", load=survey_by_slug)
def issue_codes(survey):
    form = request.form
    try:
        unit = _unit_in_scope(form.get("unit"))
        group = db.session.scalar(select(RespondentGroup).where(RespondentGroup.code == form.get("group", "")))
        if group is None:
            raise OperatorError(N_("no respondent group has the code '%(code)s'"), code=form.get("group", ""))
        count = int(form.get("count", "")) if form.get("count", "").strip().isdigit() else 0
        codes = invitations.issue(survey, unit, group, count)
    except OperatorError as error:
        db.session.rollback()
        flash(_("No code issued: %(reason)s", reason=reason(error)), "error")
        return redirect(url_for("console.survey", slug=survey.slug))
    output = form.get("output")
    # Rendered before the commit: should rendering fail, no code is issued that nobody could ever see.
    response = _codes_response(survey, unit, group, codes, output)
    event = "letters_printed" if output in ("letters", "letters_pdf") else "codes_issued"
    audit.record(event, current_user._get_current_object(), survey.slug,
                 f"{len(codes)} code(s) for {unit.code} / {group.code}")
    db.session.commit()
    return response


def _codes_response(survey, unit, group, codes: list[str], output: str | None) -> Response:
    """The one response that ever holds the codes: letters (HTML to print, or PDF), else a CSV file; never cached."""
    headers = {"Cache-Control": "no-store"}
    base_url = current_app.config["PUBLIC_BASE_URL"]
    name = f"{survey.slug}-{unit.code}-{group.code}"
    if output in ("letters", "letters_pdf"):
        pdf = output == "letters_pdf"
        letters = [_letter(code, personal_link(base_url, code), pdf) for code in codes]
        page = render_template("console/letters_pdf.html" if pdf else "console/letters.html", survey=survey,
                               unit=unit, group=group, letters=letters, closes=vietnam_time(survey.closes_at),
                               pdf=pdf)
        if not pdf:
            return Response(page, mimetype="text/html", headers=headers)
        headers["Content-Disposition"] = f"attachment; filename={name}-letters.pdf"
        return Response(pdf_from_html(page), mimetype="application/pdf", headers=headers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["survey", "unit", "group", "code", "url"])
    writer.writerows([survey.slug, unit.code, group.code, c, personal_link(base_url, c)] for c in codes)
    headers["Content-Disposition"] = f"attachment; filename={name}-codes.csv"
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers=headers)


def _qr_svg(url: str) -> str:
    """An inline SVG QR code (segno), sized by the page's CSS."""
    return segno.make(url, error="m").svg_inline(scale=4, omitsize=True)


def _qr_data_uri(url: str) -> str:
    """The QR code as an SVG ``data:`` URL: the only kind of resource a PDF may load (console/printing.py)."""
    return segno.make(url, error="m").svg_data_uri(scale=4)


def _letter(code: str, url: str, pdf: bool) -> dict[str, str]:
    return {"code": code, "url": url, **({"qr_uri": _qr_data_uri(url)} if pdf else {"qr": _qr_svg(url)})}


def _invitation_of(survey, code: str):
    try:
        invitation = invitations.find_invitation(code)
    except CodeNotFound:
        raise OperatorError(N_("no invitation has the code '%(code)s'"), code=code.strip())
    if invitation.survey_id != survey.id:
        raise OperatorError(N_("the code '%(code)s' belongs to another survey"), code=code.strip())
    if not can(current_user, "invitations.manage", invitation.unit):
        abort(403)
    return invitation


@bp.post("/surveys/<slug>/revoke")
@rule("invitations.manage", load=survey_by_slug)
def revoke_code(survey):
    code = request.form.get("code", "")
    return _change_case(survey, code, lambda: invitations.revoke(code), "code_revoked", "",
                        _("The code was revoked."))


@bp.post("/surveys/<slug>/mark")
@rule("invitations.manage", load=survey_by_slug)
def mark_case(survey):
    code = request.form.get("code", "")
    disposition = request.form.get("disposition") or None
    return _change_case(survey, code, lambda: dispositions.mark(code, disposition), "invitation_marked",
                        f": {disposition or 'cleared'}", _("The case was marked."))


def _change_case(survey, code: str, change, event: str, detail: str, done: str):
    """One case of the survey changed by code (revoked, marked): audited and committed, or refused with why."""
    try:
        invitation = _invitation_of(survey, code)
        change()
    except OperatorError as error:
        db.session.rollback()
        flash(_("Not changed: %(reason)s", reason=reason(error)), "error")
        return redirect(url_for("console.survey", slug=survey.slug))
    audit.record(event, current_user._get_current_object(), survey.slug,
                 f"invitation {invitation.id} of {invitation.unit.code}{detail}")
    db.session.commit()
    flash(done, "info")
    return redirect(url_for("console.survey", slug=survey.slug))


@bp.get("/surveys/<slug>/poster")
@rule("invitations.manage", load=survey_by_slug)
def poster(survey):
    if survey.access != "open":
        abort(404)
    try:
        unit = _unit_in_scope(request.args.get("unit"))
    except OperatorError:
        abort(404)
    url = open_link(current_app.config["PUBLIC_BASE_URL"], survey.slug, unit.code)
    if request.args.get("format") != "pdf":
        return render_template("console/poster.html", survey=survey, unit=unit, url=url, qr=_qr_svg(url))
    page = render_template("console/poster_pdf.html", survey=survey, unit=unit, url=url, qr_uri=_qr_data_uri(url),
                           pdf=True)
    return Response(pdf_from_html(page), mimetype="application/pdf", headers={
        "Content-Disposition": f"attachment; filename={survey.slug}-{unit.code}-poster.pdf"})
