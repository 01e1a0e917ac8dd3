"""Staff accounts: created from the shell (``parsurvey users``), used to log in to the console.

Passwords are hashed with werkzeug's salted scrypt (a memory-hard, current algorithm); the clear password is
never stored or logged. Disabling an account or changing its password bumps ``session_epoch``, which ends every
session opened before.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from survey_app.extensions import db
from survey_app.models import StaffUser, Unit
from survey_app.models.staff import ROLES, UNIT_SCOPED_ROLES
from survey_app.services.errors import OperatorError

MIN_PASSWORD_LENGTH = 10
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Checked when the e-mail is unknown, so a wrong e-mail takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a password at all", method="scrypt")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be used, or None."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    return None


def create_staff(email: str, role: str, password: str, unit_code: str | None = None) -> StaffUser:
    """A new active account; coordinators and data-entry clerks need the unit they work for."""
    email = normalise_email(email)
    if not EMAIL.fullmatch(email) or len(email) > 254:
        raise OperatorError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise OperatorError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    if role in UNIT_SCOPED_ROLES and not unit_code:
        raise OperatorError(f"a {role} works for one unit: give --unit CODE")
    if role not in UNIT_SCOPED_ROLES and unit_code:
        raise OperatorError(f"an {role} sees every unit; --unit applies to coordinator and data_entry only")
    problem = password_problem(password)
    if problem:
        raise OperatorError(problem)
    if db.session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise OperatorError(f"an account for {email} already exists")
    unit = None
    if unit_code:
        unit = db.session.scalar(select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise OperatorError(f"no unit has the code {unit_code!r} (load the sample frame first)")
    user = StaffUser(email=email, role=role, unit=unit, password_hash=hash_password(password), active=True,
                     session_epoch=0)
    db.session.add(user)
    db.session.flush()
    return user


def list_staff() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.email)))


def get_staff(email: str) -> StaffUser:
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        raise OperatorError(f"no account has the e-mail {normalise_email(email)!r}")
    return user


def disable_staff(email: str) -> StaffUser:
    """The account can no longer log in, and its open sessions end at their next request."""
    user = get_staff(email)
    user.active = False
    user.session_epoch += 1
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The active account with this e-mail and password, else None (unknown, wrong or disabled alike)."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    return user


def change_password(user: StaffUser, current: str, new: str) -> None:
    """Replace the password after checking the current one; other sessions of the account end."""
    if not check_password_hash(user.password_hash, current or ""):
        raise OperatorError("the current password is wrong")
    problem = password_problem(new)
    if problem:
        raise OperatorError(problem)
    user.password_hash = hash_password(new)
    user.session_epoch += 1
    db.session.flush()
