"""Who may do what to which object: roles as verbs (as ODK Central's ``can(verb, object)``), scope on the object.

Every console view declares one verb; :func:`can` answers it for a user and the object the view loaded (a
survey or a unit), so a coordinator cannot reach another unit's survey by changing the URL. Scope: admins and
analysts see every unit; coordinators and data-entry clerks their own unit and every unit below it.

A survey belongs to the unit that runs it (``survey.unit``). A scoped user may *read* a survey run by a unit in
their subtree or by a unit above theirs (a provincial survey that covers their department: they then see only
their subtree's rows), and *manage* (open, close, extend) only a survey run inside their subtree. A paper form
being typed belongs to the unit it was typed for.
"""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import aliased

from survey_app.extensions import db
from survey_app.models import ExportJob, PaperEntry, PaperForm, StaffUser, Survey, Unit
from survey_app.models.staff import ROLES, UNIT_SCOPED_ROLES

EVERYONE = frozenset(ROLES)
RULES: dict[str, frozenset[str]] = {
    "console.home": EVERYONE,
    "account.password": EVERYONE,
    "preview.read": EVERYONE,
    "surveys.list": EVERYONE,
    "users.read": frozenset({"admin"}),
    "audit.read": frozenset({"admin"}),
    "survey.create": frozenset({"admin", "coordinator"}),
    "survey.manage": frozenset({"admin", "coordinator"}),
    "participation.read": frozenset({"admin", "coordinator", "analyst"}),
    "invitations.manage": frozenset({"admin", "coordinator"}),
    "frame.import": frozenset({"admin", "coordinator"}),
    # Everyone manages their own API tokens; a token reads the API with its owner's role and units.
    "account.tokens": EVERYONE,
    # Response-level data (the export's rows): analysts and admins, who see every unit.
    "responses.read": frozenset({"admin", "analyst"}),
    # Response exports: analysts and admins (issue 9's roles). Not coordinators: they know whom they invited in
    # their units, the very knowledge the disclosure rule guards against, and they have the participation CSV.
    "exports.create": frozenset({"admin", "analyst"}),
    "exports.read": frozenset({"admin", "analyst"}),
    "paper.enter": frozenset({"admin", "coordinator", "data_entry"}),
    "paper.resolve": frozenset({"admin", "coordinator"}),
}
# Verbs that change a survey itself: only within the user's own subtree, never a survey run from above.
OWNER_VERBS = frozenset({"survey.manage"})


def can(user: StaffUser, verb: str, subject: object | None = None) -> bool:
    """Whether ``user`` may ``verb`` (a key of :data:`RULES`) on ``subject`` (a Survey, a Unit, an ExportJob or
    None)."""
    if verb not in RULES:
        raise KeyError(f"undeclared access verb {verb!r}")
    if not user.is_active or user.role not in RULES[verb]:
        return False
    if isinstance(subject, ExportJob):  # an export's file: its requester's, and admins'
        return user.role == "admin" or subject.requested_by_id == user.id
    if subject is None or user.role not in UNIT_SCOPED_ROLES:
        return True
    if isinstance(subject, Unit):
        return subject.id in units_below(user.unit_id)
    if isinstance(subject, Survey):
        return survey_in_scope(user, subject, owner=verb in OWNER_VERBS)
    if isinstance(subject, PaperForm | PaperEntry):  # a paper form belongs to the unit it was typed for
        form = subject if isinstance(subject, PaperForm) else subject.form
        return form.unit_id in units_below(user.unit_id)
    raise TypeError(f"no scope rule for {type(subject).__name__}")


def survey_in_scope(user: StaffUser, survey: Survey, owner: bool = False) -> bool:
    if user.role not in UNIT_SCOPED_ROLES:
        return True
    if survey.unit_id is None or user.unit_id is None:
        return False
    if survey.unit_id in units_below(user.unit_id):
        return True
    return not owner and user.unit_id in units_below(survey.unit_id)


def scope_unit_ids(user: StaffUser) -> set[int] | None:
    """The unit ids ``user`` may see rows of, or None for every unit."""
    if user.role not in UNIT_SCOPED_ROLES:
        return None
    return units_below(user.unit_id)


def units_below(unit_id: int | None) -> set[int]:
    """``unit_id`` and every unit below it (one recursive query; the frame is a tree)."""
    if unit_id is None:
        return set()
    tree = select(literal(unit_id).label("id")).cte("below", recursive=True)
    child = aliased(Unit)
    tree = tree.union_all(select(child.id).where(child.parent_id == tree.c.id))
    return set(db.session.scalars(select(tree.c.id)))


def visible_surveys(user: StaffUser) -> list[Survey]:
    """The surveys ``user`` may read, newest first."""
    rows = db.session.scalars(select(Survey).order_by(Survey.opens_at.desc(), Survey.slug)).all()
    if user.role not in UNIT_SCOPED_ROLES:
        return list(rows)
    below = units_below(user.unit_id)
    above, unit = set(), user.unit
    while unit is not None:  # the user's unit and its ancestors: surveys run from there cover the user's units
        above.add(unit.id)
        unit = unit.parent
    return [s for s in rows if s.unit_id is not None and (s.unit_id in below or s.unit_id in above)]
