"""The stewardship UI: Flask-Admin views over mdm's models and services, mounted at /admin."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, request, session
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import Babel, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFProtect

from admin import auth
from admin.dashboard import DashboardView
from admin.display import record_title
from admin.golden import GoldenRecordView
from admin.manage import ApiKeyView, AuditView, SourceView, UserView
from admin.records import SourceRecordView
from admin.review import ReviewQueueView
from mdm.extensions import db
from mdm.models import ApiKey, AuditEntry, Source, SourceRecord, User

LANGUAGES = ("en", "ru")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"
# Templates and static files of our own (Chart.js, shortcuts); nothing comes from a CDN.
assets = Blueprint("mdm_admin", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/admin/mdm-static")


def select_locale() -> str:
    """Return the interface language: the user's choice, else the browser's, else English."""
    chosen = request.args.get("lang")
    if chosen in LANGUAGES:
        session["lang"] = chosen
    return session.get("lang") or request.accept_languages.best_match(LANGUAGES) or "en"


def init_app(app: Flask) -> None:
    """Mount the admin at /admin with sign-in, CSRF protection and translations."""
    _protect_forms(app)
    Babel(app, locale_selector=select_locale, default_locale="en",
          default_translation_directories=str(TRANSLATIONS))
    app.add_template_filter(record_title)
    app.add_template_global(get_locale)
    auth.login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    auth.limiter.init_app(app)
    app.register_blueprint(auth.blueprint)
    app.register_blueprint(assets)
    admin = Admin(app, name="mdm", theme=Bootstrap4Theme(base_template="admin/mdm_base.html"),
                  index_view=DashboardView(name=_l("Dashboard"), url="/admin"))
    # Endpoints are blueprint names app-wide: the admin_ prefix keeps them apart from the API's.
    admin.add_view(ReviewQueueView(name=_l("Review queue"), endpoint="admin_review",
                                   url="/admin/review"))
    admin.add_view(GoldenRecordView(name=_l("Golden records"), endpoint="admin_golden",
                                    url="/admin/golden"))
    admin.add_view(SourceRecordView(SourceRecord, db, name=_l("Source records"),
                                    endpoint="admin_source_records", url="/admin/source_records"))
    admin.add_view(AuditView(AuditEntry, db, name=_l("Audit log"), endpoint="admin_audit",
                             url="/admin/audit"))
    for view, model, path, name in ((SourceView, Source, "sources", _l("Sources")),
                                    (ApiKeyView, ApiKey, "api_keys", _l("API keys")),
                                    (UserView, User, "users", _l("Users"))):
        admin.add_view(view(model, db, name=name, endpoint=f"admin_{path}", url=f"/admin/{path}",
                            category=_l("Settings")))


def _protect_forms(app: Flask) -> None:
    from mdm import api

    csrf = CSRFProtect(app)
    # The API authenticates with bearer keys, not cookies: cross-site requests cannot forge one.
    for blueprint in api.BLUEPRINTS:
        csrf.exempt(blueprint)
