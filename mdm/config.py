"""Settings: defaults, then the instance `config.py`, then `MDM_*` environment, then overrides."""

from __future__ import annotations

from pathlib import Path

from mdm.errors import ConfigurationError

DEMO_SECRET_KEY = "mdm-demo-secret-change-me"


def default_settings(instance_path: str) -> dict:
    """The settings that make the demo run with nothing configured."""
    database = Path(instance_path) / "mdm.sqlite"
    return {
        "ENV": "development",
        "SECRET_KEY": DEMO_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{database}",
        "DEFAULT_REGION": "RU",
        # A 10,000-record batch of rich records stays well under this.
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 1024 * 1024,
        "MAX_BATCH_RECORDS": 10_000,
        "INGEST_CHUNK_SIZE": 1_000,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "API_TITLE": "mdm",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # Interactive docs at /api/v1/docs, assets served by the app itself: no CDN offline.
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/docs/assets/",
    }


def check_settings(config: dict) -> None:
    """Refuse to start with settings that would be unsafe or cannot work."""
    problems = []
    if config.get("ENV") == "production":
        if config.get("SECRET_KEY") in (None, "", DEMO_SECRET_KEY):
            problems.append("MDM_SECRET_KEY must be set to a secret of your own in production")
        if str(config.get("DATABASE_URL", "")).startswith("sqlite") and not config.get(
            "ALLOW_SQLITE_IN_PRODUCTION"
        ):
            problems.append("production needs MDM_DATABASE_URL pointing at PostgreSQL")
    if not config.get("DATABASE_URL"):
        problems.append("MDM_DATABASE_URL is empty")
    if problems:
        raise ConfigurationError("; ".join(problems))
