"""Loaders for ``@rule(..., load=...)``: the URL's arguments become the objects whose scope is checked."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import ExportJob, Survey


def survey_by_slug(slug: str) -> dict:
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        abort(404)
    return {"survey": survey}


def export_by_id(job_id: int, **rest) -> dict:
    """The export (whose requester is checked), then the URL's other arguments (a file name) as they are."""
    job = db.session.get(ExportJob, job_id)
    if job is None:
        abort(404)
    return {"job": job, **rest}
