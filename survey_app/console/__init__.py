"""The staff console (coordinators, data-entry clerks, analysts, admins): one module per feature on one blueprint.

Importing the feature modules attaches their routes; every route declares its access rule (``access.rule``).
"""

from survey_app.console import (  # noqa: F401  (attach routes)
    account,
    audit_log,
    exports,
    frame,
    home,
    invitations,
    participation,
    surveys,
    tokens,
    users,
)
from survey_app.console.blueprint import bp

__all__ = ["bp"]
