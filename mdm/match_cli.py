"""`mdm rematch`: re-match the stored records with the current model and report the changes."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from mdm import rematch
from mdm.extensions import db


@click.command("rematch")
@click.option("--type", "entity_type", type=click.Choice(["customer", "product"]),
              default="customer", show_default=True)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@with_appcontext
def rematch_command(entity_type: str, dry_run: bool) -> None:
    """Report golden records that would merge or split and review tasks that would appear."""
    if not dry_run:
        click.echo("error: only --dry-run is available so far", err=True)
        sys.exit(2)
    report = rematch.rematch_report(db.session, entity_type)
    db.session.rollback()
    click.echo(f"{report.records} {entity_type} records re-matched: "
               f"{len(report.merges)} merges, {len(report.splits)} splits, "
               f"{len(report.review_tasks)} review tasks")
    for group in report.merges:
        click.echo(f"merge {' + '.join(group)}")
    for golden_id in report.splits:
        click.echo(f"split {golden_id}")
