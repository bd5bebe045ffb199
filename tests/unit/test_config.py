"""Settings: safe demo defaults, refusal to run production with them."""

from __future__ import annotations

import pytest

from mdm import create_app, normalise_database_url
from mdm.errors import ConfigurationError


def test_production_refuses_the_default_secret(tmp_path):
    with pytest.raises(ConfigurationError, match="MDM_SECRET_KEY"):
        create_app({"ENV": "production", "DATABASE_URL": "postgresql://db/mdm"})


def test_production_refuses_sqlite_unless_allowed(tmp_path):
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        create_app({"ENV": "production", "SECRET_KEY": "s3cr3t-of-our-own",
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite"})


def test_settings_come_from_mdm_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("MDM_DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    monkeypatch.setenv("MDM_MAX_BATCH_RECORDS", "500")
    app = create_app()
    assert app.config["DATABASE_URL"].endswith("env.sqlite")
    assert app.config["MAX_BATCH_RECORDS"] == 500


def test_plain_postgresql_urls_use_psycopg_3():
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x") == "sqlite:///x"
