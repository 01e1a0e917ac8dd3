"""The one home for "how far has this invitation got": issued, started (a draft exists), completed (spent).

The invitation row records only issued or revoked; a respondent never writes it (see
:class:`~survey_app.models.Invitation`). Its draft and its spent marker are keyed by pseudonyms only the
application can compute (:mod:`survey_app.pseudonyms`), so progress is looked up here, in Python, for the
invitations concerned: by their keys when they are few, else by reading the survey's keys once (a 100,000-code
reminder round costs two statements, not 100,000).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Draft, Invitation, SpentInvitation
from survey_app.pseudonyms import draft_key, spent_key

# Up to this many invitations are looked up by their keys; more read every key of their surveys.
BY_KEY_LIMIT = 500
_CHUNK = 1000


def load(invitations: Iterable[Invitation]) -> list[Invitation]:
    """Set ``progress`` (issued | started | completed) and ``draft`` of every invitation; returns them."""
    found = list(invitations)
    if not found:
        return found
    spent_keys = {spent_key(i.code_hash): i for i in found}
    draft_keys = {draft_key(i.code_hash): i for i in found}
    if len(found) <= BY_KEY_LIMIT:
        spent = _existing(SpentInvitation.key, select(SpentInvitation.key), list(spent_keys))
        drafts = {d.invitation_key: d for chunk in _chunks(list(draft_keys))
                  for d in db.session.scalars(select(Draft).where(Draft.invitation_key.in_(chunk)))}
    else:
        survey_ids = sorted({i.survey_id for i in found})
        spent = set(db.session.scalars(select(SpentInvitation.key).where(SpentInvitation.survey_id.in_(survey_ids))))
        drafts = {d.invitation_key: d for d in db.session.scalars(
            select(Draft).where(Draft.survey_id.in_(survey_ids), Draft.invitation_key.is_not(None)))}
    for key, invitation in spent_keys.items():
        invitation.progress = "completed" if key in spent else "issued"
    for key, invitation in draft_keys.items():
        invitation.draft = drafts.get(key)
        if invitation.draft is not None and invitation.progress != "completed":
            invitation.progress = "started"
    return found


def status(invitation: Invitation) -> str:
    """issued | started | completed | revoked, looked up now."""
    load([invitation])
    return invitation.status


def not_completed(invitations: Sequence[Invitation]) -> list[Invitation]:
    """Those of ``invitations`` still issued or started (neither completed nor revoked)."""
    return [i for i in load(invitations) if i.status in ("issued", "started")]


def is_spent(invitation: Invitation) -> bool:
    """Whether the invitation has completed, read from the database now (not from what was loaded before)."""
    key = spent_key(invitation.code_hash)
    return db.session.scalar(select(SpentInvitation.key).where(SpentInvitation.key == key)) is not None


def _existing(column, statement, keys: list[str]) -> set[str]:
    return {k for chunk in _chunks(keys) for k in db.session.scalars(statement.where(column.in_(chunk)))}


def _chunks(keys: list[str]) -> Iterable[list[str]]:
    for first in range(0, len(keys), _CHUNK):
        yield keys[first:first + _CHUNK]
