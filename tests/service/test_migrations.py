"""Migrations upgrade an empty database, downgrade it, and never drift from the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from mdm.database import downgrade, head_revision, prepare_engine, upgrade
from mdm.models import Base


def test_an_empty_database_upgrades_to_head_and_downgrades_to_empty(scratch_database_url):
    upgrade(scratch_database_url)
    engine = create_engine(scratch_database_url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
        downgrade(scratch_database_url, "base")
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        upgrade(scratch_database_url)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_models_and_the_migrations_do_not_drift(scratch_database_url):
    upgrade(scratch_database_url)
    engine = create_engine(scratch_database_url)
    prepare_engine(engine)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_there_is_a_single_head():
    assert head_revision()
