"""Resume codes: how an open-link respondent finishes on another device.

An open link keys its draft by a random token in the browser's cookie, so a fresh browser starts blank. On "save
and continue later" the respondent is given a resume code: the same alphabet and strength as an invitation code
(80 random bits, typeable from a note), stored only as its SHA-256 on the draft. Typed on the start page, it moves
the draft to the new browser. The hash lives on the draft alone, so it is deleted with the draft when the answers
are submitted and never reaches the response; it stops working when the survey closes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from survey_app.extensions import db
from survey_app.models import Draft
from survey_app.services.drafts import session_token_hash, store
from survey_app.services.errors import CodeNotFound
from survey_app.services.invitations import generate_code, hash_code, is_well_formed
from survey_app.services.surveys import ensure_open


def give(draft: Draft) -> str:
    """A new resume code for ``draft`` (open links only); it replaces any code given before for the draft."""
    if draft.session_token_hash is None:
        raise ValueError("resume codes are for open-link drafts; a personal code already resumes anywhere")
    draft = store(draft)  # "save and continue later" before any page was saved: there is now something to resume
    code = generate_code()
    draft.resume_code_hash = hash_code(code)
    db.session.flush()
    return code


def find_draft(code: str, now: datetime | None = None) -> Draft:
    """The open-link draft a typed resume code belongs to.

    Raises :class:`CodeNotFound` for an unknown code (or one whose answers were submitted: the draft is gone),
    :class:`SurveyClosed` once the survey has closed (the code expires with it).
    """
    if not is_well_formed(code):
        raise CodeNotFound()
    draft = db.session.scalar(
        select(Draft).options(joinedload(Draft.survey), joinedload(Draft.unit))
        .where(Draft.resume_code_hash == hash_code(code))
    )
    if draft is None:
        raise CodeNotFound()
    ensure_open(draft.survey, now)
    return draft


def move_to_session(draft: Draft, token: str) -> Draft:
    """Key ``draft`` by the new browser's ``token`` (the old browser's token stops finding it)."""
    draft.session_token_hash = session_token_hash(draft.survey, token)
    db.session.flush()
    return draft
