"""Engine settings per dialect, and schema migration through Alembic."""

from __future__ import annotations

from pathlib import Path

import msgspec
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, event

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


_json_encoder = msgspec.json.Encoder()


def encode_json(value) -> str:
    """Returns the JSON text of a JSON column's value, as msgspec writes it.

    A third of the time of `json.dumps` (which wrote every payload, golden record and history
    row of a bulk load); the same values come back, and text stays UTF-8, not `\\u` escapes.
    """
    return _json_encoder.encode(value).decode()


def engine_options(url: str) -> dict:
    """Engine keyword arguments for `url`: parameters stay out of logs and errors."""
    options: dict = {"hide_parameters": True, "json_serializer": encode_json}
    if url.startswith("sqlite"):
        options["connect_args"] = {"timeout": 30, "check_same_thread": False}
    else:
        options["pool_pre_ping"] = True
    return options


def prepare_engine(engine: Engine) -> None:
    """Give SQLite WAL, foreign keys and real transactions (SQLAlchemy's pysqlite recipe)."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # pysqlite's own BEGIN handling breaks SAVEPOINT; we emit BEGIN ourselves.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # IMMEDIATE takes the write lock up front: no SQLITE_BUSY on a read→write upgrade.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(url: str) -> Config:
    """An Alembic configuration for `url` pointing at our `migrations/` folder."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
