"""The one home for "how far has this invitation got": issued, opened (an opened marker exists), started (a draft
exists), completed (spent).

The invitation row records only issued or revoked; a respondent never writes it (see
:class:`~survey_app.models.Invitation`). Its opened marker, draft and spent marker are keyed by pseudonyms only the
application can compute (:mod:`survey_app.pseudonyms`), so progress is looked up here, in Python, for the
invitations concerned: by their keys when they are few, else by reading the survey's keys once (a 100,000-code
reminder round costs two statements, not 100,000).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from sqlalchemy import String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY

from survey_app.extensions import db
from survey_app.models import Draft, Invitation, OpenedInvitation, SpentInvitation
from survey_app.pseudonyms import progress_keys, spent_key

# Up to this many invitations are looked up by their keys; more read every key of their surveys (keys only).
BY_KEY_LIMIT = 5000
_CHUNK = 1000


def load(invitations: Iterable[Invitation]) -> list[Invitation]:
    """Set ``progress`` (issued | opened | started | completed) and ``opened`` of every invitation; returns them.
    Only keys are read: the draft itself is read by whoever needs it
    (:func:`survey_app.services.drafts.open_for_invitation`)."""
    found = list(invitations)
    progress = progress_by_code_hash([i.code_hash for i in found], {i.survey_id for i in found})
    for invitation in found:
        invitation.progress = progress[invitation.code_hash]
        invitation.opened = invitation.progress != "issued"
    return found


def progress_by_code_hash(code_hashes: Collection[str], survey_ids: Collection[int]) -> dict[str, str]:
    """issued | opened | started | completed for each code hash (of invitations of ``survey_ids``), from keys
    alone."""
    keys = progress_keys(code_hashes)
    opened_keys = {opened: h for h, (opened, _, _) in keys.items()}
    draft_keys = {draft: h for h, (_, draft, _) in keys.items()}
    spent_keys = {spent: h for h, (_, _, spent) in keys.items()}
    if len(keys) <= BY_KEY_LIMIT:  # furthest stage first: a stage is looked up only for the codes not further
        spent = _existing(SpentInvitation.key, list(spent_keys))
        rest = [h for h, (_, _, spent_key_) in keys.items() if spent_key_ not in spent]
        drafted = _existing(Draft.invitation_key, [keys[h][1] for h in rest])
        opened = _existing(OpenedInvitation.key, [keys[h][0] for h in rest if keys[h][1] not in drafted])
    else:
        surveys = sorted(survey_ids)
        spent = set(db.session.scalars(select(SpentInvitation.key).where(SpentInvitation.survey_id.in_(surveys))))
        drafted = set(db.session.scalars(select(Draft.invitation_key).where(
            Draft.survey_id.in_(surveys), Draft.invitation_key.is_not(None))))
        opened = set(db.session.scalars(select(OpenedInvitation.key).where(OpenedInvitation.survey_id.in_(surveys))))
    progress = dict.fromkeys(code_hashes, "issued")
    progress.update({opened_keys[k]: "opened" for k in opened & opened_keys.keys()})
    progress.update({draft_keys[k]: "started" for k in drafted & draft_keys.keys()})
    progress.update({spent_keys[k]: "completed" for k in spent & spent_keys.keys()})
    return progress


def status(invitation: Invitation) -> str:
    """issued | opened | started | completed | revoked, looked up now."""
    load([invitation])
    return invitation.status


def not_completed(invitations: Sequence[Invitation]) -> list[Invitation]:
    """Those of ``invitations`` still issued, opened or started (neither completed nor revoked)."""
    return [i for i in load(invitations) if i.status in ("issued", "opened", "started")]


def is_spent(invitation: Invitation) -> bool:
    """Whether the invitation has completed, read from the database now (not from what was loaded before)."""
    key = spent_key(invitation.code_hash)
    return db.session.scalar(select(SpentInvitation.key).where(SpentInvitation.key == key)) is not None


def _existing(column, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    if db.session.get_bind().dialect.name == "postgresql":  # one array parameter: a thousand placeholders cost
        wanted = bindparam("keys", keys, type_=ARRAY(String))  # more to build and parse than the lookup itself;
        # IN (SELECT unnest(...)) is probed key by key in the primary key's index, where "= ANY(array)" was
        # planned as a scan of every marker of the table (its cost grew with the survey, not with the keys asked)
        return set(db.session.scalars(select(column).where(column.in_(select(func.unnest(wanted))))))
    return {k for chunk in _chunks(keys) for k in db.session.scalars(select(column).where(column.in_(chunk)))}


def _chunks(keys: list[str]) -> Iterable[list[str]]:
    for first in range(0, len(keys), _CHUNK):
        yield keys[first:first + _CHUNK]
