"""Uploading the sample frame of units: a preview of every problem by row and column, then a confirmed write.

Nothing is kept on the server between the two steps: the preview page carries the checked rows back in a
hidden field, and confirming checks them all again before writing them in one transaction.
"""

from __future__ import annotations

import csv
import io

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.extensions import db
from survey_app.services import audit, frame_upload
from survey_app.services.access import scope_unit_ids
from survey_app.services.errors import FileProblemsError
from survey_app.services.units import COLUMNS


@bp.route("/frame", methods=["GET", "POST"])
@rule("frame.import")
def frame():
    if request.method == "GET":
        return render_template("console/frame.html", preview=None, problems=[])
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("console/frame.html", preview=None, problems=[],
                               message=_("Choose a CSV or XLSX file.")), 400
    name = upload.filename
    try:
        rows = frame_upload.read_upload(name, upload.read())
    except FileProblemsError as error:
        return render_template("console/frame.html", preview=None, problems=error.problems, name=name), 400
    checked = frame_upload.preview(name, rows, scope_unit_ids(current_user))
    return render_template("console/frame.html", preview=checked, problems=checked.problems, name=name,
                           payload=_as_csv(rows)), 400 if checked.problems else 200


@bp.post("/frame/confirm")
@rule("frame.import")
def confirm_frame():
    name = request.form.get("name") or "frame.csv"
    try:
        rows = frame_upload.read_upload("frame.csv", request.form.get("rows", "").encode("utf-8"))
        done = frame_upload.apply(name, rows, scope_unit_ids(current_user))
    except FileProblemsError as error:
        db.session.rollback()
        return render_template("console/frame.html", preview=None, problems=error.problems, name=name), 400
    summary = f"{done.new} new, {done.changed} changed, {done.unchanged} unchanged"
    audit.record("frame_imported", current_user._get_current_object(), name, summary)
    db.session.commit()
    if done.new or done.changed:
        flash(_("Sample frame saved: %(new)s new, %(changed)s changed, %(unchanged)s unchanged.", new=done.new,
                changed=done.changed, unchanged=done.unchanged), "info")
    else:
        flash(_("The sample frame is unchanged (%(n)s units).", n=done.unchanged), "info")
    return redirect(url_for("console.frame"))


def _as_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
