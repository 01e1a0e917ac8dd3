"""Each staff member's personal API tokens: made here (shown once), listed, revoked; both recorded in the audit log.

A token reads the API (``/api/v1/``) with its owner's role and units; nobody sees or revokes another person's
tokens here (an admin disables the account instead, which stops its tokens). The page that shows a new token is
never cached (``no-store``) and the token is never shown again: only its hash is kept.
"""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.forms import TokenForm
from survey_app.console.timefmt import vietnam_time
from survey_app.extensions import db
from survey_app.services import api_tokens, audit
from survey_app.services.errors import OperatorError


@bp.route("/account/tokens", methods=["GET", "POST"])
@rule("account.tokens")
def tokens():
    user = current_user._get_current_object()
    form = TokenForm()
    new_token = None
    if request.method == "POST":
        if not form.validate_on_submit():
            return _page(form, None), 400
        days = int(form.expires.data) if form.expires.data else None
        try:
            row, new_token = api_tokens.create_token(user, form.name.data, days)
        except OperatorError:
            db.session.rollback()
            return _page(form, None), 400
        audit.record("token_created", user, user.email, _detail(row))
        db.session.commit()
        form = TokenForm(formdata=None)
    return _page(form, new_token)


@bp.post("/account/tokens/<int:token_id>/revoke")
@rule("account.tokens")
def revoke_token(token_id: int):
    user = current_user._get_current_object()
    try:
        row = api_tokens.get_token(token_id, owner=user)
    except OperatorError:
        abort(404)
    if api_tokens.revoke_token(row):
        audit.record("token_revoked", user, user.email, _detail(row))
        db.session.commit()
    flash(_("The token %(name)s was revoked: scripts using it are refused from now on.", name=row.name), "info")
    return redirect(url_for("console.tokens"))


def _page(form: TokenForm, new_token: str | None):
    rows = api_tokens.tokens_of(current_user._get_current_object())
    response = make_response(render_template(
        "console/tokens.html", form=form, new_token=new_token, rows=rows, state=api_tokens.token_state,
        when=vietnam_time, api_root=request.url_root + "api/v1/"))
    response.headers["Cache-Control"] = "no-store"  # a new token must not stay in a cache
    return response


def _detail(row) -> str:
    return f"token {row.id} {row.name!r}"
