"""`mdm train` and `mdm rematch`: versioned match models and re-matching the stored records."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from mdm import rematch, training
from mdm.errors import MdmError
from mdm.extensions import db
from mdm.models import utcnow

ENTITY_TYPE = click.Choice(["customer", "product"])


@click.command("train")
@click.option("--type", "entity_type", type=ENTITY_TYPE, required=True)
@click.option("--activate", is_flag=True, help="Match with the new version from now on.")
@click.option("--seed", default=0, show_default=True, help="Seed of the random pairs.")
@with_appcontext
def train_command(entity_type: str, activate: bool, seed: int) -> None:
    """Re-estimate the match model on the stored records and steward decisions."""
    try:
        report = training.train_model(db.session, entity_type, actor="cli", activate=activate,
                                      now=utcnow(), seed=seed)
    except MdmError as error:
        click.echo(f"error: {error.detail}", err=True)
        sys.exit(1)
    db.session.commit()
    _print_training(report)
    if activate and not report.active:
        sys.exit(1)


def _print_training(report: training.TrainingReport) -> None:
    state = "active" if report.active else "stored inactive"
    click.echo(f"{report.version} ({state}), trained on {report.records} records, "
               f"{report.candidate_pairs} candidate pairs, {report.labelled_matches} steward "
               f"merges, {report.labelled_non_matches} not-a-match pairs; EM "
               f"{'converged' if report.converged else 'stopped'} after {report.iterations} "
               f"iterations")
    old_prior, new_prior = report.prior_weight
    click.echo(f"weights (bits), {report.previous_version} → {report.version}:")
    click.echo(f"  prior: {old_prior:+.2f} → {new_prior:+.2f}")
    for change in report.changes:
        click.echo(f"  {change.field}.{change.level}: {change.old:+.2f} → {change.new:+.2f}")
    for outcome, before, after in report.outcomes:
        click.echo(f"{outcome} candidate pairs: {before} → {after}")
    for note in report.repaired:
        click.echo(f"repaired: {note}")
    for problem in report.problems:
        click.echo(f"problem: {problem}")


@click.command("rematch")
@click.option("--type", "entity_type", type=ENTITY_TYPE, default="customer", show_default=True)
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--model-version", default=None, help="A stored model version (default: active).")
@with_appcontext
def rematch_command(entity_type: str, dry_run: bool, model_version: str | None) -> None:
    """Re-match the stored records: merge and split golden records, open review tasks."""
    try:
        if dry_run:
            report = rematch.rematch_report(db.session, entity_type, model_version=model_version)
        else:
            report = rematch.apply_rematch(db.session, entity_type, actor="cli", now=utcnow(),
                                           model_version=model_version)
    except MdmError as error:
        click.echo(f"error: {error.detail}", err=True)
        sys.exit(1)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "re-matched" if report.applied else "re-matched (dry run)"
    click.echo(f"{report.records} {entity_type} records {verb} with {report.model_version}: "
               f"{len(report.merges)} merges, {len(report.splits)} splits, "
               f"{len(report.review_tasks)} review tasks")
    for group in report.merges:
        click.echo(f"merge {' + '.join(group)}")
    for golden_id in report.splits:
        click.echo(f"split {golden_id}")
    for left, right in report.review_tasks:
        click.echo(f"review {left} ~ {right}")
