"""The console's small forms (Flask-WTF for the CSRF token); field names are part of the contract."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired()])


class TokenForm(FlaskForm):
    """A new personal API token: a name to recognise it by and how long it lasts (never: until revoked)."""

    name = StringField(_l("Name (what script or computer uses it)"), validators=[DataRequired(), Length(max=100)])
    expires = SelectField(_l("Expires"), default="90", choices=[
        SelectChoice("30", _l("in 30 days")), SelectChoice("90", _l("in 90 days")),
        SelectChoice("365", _l("in one year")), SelectChoice("", _l("never (until revoked)"))])
