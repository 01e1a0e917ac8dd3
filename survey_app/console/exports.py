"""Response exports in the browser: pick a format and label language, start a background job (never in the
request), watch its progress (a plain refresh: no script), download the file while it is kept."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.loaders import export_by_id, survey_by_slug
from survey_app.console.timefmt import vietnam_time
from survey_app.extensions import db
from survey_app.services import export_jobs
from survey_app.services.errors import OperatorError
from survey_app.services.exports import FORMATS

REFRESH_SECONDS = 5


def _root() -> Path:
    return Path(current_app.instance_path)


@bp.route("/surveys/<slug>/exports", methods=["GET", "POST"])
@rule("exports.create", load=survey_by_slug)
def survey_exports(survey):
    user = current_user._get_current_object()
    if request.method == "POST":
        try:
            job = export_jobs.request_export(survey, user, request.form.get("format", ""),
                                             request.form.get("language", ""))
        except OperatorError as error:
            db.session.rollback()
            return render_template("console/exports.html", survey=survey, jobs=export_jobs.jobs_of(survey, user),
                                   formats=FORMATS, when=vietnam_time, problem=str(error)), 400
        db.session.commit()  # the job leaves for the worker here (queue.defer)
        return redirect(url_for("console.export_job", job_id=job.id))
    return render_template("console/exports.html", survey=survey, jobs=export_jobs.jobs_of(survey, user),
                           formats=FORMATS, when=vietnam_time, problem=None)


@bp.get("/exports/<int:job_id>")
@rule("exports.read", load=export_by_id)
def export_job(job):
    if job.status == "done" and export_jobs.is_expired(job):
        export_jobs.expire(job, _root())
        db.session.commit()
    running = job.status in ("queued", "running")
    return render_template("console/export_job.html", job=job, files=export_jobs.files_of(job, _root()),
                           when=vietnam_time, refresh=REFRESH_SECONDS if running else None,
                           percent=round(100 * job.rows_done / job.rows_total) if job.rows_total else 0)


@bp.get("/exports/<int:job_id>/files/<name>")
@rule("exports.read", load=export_by_id)
def export_file(job, name: str):
    if job.status == "done" and export_jobs.is_expired(job):
        export_jobs.expire(job, _root())
        db.session.commit()
    if job.status == "expired":
        flash(_("This export has expired and its file was deleted. Start a new export."), "info")
        return redirect(url_for("console.export_job", job_id=job.id))
    found = {path.name: path for path in export_jobs.files_of(job, _root())}
    if name not in found:
        abort(404)
    response = send_file(found[name], as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
