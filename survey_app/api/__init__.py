"""The read API for analysts' scripts (``/api/v1/``): surveys, participation and responses, as JSON.

flask-smorest builds the OpenAPI 3 document from the views' marshmallow schemas and serves it at
``/api/v1/openapi.json``. A request is the account of its personal token (``Authorization: Bearer``), scoped by
that account's role and units exactly as the console (:mod:`survey_app.api.access`); every error is JSON
(:mod:`survey_app.api.errors`), and the API never sets or reads a cookie.
"""

from __future__ import annotations

from flask import Flask, request, session
from flask_smorest import Api

from survey_app import errors as app_errors
from survey_app.api import access
from survey_app.api.errors import ErrorSchema, json_error
from survey_app.api.surveys import blp
from survey_app.extensions import csrf, limiter

PREFIX = "/api/v1"
DOCUMENT = {
    "API_TITLE": "parsurvey read API",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": PREFIX,
    "OPENAPI_JSON_PATH": "openapi.json",
}
DESCRIPTION = (
    "Read-only access for analysts' scripts. Authenticate with a personal token made in the console "
    "(Account > API tokens) or by `parsurvey tokens create EMAIL`: `Authorization: Bearer <token>`. A token "
    "reads with its account's role and units, as the console does. Errors are JSON objects of the Error schema."
)


class ReadApi(Api):
    """flask-smorest's Api whose errors stay under the API's prefix: its own handler would answer every page of
    the app (the respondents' and the console's too) in JSON."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        app_errors.render_errors_under(self._app, PREFIX + "/", json_error)


# Once per process: the blueprint's requests are authenticated, checked for a declared rule and rate-limited.
blp.before_request(access.authenticate)
blp.before_request(access.deny_undeclared)
limiter.limit(access.rate_limit, key_func=access.rate_limit_key)(blp)
csrf.exempt(blp)  # token authentication: no cookie is ever looked at, so there is nothing to forge


def init_app(app: Flask) -> None:
    for key, value in DOCUMENT.items():
        app.config.setdefault(key, value)
    api = ReadApi(app, spec_kwargs={
        "info": {"description": DESCRIPTION},
        "security": [{"bearerAuth": []}],
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer",
                                                       "description": "A personal API token (psv_...)."})
    api.register_blueprint(blp)

    @app.after_request
    def never_set_a_cookie(response):
        """Nothing under the API's prefix writes the session (a ``?lang=`` would): a script gets no cookie."""
        if request.path.startswith(PREFIX + "/"):
            session.modified = False
        return response
