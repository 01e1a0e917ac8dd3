"""Personal API tokens: a staff member makes one for a script, which then reads the API as that person.

A token is 32 random bytes (``secrets.token_urlsafe``) behind the prefix ``psv_`` (so a leaked one is easy to
recognise in a log or a repository). Only its SHA-256 is stored: 256 random bits make a lookup table hopeless, so
no salt or slow hash is needed, and a token survives a SECRET_KEY rotation. The token is returned once, by
:func:`create_token`, and never again. It works while it is not revoked, not expired and its account is active,
with exactly the role and units of its account (the API asks :func:`survey_app.services.access.can` as the
console does), so disabling an account or moving it to another unit applies to its tokens at once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from survey_app.clock import as_utc
from survey_app.extensions import db
from survey_app.models import ApiToken, StaffUser
from survey_app.services.errors import OperatorError

PREFIX = "psv_"
NAME_LENGTH = 100
MAX_EXPIRY_DAYS = 3650
# What a token may look like: our prefix and token_urlsafe's alphabet (no NUL, no spaces), of a sane length.
_TOKEN_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user: StaffUser, name: str, expires_in_days: int | None = None,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` named ``name``, valid ``expires_in_days`` days (None: until revoked).

    Returns the row and the token itself, which exists nowhere else: show it once."""
    name = " ".join((name or "").split())
    if not name:
        raise OperatorError("a token needs a name (what script or machine uses it)")
    if len(name) > NAME_LENGTH:
        raise OperatorError(f"a token's name has at most {NAME_LENGTH} characters")
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise OperatorError(f"a token expires after 1 to {MAX_EXPIRY_DAYS} days, got {expires_in_days}")
    if not user.active:
        raise OperatorError(f"the account {user.email} is disabled")
    now = as_utc(now or datetime.now(UTC))
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=name, token_hash=token_hash(token), created_at=now,
                   expires_at=None if expires_in_days is None else now + timedelta(days=expires_in_days))
    db.session.add(row)
    db.session.flush()
    return row, token


def tokens_of(user: StaffUser | None = None) -> list[ApiToken]:
    """The tokens of ``user`` (None: everyone's), newest first, revoked ones included."""
    statement = select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    if user is not None:
        statement = statement.where(ApiToken.user_id == user.id)
    return list(db.session.scalars(statement))


def get_token(token_id: int, owner: StaffUser | None = None) -> ApiToken:
    """The token with ``token_id`` (of ``owner`` when given: nobody reaches another person's token by its id)."""
    row = db.session.get(ApiToken, token_id)
    if row is None or (owner is not None and row.user_id != owner.id):
        raise OperatorError(f"no token has the id {token_id}" + (" among yours" if owner is not None else ""))
    return row


def revoke_token(row: ApiToken, now: datetime | None = None) -> bool:
    """Withdraw ``row`` for good; False when it was already revoked (nothing changes)."""
    if row.revoked_at is not None:
        return False
    row.revoked_at = as_utc(now or datetime.now(UTC))
    db.session.flush()
    return True


def token_state(row: ApiToken, now: datetime | None = None) -> str:
    """``active``, ``expired`` or ``revoked`` (for lists; :func:`authenticate` applies the same rule)."""
    now = as_utc(now or datetime.now(UTC))
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and as_utc(row.expires_at) <= now:
        return "expired"
    return "active"


def authenticate(token: str, now: datetime | None = None) -> StaffUser | None:
    """The active account whose valid token this is, else None (unknown, malformed, revoked, expired or account
    disabled alike: a script cannot learn which). Notes the day of use, writing at most once a day per token."""
    if not looks_like_token(token):
        return None
    now = as_utc(now or datetime.now(UTC))
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or token_state(row, now) != "active" or not row.user.active:
        return None
    today = now.date()
    if row.last_used_on != today:
        row.last_used_on = today
        db.session.flush()
    return row.user


def looks_like_token(token: str) -> bool:
    rest = token[len(PREFIX):] if token.startswith(PREFIX) else None
    return bool(rest) and len(rest) <= 100 and set(rest) <= _TOKEN_CHARACTERS
