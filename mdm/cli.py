"""The `mdm` command line: each command parses, calls one service, prints a summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from werkzeug.serving import run_simple

from mdm import create_app, database, exports, keys, sources
from mdm.bulk_ingest import ingest_files
from mdm.errors import MdmError
from mdm.extensions import db


def main() -> None:
    cli(prog_name="mdm")


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False,
             load_dotenv=False)
def cli() -> None:
    """mdm: master data for multichannel retail."""


def fail(message: str, code: int = 2):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def require_schema() -> None:
    with db.engine.connect() as connection:
        if database.current_revision(connection) != database.head_revision():
            fail("the database schema is missing or old: run `mdm init` first")


@cli.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema (Alembic upgrade head)."""
    database.upgrade(current_app.config["DATABASE_URL"])
    click.echo(f"database at revision {database.head_revision()}")


@cli.group("sources")
def sources_group() -> None:
    """Channel systems that push records."""


@sources_group.command("add")
@click.argument("name")
@click.option("--trust", default="{}", help='Trust ranks as JSON, e.g. \'{"*": 5, "phone": 8}\'.')
@click.option("--description", default="")
@with_appcontext
def add_source_command(name: str, trust: str, description: str) -> None:
    """Register a source called NAME."""
    require_schema()
    try:
        sources.add_source(db.session, name, _parse_trust(trust), description)
    except MdmError as error:
        fail(error.detail)
    db.session.commit()
    click.echo(f"source {name} added")


def _parse_trust(text: str) -> dict:
    try:
        trust = json.loads(text)
    except json.JSONDecodeError:
        fail("--trust must be a JSON object of attribute → rank")
    if not isinstance(trust, dict) or not all(isinstance(v, int) for v in trust.values()):
        fail("--trust must be a JSON object of attribute → whole-number rank")
    return trust


@sources_group.command("list")
@with_appcontext
def list_sources_command() -> None:
    """List the registered sources."""
    require_schema()
    for source in sources.list_sources(db.session):
        click.echo(f"{source.name}\ttrust={json.dumps(source.trust)}")


@cli.group("keys")
def keys_group() -> None:
    """API keys (shown once, stored hashed)."""


@keys_group.command("create")
@click.option("--scope", type=click.Choice(["push", "read", "inventory", "admin"]), required=True)
@click.option("--source", "source_name", help="The source a push key writes as.")
@click.option("--label", default="")
@with_appcontext
def create_key_command(scope: str, source_name: str | None, label: str) -> None:
    """Create an API key and print it once."""
    require_schema()
    try:
        text = keys.create_key(db.session, scope, source_name, label)
    except MdmError as error:
        fail(error.detail)
    db.session.commit()
    click.echo(text)


@keys_group.command("revoke")
@click.argument("prefix")
@with_appcontext
def revoke_key_command(prefix: str) -> None:
    """Revoke the key with public PREFIX (the part after `mdm_`)."""
    require_schema()
    try:
        keys.revoke_key(db.session, prefix)
    except MdmError as error:
        fail(error.detail)
    db.session.commit()
    click.echo(f"key {prefix} revoked")


@cli.command("ingest")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", "source_name", help="Source of every record (else each line's).")
@click.option("--type", "entity_type", help="Entity type of every record (else each line's).")
@with_appcontext
def ingest_command(paths: tuple[Path, ...], source_name: str | None,
                   entity_type: str | None) -> None:
    """Load JSON Lines or CSV files, match them and update golden records."""
    require_schema()
    from mdm.progress import progress_bar

    try:
        with progress_bar(paths) as on_progress:
            summary = ingest_files(db.session, paths, source_name=source_name,
                                   entity_type=entity_type, on_progress=on_progress,
                                   chunk_size=current_app.config["INGEST_CHUNK_SIZE"])
    except (MdmError, ValueError) as error:
        fail(getattr(error, "detail", str(error)))
    _print_ingest_summary(summary)
    sys.exit(1 if summary.counts["rejected"] else 0)


def _print_ingest_summary(summary) -> None:
    counts = summary.counts
    click.echo(f"received {summary.received}: created {counts['created']}, updated "
               f"{counts['updated']}, unchanged {counts['unchanged']}, "
               f"rejected {counts['rejected']}")
    for rejection in summary.rejections[:50]:
        key = f" [{rejection.source_key}]" if rejection.source_key else ""
        click.echo(f"  {rejection.path}:{rejection.line}{key}: {rejection.reasons}", err=True)
    if len(summary.rejections) > 50:
        click.echo(f"  ... and {len(summary.rejections) - 50} more rejected", err=True)


@cli.group("export")
def export_group() -> None:
    """Export the cross-reference or golden records."""


@export_group.command("xref")
@click.option("--type", "entity_type")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-")
@with_appcontext
def export_xref_command(entity_type: str | None, out) -> None:
    """CSV `entity_type,source,source_key,golden_id`, one row per source record."""
    require_schema()
    exports.write_xref(db.session, out, entity_type)


@export_group.command("golden")
@click.option("--type", "entity_type", required=True)
@click.option("--format", "file_format", type=click.Choice(["jsonl", "csv"]), default="jsonl")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-")
@with_appcontext
def export_golden_command(entity_type: str, file_format: str, out) -> None:
    """Active golden records of one type as JSON Lines or CSV."""
    require_schema()
    exports.write_golden(db.session, out, entity_type, file_format)


@cli.command("worker")
@click.option("--once", is_flag=True, help="Run one round and exit.")
@click.option("--interval", default=1.0, help="Seconds between rounds.")
@with_appcontext
def worker_command(once: bool, interval: float) -> None:
    """Background work: sequence the change feed (and later jobs) in a loop."""
    require_schema()
    from mdm import worker

    worker.run(db.session, once=once, interval=interval)


@cli.command("demo")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000)
@click.option("--no-serve", is_flag=True, help="Load the demo data and exit.")
@click.option("--seed", default=7)
@with_appcontext
def demo_command(host: str, port: int, no_serve: bool, seed: int) -> None:
    """Create the database, load multichannel demo data, match it and serve on localhost."""
    from mdm import demo

    report = demo.load(current_app, seed=seed)
    demo.print_report(report, host, port, echo=click.echo)
    if not no_serve:
        # Flask ignores app.run() inside its own CLI; serve with Werkzeug directly.
        run_simple(host, port, current_app._get_current_object(), threaded=True)


from mdm.match_cli import rematch_command, train_command  # noqa: E402
from mdm.users_cli import users_group  # noqa: E402  (defined apart to keep this module short)

cli.add_command(users_group)
cli.add_command(rematch_command)
cli.add_command(train_command)
