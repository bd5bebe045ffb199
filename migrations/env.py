"""Alembic environment: mdm's metadata, URL from the caller's configuration."""

from alembic import context
from sqlalchemy import engine_from_config, pool

from mdm.database import prepare_engine
from mdm.models import Base
from mdm.models.base import UTCDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Render our column types as plain SQLAlchemy ones: scripts import nothing of ours."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


# Batch mode lets SQLite alter tables; both modes render our types as plain SQLAlchemy ones.
COMMON_OPTIONS = {"target_metadata": target_metadata, "render_as_batch": True,
                  "compare_type": True, "render_item": render_item}


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      **COMMON_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    prepare_engine(engine)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, **COMMON_OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
