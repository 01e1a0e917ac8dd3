"""Logging in and out, and changing one's password. Failed logins are rate-limited per address and per e-mail."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from survey_app.console.access import SEEN_KEY, public, rule
from survey_app.console.blueprint import bp
from survey_app.console.forms import LoginForm, PasswordForm
from survey_app.extensions import db, limiter
from survey_app.services import audit, staff
from survey_app.services.errors import OperatorError


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _failed(response) -> bool:
    """Only refused logins count against the limit: a successful one redirects."""
    return response.status_code != 302


def _email_key() -> str:
    return "login:" + staff.normalise_email(request.form.get("email", ""))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_email_key)
@public
def login():
    form = LoginForm()
    if request.method == "POST":
        if form.validate_on_submit():
            user = staff.authenticate(form.email.data, form.password.data)
            if user is not None:
                session.clear()  # a fresh session: nothing from before the login carries over
                login_user(user)
                session[SEEN_KEY] = int(time.time())
                audit.record("login", user)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
        audit.record("login_failed", staff.normalise_email(form.email.data or "")[:254] or "?")
        db.session.commit()
        flash(_("Wrong e-mail or password."), "error")
        return render_template("console/login.html", form=form), 401
    return render_template("console/login.html", form=form)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("console.home")


@bp.post("/logout")
@rule("console.home")
def logout():
    audit.record("logout", current_user._get_current_object())
    db.session.commit()
    logout_user()
    session.pop(SEEN_KEY, None)
    flash(_("You are logged out."), "info")
    return redirect(url_for("console.login"))


@bp.route("/password", methods=["GET", "POST"])
@rule("account.password")
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            if form.new.data != form.confirm.data:
                raise OperatorError("the two new passwords differ")
            staff.change_password(user, form.current.data, form.new.data)
        except OperatorError as error:
            db.session.rollback()
            flash(_password_message(str(error)), "error")
            return render_template("console/password.html", form=form), 400
        audit.record("password_changed", user)
        db.session.commit()
        login_user(user)  # the session id carries the new epoch; other sessions end
        flash(_("Your password was changed."), "info")
        return redirect(url_for("console.home"))
    return render_template("console/password.html", form=form)


def _password_message(message: str) -> str:
    if "current password" in message:
        return _("The current password is wrong.")
    if "differ" in message:
        return _("The two new passwords differ.")
    return _("A password needs at least %(n)s characters.", n=staff.MIN_PASSWORD_LENGTH)
