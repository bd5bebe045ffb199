"""Forms of the admin: every one carries the CSRF token that `CSRFProtect` checks."""

from __future__ import annotations

from flask_admin.form import SecureForm as FlaskAdminSecureForm
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms import PasswordField, StringField
from wtforms.csrf.core import CSRF
from wtforms.validators import DataRequired, ValidationError


class _CSRFProtectToken(CSRF):
    """The token of Flask-WTF's `CSRFProtect`, so one token passes both checks."""

    def generate_csrf_token(self, csrf_token_field) -> str:
        return generate_csrf()

    def validate_csrf_token(self, form, field) -> None:
        try:
            validate_csrf(field.data)
        except ValidationError as error:
            raise ValueError(error.args[0]) from error


class SecureForm(FlaskAdminSecureForm):
    """Flask-Admin's `SecureForm`, signing with the token `CSRFProtect` checks on every POST.

    Flask-Admin's own SessionCSRF token has another format, which `CSRFProtect` would refuse.
    """

    class Meta:
        csrf = True
        csrf_class = _CSRFProtectToken


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
