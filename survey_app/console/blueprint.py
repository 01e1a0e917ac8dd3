"""The console blueprint and its login manager; a route without a declared access rule answers 403."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager

bp = Blueprint("console", __name__, url_prefix="/console")
login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.login_message = _l("Please log in to see this page.")
login_manager.login_message_category = "info"


@bp.record_once
def _bind_login_manager(state) -> None:
    login_manager.init_app(state.app)


@login_manager.user_loader
def load_user(token: str):
    """The account of a session id ``<id>:<epoch>``; a changed password or disabled account ends the session."""
    from survey_app.extensions import db
    from survey_app.models import StaffUser

    user_id, _, epoch = (token or "").partition(":")
    if not user_id.isdigit() or not epoch.isdigit():
        return None
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_epoch != int(epoch):
        return None
    return user


@bp.before_request
def deny_undeclared_routes():
    """Deny by default: a console view that does not declare its rule is never served."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "access_rule", None) is None:
        abort(403)
