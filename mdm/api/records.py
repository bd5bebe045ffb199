"""Channels push source records: POST /api/v1/sources/{source}/{entity_type}."""

from __future__ import annotations

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from mdm import ingest, metrics
from mdm.api.auth import current_principal
from mdm.errors import (
    BadRequestError,
    MdmError,
    PayloadTooLargeError,
    UnsupportedMediaTypeError,
)
from mdm.extensions import db
from mdm.keys import require_scope
from mdm.models import utcnow
from mdm.records import schema_for
from mdm.sources import pushing_source

blp = Blueprint("records", __name__, description="Push source records from channel systems.")


class RecordOutcomeSchema(Schema):
    index = fields.Integer()
    source_key = fields.String()
    outcome = fields.String(metadata={"enum": list(ingest.OUTCOMES)})
    version = fields.Integer()
    golden_id = fields.String()
    errors = fields.Dict()


class IngestSummarySchema(Schema):
    received = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    rejected = fields.Integer()
    results = fields.List(fields.Nested(RecordOutcomeSchema))


class RecordRejectedError(MdmError):
    status = 422
    title = "Record rejected"


@blp.post("/sources/<string:source>/<string:entity_type>")
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {
    "oneOf": [{"type": "object"}, {"type": "array", "items": {"type": "object"}}]}}}})
@blp.response(200, IngestSummarySchema)
def push_records(source: str, entity_type: str):
    """Store one record or a batch (a JSON array) and answer per record."""
    principal = current_principal("push")
    source_row = pushing_source(db.session, source)
    require_scope(principal, "push", source)
    schema_for(entity_type)
    body, single = _read_body()
    summary = ingest.ingest_records(db.session, source_row, entity_type, body, now=utcnow())
    db.session.commit()
    metrics.count_ingested(source, entity_type, summary.counts)
    if single and summary.rejected:
        raise RecordRejectedError("the record failed validation",
                                  errors=summary.rejected[0].errors)
    return {"received": len(summary.outcomes), **summary.counts,
            "results": [outcome.to_dict() for outcome in summary.outcomes]}


def _read_body() -> tuple[list, bool]:
    if not request.is_json:
        raise UnsupportedMediaTypeError("send the records as application/json")
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        raise BadRequestError("the JSON is nested too deeply") from None
    if body is None:
        raise BadRequestError("the body is not valid JSON")
    if isinstance(body, dict):
        return [body], True
    if not isinstance(body, list):
        raise BadRequestError("send one record (a JSON object) or a batch (a JSON array)")
    limit = current_app.config["MAX_BATCH_RECORDS"]
    if len(body) > limit:
        raise PayloadTooLargeError(f"a batch holds at most {limit} records; got {len(body)}")
    return body, False
