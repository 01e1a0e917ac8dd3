"""Invitation codes: unguessable, typeable from paper, stored only as a hash.

A code is 16 symbols of Crockford's base-32 alphabet (no I, L, O, U): 16 x 5 = 80 bits from ``secrets``,
printed in groups of four (``7KQ2-M9XD-...``). Entry ignores case, spaces and dashes and reads the
look-alikes O as 0 and I/L as 1. The database keeps the plain SHA-256 of the normalised code: with 80 random
bits a lookup table is hopeless, and no server secret is involved, so codes survive a SECRET_KEY rotation.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from survey_app.extensions import db
from survey_app.models import Draft, Invitation, OpenedInvitation, RespondentGroup, SpentInvitation, Survey, Unit
from survey_app.pseudonyms import draft_key, opened_key, spent_key
from survey_app.services import invitation_status
from survey_app.services.errors import N_, CodeNotFound, OperatorError
from survey_app.services.locks import serialise
from survey_app.services.questionnaire_versions import questionnaire_for
from survey_app.services.units import unit_level_problem

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 16
GROUP_SIZE = 4
MAX_BATCH = 10_000

_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_IGNORED = re.compile(r"[\s\-_.]+")
_WELL_FORMED = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")


def generate_code() -> str:
    """A fresh code, grouped for reading aloud or from paper: ``XXXX-XXXX-XXXX-XXXX``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + GROUP_SIZE] for i in range(0, CODE_LENGTH, GROUP_SIZE))


def normalise_code(text: str) -> str:
    """The canonical form of what a person typed: upper case, no spaces or dashes, look-alikes mapped."""
    return _IGNORED.sub("", text or "").upper().translate(_LOOK_ALIKES)


def is_well_formed(text: str) -> bool:
    """Whether ``text`` could be a code at all (checked before touching the database)."""
    return bool(_WELL_FORMED.fullmatch(normalise_code(text)))


def hash_code(text: str) -> str:
    """SHA-256 hex of the normalised code: the only trace of a code the database keeps."""
    return hashlib.sha256(normalise_code(text).encode("ascii", "replace")).hexdigest()


def issue(survey: Survey, unit: Unit, group: RespondentGroup, count: int) -> list[str]:
    """Create ``count`` invitations and return their codes; the codes are never stored, so keep the list."""
    if survey.access != "invitation":
        raise OperatorError(N_("survey '%(slug)s' is an open-link survey; it takes no invitation codes"),
                            slug=survey.slug)
    if group not in survey.groups:
        allowed = ", ".join(g.code for g in survey.groups) or "none"
        raise OperatorError(N_("group '%(group)s' is not invited to survey '%(slug)s' (groups: %(allowed)s)"),
                            group=group.code, slug=survey.slug, allowed=allowed)
    if not 1 <= count <= MAX_BATCH:
        raise OperatorError(N_("count must be between 1 and %(most)s, got %(count)s"), most=MAX_BATCH, count=count)
    _check_unit_level(survey, unit, group)
    codes = [generate_code() for _ in range(count)]
    db.session.add_all(
        Invitation(survey=survey, unit=unit, group=group, code_hash=hash_code(code), recorded_status="issued")
        for code in codes
    )
    db.session.flush()
    return codes


def _check_unit_level(survey: Survey, unit: Unit, group: RespondentGroup) -> None:
    """The methodology says at which level a group answers (department leaders in departments...)."""
    problem = unit_level_problem(questionnaire_for(survey), unit, group)
    if problem is not None:
        raise OperatorError(problem)


def find_invitation(code: str) -> Invitation:
    """The invitation for a typed code, whatever its status, with its progress; :class:`CodeNotFound` when none.

    Its survey (with the questionnaire version), its draft, its spent and its opened marker come in the same statement
    (found by their pseudonyms, :mod:`survey_app.pseudonyms`): every respondent page needs them, so a page costs
    one query.
    """
    if not is_well_formed(code):
        raise CodeNotFound()
    code_hash = hash_code(code)
    found = db.session.execute(
        select(Invitation, Draft, SpentInvitation.key, OpenedInvitation.key)
        .options(joinedload(Invitation.survey))
        .outerjoin_from(Invitation, Draft, Draft.invitation_key == draft_key(code_hash))
        .outerjoin_from(Invitation, SpentInvitation, SpentInvitation.key == spent_key(code_hash))
        .outerjoin_from(Invitation, OpenedInvitation, OpenedInvitation.key == opened_key(code_hash))
        .where(Invitation.code_hash == code_hash)
    ).first()
    if found is None:
        raise CodeNotFound()
    invitation, draft, spent, opened = found
    invitation.draft = draft
    invitation.opened = opened is not None
    invitation.progress = ("completed" if spent is not None else "started" if draft is not None
                           else "opened" if opened is not None else "issued")
    return invitation


def revoke(code: str) -> Invitation:
    """Withdraw an unused code (e.g. a letter sent to the wrong person); a completed one cannot be withdrawn.

    Serialised with a submit of the same code (:mod:`survey_app.services.locks`): either the submit wins and this
    says the code is completed, or this wins and the respondent is told the code was withdrawn. Its draft and its
    opened marker, if any, are deleted in the same transaction (a revoked code is not eligible, never a
    break-off; :func:`~survey_app.services.openings.record_opening` takes the same lock and marks no revoked code).
    """
    try:
        invitation = find_invitation(code)
    except CodeNotFound:
        raise OperatorError(N_("no invitation has the code '%(code)s'"), code=code)
    serialise("invitation", spent_key(invitation.code_hash))
    if invitation_status.is_spent(invitation):
        invitation.progress = "completed"
        raise OperatorError(N_("this code was already used to submit a response; it can no longer be revoked"))
    invitation.recorded_status = "revoked"
    db.session.execute(delete(Draft).where(Draft.invitation_key == draft_key(invitation.code_hash)))
    db.session.execute(delete(OpenedInvitation).where(OpenedInvitation.key == opened_key(invitation.code_hash)))
    invitation.draft, invitation.opened = None, False
    db.session.flush()
    return invitation
