"""Every answer under ``/api/v1/`` that is not a success is one JSON object of one documented shape
(:class:`ErrorSchema`): never an HTML page, never a traceback, whatever went wrong and wherever (an unknown URL,
a wrong method, a bad parameter, a missing token, a rate limit, a bug).
"""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify
from werkzeug.exceptions import HTTPException

MESSAGES = {
    401: "A valid API token is needed: send the header 'Authorization: Bearer <token>' with a token made in the "
         "console (Account > API tokens) or by 'parsurvey tokens create'.",
    403: "Your account's role or units do not give access to this.",
    404: "Nothing is found at this address.",
    422: "Some query parameters are not valid; 'errors' says which and why.",
    429: "Too many requests; wait a minute and try again.",
    500: "An unexpected error occurred on the server; it has been logged.",
}


class ErrorSchema(ma.Schema):
    """What every error of the API looks like."""

    code = ma.fields.Integer(required=True, metadata={"description": "The HTTP status code.", "example": 404})
    status = ma.fields.String(required=True, metadata={"description": "The status's name.", "example": "Not Found"})
    message = ma.fields.String(required=True, metadata={"description": "What went wrong, for a person."})
    errors = ma.fields.Dict(metadata={
        "description": "For 422: the refused parameters by location, e.g. {\"query\": {\"page\": [\"...\"]}}."})


def json_error(error: HTTPException):
    """The JSON answer of ``error``, with its headers (``Allow`` on 405, ``WWW-Authenticate`` on 401)."""
    code = error.code or 500
    data = getattr(error, "data", None) or {}  # what webargs' and flask-smorest's abort attach
    payload = {"code": code, "status": error.name,
               "message": data.get("message") or MESSAGES.get(code) or error.description or error.name}
    errors = data.get("errors") or data.get("messages")
    if errors:
        payload["errors"] = errors
    response = jsonify(payload)
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    for name, value in (data.get("headers") or {}).items():
        response.headers[name] = value
    return response
