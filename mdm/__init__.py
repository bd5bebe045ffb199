"""mdm: master-data management for multichannel retail.

`create_app` is the only wiring: defaults → instance `config.py` → `MDM_*` environment →
overrides.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask

from mdm.config import check_settings, default_settings
from mdm.database import engine_options, prepare_engine
from mdm.extensions import db


def create_app(config: Mapping | None = None) -> Flask:
    """Build the Flask application: API, health and metrics endpoints, admin, CLI."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(default_settings(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("MDM")
    if config:
        app.config.from_mapping(config)
    app.config["DATABASE_URL"] = normalise_database_url(str(app.config["DATABASE_URL"]))
    check_settings(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    _init_database(app)
    _register_web(app)
    return app


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` URLs at psycopg 3, the driver we ship."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _init_database(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url)
    db.init_app(app)
    with app.app_context():
        prepare_engine(db.engine)


def _register_web(app: Flask) -> None:
    from mdm import api, health, metrics

    metrics.init_app(app)
    health.init_app(app)
    api.init_app(app)
    import admin  # the stewardship UI (and CSRF protection for everything but the API)

    admin.init_app(app)
