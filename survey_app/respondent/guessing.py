"""Slowing code guessing down without ever stopping a respondent whose code works.

Only *failed* code lookups are counted, per client address (behind ``PARSURVEY_TRUSTED_PROXIES`` proxies the
address comes from ``X-Forwarded-For``, see :func:`survey_app.proxies.init_app`). Counting is one atomic
``hit`` in the limit store (Redis ``INCR``, or a lock in memory), so a burst of parallel guesses lets exactly the
budget through. An address over its budget is refused before the lookup (otherwise a refused guesser could still
tell good codes from bad ones), except on a code this browser has already opened: a respondent who has started
is never stopped by someone else's typos on the same address. Open links carry no code and are never limited.

The limit store only slows guessing down, so it must never become a single point of failure: when it cannot be
reached the request goes through and the failure is logged (fail open).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, session
from flask_limiter.util import get_remote_address
from limits import parse

from survey_app.extensions import limiter
from survey_app.services.errors import CodeNotFound
from survey_app.services.invitations import normalise_code

SCOPE = "code-lookup"
RESOLVED = "resolved_codes"  # session key: short digests of the codes this browser has opened
KEPT = 8


def _limit_and_key():
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "parsurvey"
    return parse(current_app.config["RATELIMIT_CODE_ENTRY"]), (prefix, SCOPE, get_remote_address())


def address_is_blocked() -> bool:
    """Whether this address has used up its budget of wrong codes (False when the store cannot be reached)."""
    item, key = _limit_and_key()
    try:
        return not limiter.limiter.test(item, *key)
    except Exception:  # noqa: BLE001  (any store failure: fail open)
        current_app.logger.warning("rate-limit store unreachable; letting the request through", exc_info=True)
        return False


def count_wrong_code() -> bool:
    """Count one failed lookup for this address; False when it went over the budget (the caller answers 429)."""
    item, key = _limit_and_key()
    try:
        return limiter.limiter.hit(item, *key)
    except Exception:  # noqa: BLE001  (any store failure: fail open)
        current_app.logger.warning("rate-limit store unreachable; wrong code not counted", exc_info=True)
        return True


def _digest(code: str) -> str:
    # Not the stored code hash: the cookie must not carry a value that appears in the database.
    return hashlib.sha256(b"resolved:" + normalise_code(code).encode("ascii", "replace")).hexdigest()[:16]


def opened_here(code: str) -> bool:
    """Whether this browser has already opened ``code`` (its pages are then never limited)."""
    return _digest(code) in (session.get(RESOLVED) or ())


def remember_opened(code: str) -> None:
    digest = _digest(code)
    known = list(session.get(RESOLVED) or ())
    if digest not in known:
        session[RESOLVED] = [*known[-(KEPT - 1):], digest]


def check_code_lookup(view: Callable) -> Callable:
    """Wrap a respondent view taking ``code`` (personal link) or ``slug``/``unit_code`` (open link, not limited)."""

    @wraps(view)
    def guarded(**where):
        code = where.get("code")
        if code is None:
            return view(**where)
        if not opened_here(code) and address_is_blocked():
            abort(429)
        try:
            response = view(**where)
        except CodeNotFound:
            if not count_wrong_code():
                abort(429)
            raise
        remember_opened(code)
        return response

    return guarded
