"""One declaration per view: ``@rule("verb", load=...)`` logs the user in, loads the object, checks scope.

The object is loaded from the URL (``load``) and checked with :func:`survey_app.services.access.can`, so scope is
judged on the survey or unit itself, not on the URL. Sessions end after ``STAFF_IDLE_MINUTES`` without a request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from survey_app.console.blueprint import login_manager
from survey_app.services.access import RULES, can

PUBLIC = "public"
SEEN_KEY = "staff_seen"


def public(view: Callable) -> Callable:
    """Declares a view everyone may open (the login page)."""
    view.access_rule = PUBLIC
    return view


def rule(verb: str, load: Callable[..., dict] | None = None) -> Callable:
    """Declare that the view needs ``verb``; ``load`` turns the URL's arguments into the view's objects (the
    first one is the object whose scope is checked) or aborts with 404."""
    if verb not in RULES:
        raise KeyError(f"undeclared access verb {verb!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(**kwargs):
            if not current_user.is_authenticated or idle_expired():
                return login_manager.unauthorized()
            objects = load(**kwargs) if load else kwargs
            subject = next(iter(objects.values()), None) if load else None
            if not can(current_user, verb, subject):
                abort(403)
            return view(**objects)

        checked.access_rule = verb
        return checked

    return decorate


def idle_expired() -> bool:
    """End the session (and say so) when the last request is older than the idle limit; else note this one."""
    now = int(time.time())
    seen = session.get(SEEN_KEY)
    limit = 60 * current_app.config["STAFF_IDLE_MINUTES"]
    if isinstance(seen, int) and now - seen > limit:
        logout_user()
        session.pop(SEEN_KEY, None)
        flash(_("Your session ended after a period without activity. Please log in again."), "info")
        return True
    if not isinstance(seen, int) or now - seen >= 30:  # rewrite the cookie at most every 30 s
        session[SEEN_KEY] = now
    return False
