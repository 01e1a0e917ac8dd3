"""A coordinator's word on a case that will not complete: not eligible (left the post) or refused.

Counted by the console and ``report rates`` as AAPOR says: not eligible leaves every denominator (NE), a
refusal is a non-response among the eligible (R). A completed case cannot be marked (a complete is a complete);
the mark can be cleared again.
"""

from __future__ import annotations

from survey_app.extensions import db
from survey_app.models import Invitation
from survey_app.models.invitation import DISPOSITIONS
from survey_app.services.errors import N_, CodeNotFound, OperatorError
from survey_app.services.invitations import find_invitation


def mark(code: str, disposition: str | None) -> Invitation:
    """Set (or with None clear) the disposition of the invitation whose code this is."""
    if disposition is not None and disposition not in DISPOSITIONS:
        raise OperatorError(f"disposition must be one of {', '.join(DISPOSITIONS)}, got {disposition!r}")
    try:
        invitation = find_invitation(code)
    except CodeNotFound:
        raise OperatorError(N_("no invitation has the code '%(code)s'"), code=code)
    if invitation.status == "completed":
        raise OperatorError(N_("this code was already used to submit a response; its case is complete"))
    invitation.disposition = disposition
    db.session.flush()
    return invitation
