"""Fixtures: an app on a throwaway database (SQLite, or PostgreSQL via MDM_TEST_DATABASE_URL)."""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from mdm import create_app, normalise_database_url, sources
from mdm.database import upgrade
from mdm.extensions import db
from mdm.models import Base


def pytest_configure(config):
    from hypothesis import settings

    settings.register_profile("ci", max_examples=200, deadline=None)
    settings.register_profile("dev", max_examples=50, deadline=None)
    default_profile = "ci" if os.environ.get("CI") else "dev"
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", default_profile))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("MDM_TEST_DATABASE_URL")
    url = normalise_database_url(url) if url else (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'mdm-test.sqlite'}")
    upgrade(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"DATABASE_URL": database_url, "TESTING": True,
                      "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True})
    app.instance_path = str(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        clean_tables(db.engine)
        sources.forget_trust()  # the rows it cached are gone, behind every session's back
        db.engine.dispose()


def clean_tables(engine) -> None:
    """Empty every table, children first; the schema stays at head."""
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: dt.datetime | None = None):
        self.now = start or dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def scratch_database_url(database_url):
    """An empty database of the same dialect, for migration tests; dropped afterwards."""
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///") + f".{uuid.uuid4().hex}.scratch"
        yield f"sqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return
    base, _, _name = database_url.rpartition("/")
    name = f"mdm_scratch_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{base}/{name}"
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
