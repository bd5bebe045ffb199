"""Re-matching through the API: report (dry run) or apply what the current model changes."""

from __future__ import annotations

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from mdm import rematch
from mdm.api.golden import actor
from mdm.extensions import db
from mdm.models import utcnow

blp = Blueprint("matching", __name__, description="Re-matching the stored records (admin).")


class RematchArgs(Schema):
    entity_type = fields.String(required=True, validate=validate.OneOf(["customer", "product"]))
    dry_run = fields.Boolean(load_default=True, metadata={
        "description": "Report what would change and write nothing (the default)."})
    model_version = fields.String(load_default=None, validate=validate.Length(min=1, max=64),
                                  metadata={"description": "A stored model version; "
                                                           "default: the active one."})


class RematchReportSchema(Schema):
    entity_type = fields.String()
    model_version = fields.String()
    records = fields.Integer()
    merges = fields.List(fields.List(fields.String()), metadata={
        "description": "Groups of golden ids that merge into one."})
    splits = fields.List(fields.String(), metadata={"description": "Golden ids that split."})
    review_tasks = fields.List(fields.List(fields.String()), metadata={
        "description": "Source record id pairs that get a new review task."})
    applied = fields.Boolean()


@blp.post("/rematch")
@blp.arguments(RematchArgs)
@blp.response(200, RematchReportSchema)
def rematch_records(args):
    """Re-match every stored record of a type; with dry_run false the changes are made."""
    who = actor()  # admin scope only
    if args["dry_run"]:
        report = rematch.rematch_report(db.session, args["entity_type"],
                                        model_version=args["model_version"])
        db.session.rollback()
        return report
    report = rematch.apply_rematch(db.session, args["entity_type"], actor=who, now=utcnow(),
                                   model_version=args["model_version"])
    db.session.commit()
    return report
