"""Every error a person can cause becomes a page in their language with the right status, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("The request could not be understood"),
              _("Something in what was sent is not valid. Nothing you saved before has been lost.")),
        403: (_("Not allowed"), _("You do not have access to this page.")),
        404: (_("Not found"), _("We could not find this page or this code. Please check what you typed.")),
        405: (_("Not allowed"), _("This page cannot be used this way.")),
        410: (_("No longer available"), _("This survey or code is no longer open.")),
        413: (_("Too much data"), _("What was sent is larger than allowed. Nothing you saved before has been lost.")),
        429: (_("Too many attempts"), _("Please wait a minute before trying again.")),
        500: (_("Something went wrong"), _("An unexpected error occurred. Nothing you saved before has been lost.")),
    }


def render_error(status: int, detail: str | None = None, title: str | None = None):
    """Render the error page for ``status``; ``detail`` and ``title`` replace the status's generic wording."""
    default_title, default_detail = _messages().get(status, _messages()[500])
    return render_template("error.html", status=status, title=title or default_title,
                           detail=detail or default_detail), status


ErrorRenderer = Callable[[HTTPException], ResponseReturnValue]
_RENDERERS = "parsurvey.error_renderers"


def render_errors_under(app: Flask, prefix: str, renderer: ErrorRenderer) -> None:
    """Errors of every URL under ``prefix`` (matched or not: an unknown URL too) are rendered by ``renderer``
    instead of as a page: an audience that answers scripts (the API) answers its errors in its own format."""
    app.extensions.setdefault(_RENDERERS, []).append((prefix, renderer))


def _renderer_for_request() -> ErrorRenderer | None:
    for prefix, renderer in current_app.extensions.get(_RENDERERS, ()):
        if request.path.startswith(prefix):
            return renderer
    return None


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        renderer = _renderer_for_request()
        if renderer is not None:
            return renderer(error)
        description = getattr(error, "parsurvey_detail", None)
        return render_error(error.code or 500, description)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error")
        renderer = _renderer_for_request()
        if renderer is not None:
            return renderer(InternalServerError())
        return render_error(500)
