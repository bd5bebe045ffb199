"""Sign-in, sign-out and the one access rule every admin view inherits."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_admin import AdminIndexView, BaseView
from flask_admin.contrib.sqla import ModelView
from flask_babel import gettext as _
from flask_limiter import Limiter, RateLimitExceeded
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user

from admin.forms import LoginForm, SecureForm
from mdm import users
from mdm.extensions import db
from mdm.models import User, utcnow

login_manager = LoginManager()
login_manager.login_view = "auth.login"
# A fresh session per sign-in: Flask-Login drops a session whose IP or agent changed.
login_manager.session_protection = "strong"

blueprint = Blueprint("auth", __name__, url_prefix="/admin/auth")

# Failed sign-ins are counted per username and client address: a guesser is slowed down
# without locking the real user out from elsewhere. Storage is in memory by default (one
# process); set MDM_RATELIMIT_STORAGE_URI=redis://... so several workers share the count.
FAILED_SIGN_IN_LIMIT = "5 per minute"
limiter = Limiter(key_func=lambda: request.remote_addr or "", default_limits=[])


def sign_in_attempt_key() -> str:
    """Return the key failed sign-ins are counted under: the username (casefolded) and IP."""
    username = (request.form.get("username") or "").strip().casefold()
    return f"{username}|{request.remote_addr or ''}"


def is_failed_sign_in(response) -> bool:
    """Return whether a login POST failed: a success redirects, a failure shows the form."""
    return request.method == "POST" and response.status_code != 302


class SignedInUser(UserMixin):
    """The signed-in person as Flask-Login sees them; the model stays free of Flask-Login."""

    def __init__(self, user: User):
        # Only active users are ever loaded (see users.load_user_by_session_token).
        self.username, self.role = user.username, user.role
        self._session_token = user.session_token

    def get_id(self) -> str:
        # Flask-Login's alternative id: the session stores the token, not the user id, so a
        # password change (a new token) signs every other session out.
        return self._session_token


@login_manager.user_loader
def load_user(session_token: str) -> SignedInUser | None:
    user = users.load_user_by_session_token(db.session, session_token)
    return SignedInUser(user) if user is not None else None


def is_safe_next(target: str | None) -> bool:
    """Return whether `target` is a path on this site (no scheme, no host, no `//`)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target


@blueprint.route("/login", methods=["GET", "POST"])
@limiter.limit(FAILED_SIGN_IN_LIMIT, key_func=sign_in_attempt_key, methods=["POST"],
               deduct_when=is_failed_sign_in)
def login():
    form = LoginForm()
    next_url = request.args.get("next")
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.username.data, form.password.data,
                                  now=utcnow())
        if user is not None:
            db.session.commit()
            session.clear()
            session.permanent = True  # expires after PERMANENT_SESSION_LIFETIME
            login_user(SignedInUser(user))
            return redirect(next_url if is_safe_next(next_url) else url_for("admin.index"))
        flash(_("Wrong username or password."), "error")
    return render_template("admin/login.html", form=form), 200


@blueprint.errorhandler(RateLimitExceeded)
def too_many_sign_ins(error: RateLimitExceeded):
    """Answer 429 with the sign-in form and a message saying when to try again."""
    flash(_("Too many failed sign-ins. Please wait a minute and try again."), "error")
    return render_template("admin/login.html", form=LoginForm()), 429, {"Retry-After": "60"}


@blueprint.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


class StewardAccess:
    """The access rule of every admin view: signed in, active, and at least `read_role`.

    Write handlers call `require_role` too, so a viewer's POST is refused with 403.
    """

    read_role = "viewer"

    def is_accessible(self) -> bool:
        return current_user.is_authenticated and users.has_role(current_user, self.read_role)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        abort(403)

    @staticmethod
    def user_has_role(role: str) -> bool:
        """Return whether the signed-in user holds `role` or a higher one (for templates)."""
        return current_user.is_authenticated and users.has_role(current_user, role)

    @staticmethod
    def require_role(role: str) -> None:
        """Abort with 403 unless the signed-in user holds `role` or a higher one."""
        if not users.has_role(current_user, role):
            abort(403)


class StewardView(StewardAccess, BaseView):
    """A custom admin page behind the access rule."""


class StewardIndexView(StewardAccess, AdminIndexView):
    """The admin's index page behind the access rule."""


class StewardModelView(StewardAccess, ModelView):
    """A table of the admin behind the access rule; read-only unless a subclass says so."""

    form_base_class = SecureForm
    write_role = "admin"
    can_create = can_edit = can_delete = False
    can_view_details = True
    page_size = 50

    def _handle_view(self, name, **kwargs):
        refused = super()._handle_view(name, **kwargs)
        if refused is None and request.method == "POST":
            self.require_role(self.write_role)
        return refused
