"""Pseudonyms that tie a draft or a "spent" marker to its invitation for the application, never for the database.

Per-invitation progress (opened = an opened marker exists, started = a draft exists, completed = a spent marker
exists) is keyed by
``HMAC-SHA256(key, "<purpose>:<code hash>")``. The key is the application's (``PARSURVEY_PSEUDONYM_KEY``, else a
random one made once in the instance folder) and is never written to the database, so whoever holds only the
database (live rows, dead row versions, WAL, backups) cannot tell which invitation a draft or a marker belongs to;
the application, holding the key, can: the console, reminders and revocation need exactly that.

The pseudonym is computed from the invitation's code hash rather than its id because the respondent's page knows
the code hash before it reads any row: invitation, draft and spent marker then come in one statement. Each purpose
gives an unrelated value, so a draft's key never equals its invitation's opened or spent marker.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from functools import lru_cache

from flask import current_app

# Room for every invitation of a 100,000-invitation survey under all three purposes.
_CACHED = 1 << 19


def draft_key(code_hash: str) -> str:
    """What a draft of the invitation with ``code_hash`` is keyed by (unique in ``draft.invitation_key``)."""
    return _pseudonym("draft", code_hash)


def spent_key(code_hash: str) -> str:
    """The primary key of the marker saying the invitation with ``code_hash`` was completed."""
    return _pseudonym("spent", code_hash)


def opened_key(code_hash: str) -> str:
    """The primary key of the marker saying the invitation with ``code_hash`` was opened (its first visit)."""
    return _pseudonym("opened", code_hash)


def progress_keys(code_hashes: Iterable[str]) -> dict[str, tuple[str, str, str]]:
    """Each code hash's (opened, draft, spent) keys, as :func:`opened_key`, :func:`draft_key` and
    :func:`spent_key` give them, for many invitations at once (the application's key is read once, not three
    times per invitation)."""
    key = current_app.config["PSEUDONYM_KEY"]
    return {h: (_hmac(key, "opened", h), _hmac(key, "draft", h), _hmac(key, "spent", h)) for h in code_hashes}


def _pseudonym(purpose: str, code_hash: str) -> str:
    return _hmac(current_app.config["PSEUDONYM_KEY"], purpose, code_hash)


@lru_cache(maxsize=_CACHED)
def _hmac(key: str, purpose: str, code_hash: str) -> str:
    return hmac.new(key.encode(), f"{purpose}:{code_hash}".encode(), hashlib.sha256).hexdigest()
