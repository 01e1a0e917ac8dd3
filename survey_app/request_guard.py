"""Refuse URLs no person can type before they reach a view or the database.

A NUL byte in a path or query string (``/o/slug%00/HP``) is never a link we printed, and PostgreSQL refuses NUL in
text (``psycopg.DataError``): answer 400 with the usual page instead of a 500. Posted text is cleaned where it is
parsed (:func:`questionnaires.answer_values.clean_text`).
"""

from __future__ import annotations

from flask import Flask, abort, request


def _has_nul() -> bool:
    return "\x00" in request.path or any("\x00" in k or "\x00" in v for k, v in request.args.items(multi=True))


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes():
        if _has_nul():
            abort(400)
