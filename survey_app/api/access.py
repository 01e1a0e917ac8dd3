"""Who is asking and what they may read: the account of a personal token, judged as the console judges it.

Every request under the API's blueprint must carry ``Authorization: Bearer <token>``; a cookie (a console
session) is never looked at, so a page on another site cannot make a logged-in browser read the API, and the API
needs no CSRF token. Each view declares one rule, ``@rule("verb", load=...)``, answered by
:func:`survey_app.services.access.can` on the loaded survey, exactly as the console's ``@rule``; a view without
a rule is refused (403) to everyone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_smorest import abort
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import StaffUser, Survey
from survey_app.services import api_tokens
from survey_app.services.access import RULES, can

REALM = 'Bearer realm="parsurvey"'


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def authenticate() -> None:
    """Find the token's account (401 without a token or with one that is unknown, revoked, expired or whose
    account is disabled) and keep it in ``g.api_user`` for the view's rule."""
    token = bearer_token()
    if token is None:
        abort(401, headers={"WWW-Authenticate": REALM})
    user = api_tokens.authenticate(token)
    if user is None:
        db.session.rollback()
        abort(401, headers={"WWW-Authenticate": REALM + ', error="invalid_token"'})
    db.session.commit()  # the token's day of use, when it changed
    g.api_user = user


def current_api_user() -> StaffUser:
    return g.api_user


def rule(verb: str, load: Callable[..., dict] | None = None) -> Callable:
    """Declare that the view needs ``verb``; ``load`` turns the URL's arguments into the view's objects (the
    first is the one whose scope is checked) or answers 404."""
    if verb not in RULES:
        raise KeyError(f"undeclared access verb {verb!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            objects = load(**kwargs) if load else kwargs
            subject = next(iter(objects.values()), None) if load else None
            if not can(current_api_user(), verb, subject):
                abort(403)
            return view(*args, **objects)

        checked.access_rule = verb
        return checked

    return decorate


def deny_undeclared() -> None:
    """Deny by default: an API view that declares no rule is never served."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "access_rule", None) is None:
        abort(403)


def survey_by_slug(slug: str) -> dict:
    survey = db.session.scalar(select(Survey).where(Survey.slug == slug))
    if survey is None:
        abort(404, message=f"No survey has the slug {slug!r}.")
    return {"survey": survey}


def rate_limit_key() -> str:
    """Each token has its own budget (its hash: the token itself never reaches the rate-limit store); requests
    without one share their address's."""
    token = bearer_token()
    if token:
        return "api:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
    return "api:" + get_remote_address()


def rate_limit() -> str:
    return current_app.config["RATELIMIT_API"]
