"""Golden records: read (with lineage, history, time travel, diff) and steward operations.

Reads need the `read` scope, operations `admin`. Every write needs `If-Match` with the
version (the ETag): 428 without it, 412 when it is stale, so no update is ever lost.
"""

from __future__ import annotations

import uuid

from flask import Response, json, request, url_for
from flask_smorest import Blueprint

from mdm import stewardship
from mdm.api import schemas
from mdm.api.auth import current_principal
from mdm.errors import PreconditionRequiredError, StaleVersionError
from mdm.extensions import db
from mdm.models import utcnow
from mdm.store.golden_reads import check_not_erased, golden_id_for_source_key, golden_or_404

blp = Blueprint("golden", __name__, description="Golden records and steward operations.")


def actor() -> str:
    """Return the audit name of the calling API key."""
    return f"api-key:{current_principal('admin').key_id}"


def expected_version() -> int | None:
    """Return the version named by `If-Match`; 428 without the header, 412 when unreadable."""
    if "If-Match" not in request.headers:
        raise PreconditionRequiredError("send If-Match with the version (the ETag) you read")
    if request.if_match.star_tag:
        return None
    tags = request.if_match.as_set()
    if len(tags) != 1 or not next(iter(tags)).isdigit():
        raise StaleVersionError("If-Match must be one version as read from the ETag")
    return int(next(iter(tags)))


def golden_response(golden_id: uuid.UUID | str, status: int = 200):
    """Return the golden record's JSON with its version as a strong ETag."""
    record = golden_or_404(db.session, golden_id)
    return record.to_dict(), status, {"ETag": f'"{record.version}"'}


def redirect_to_survivor(golden_id: str, **query: str) -> Response:
    """Return 308 to the survivor of a merged-away id, with `merged_into` in the body."""
    survivor = str(stewardship.resolve_golden_id(db.session, golden_id))
    location = url_for("golden.read_golden", golden_id=survivor, **query)
    body = {"golden_id": golden_id, "status": "merged", "merged_into": survivor}
    return Response(json.dumps(body), status=308, mimetype="application/json",
                    headers={"Location": location})


@blp.get("/golden/<string:golden_id>")
@blp.arguments(schemas.GoldenReadArgs, location="query")
@blp.response(200, schemas.GoldenRecordSchema)
@blp.alt_response(308, description="Merged away: `merged_into` names the survivor.")
@blp.alt_response(410, description="Erased: the problem's `tombstone` holds ids and time.")
def read_golden(args, golden_id: str):
    """Read a golden record with lineage; `as_of` reads the version in force at that time."""
    current_principal("read")
    record = golden_or_404(db.session, golden_id)
    check_not_erased(db.session, record)
    if record.status == "merged":
        query = {"as_of": request.args["as_of"]} if "as_of" in args else {}
        return redirect_to_survivor(record.golden_id, **query)
    if "as_of" in args:
        return stewardship.golden_as_of(db.session, golden_id, args["as_of"])
    return golden_response(record.golden_id)


@blp.get("/golden/<string:golden_id>/history")
@blp.response(200, schemas.GoldenVersionSchema(many=True))
def read_history(golden_id: str):
    """Every version of a golden record, oldest first."""
    current_principal("read")
    return stewardship.golden_history(db.session, golden_id)


@blp.get("/golden/<string:golden_id>/diff")
@blp.arguments(schemas.DiffArgs, location="query")
@blp.response(200, schemas.DiffSchema)
def read_diff(args, golden_id: str):
    """What changed between two versions (`from`, `to`)."""
    current_principal("read")
    return stewardship.golden_diff(db.session, golden_id, args["from_version"],
                                   args["to_version"])


@blp.get("/sources/<string:source>/<string:entity_type>/<string:source_key>/golden")
@blp.response(200, schemas.GoldenRecordSchema)
def read_golden_by_source_key(source: str, entity_type: str, source_key: str):
    """The golden record a source record belongs to, found by its source key."""
    current_principal("read")
    return golden_response(golden_id_for_source_key(db.session, source, entity_type,
                                                    source_key))


@blp.post("/golden/<string:golden_id>/merge")
@blp.arguments(schemas.MergeArgs)
@blp.response(200, schemas.MergeResultSchema)
def merge(args, golden_id: str):
    """Merge another golden record with this one (If-Match: this version; body: the other's)."""
    who, version = actor(), expected_version()
    versions = {golden_id: version, args["other_id"]: args["other_version"]}
    survivor = stewardship.merge_golden(db.session, golden_id, args["other_id"], actor=who,
                                        reason=args["reason"], now=utcnow(),
                                        expected_versions={k: v for k, v in versions.items()
                                                           if v is not None})
    db.session.commit()
    absorbed = args["other_id"] if str(survivor) == golden_id else golden_id
    body = {"survivor_id": str(survivor), "absorbed_id": str(absorbed),
            "version": golden_or_404(db.session, survivor).version}
    return body, 200, {"ETag": f'"{body["version"]}"'}


@blp.post("/golden/<string:golden_id>/not-a-match")
@blp.arguments(schemas.GoldenNotAMatchArgs)
@blp.response(201, schemas.GoldenNotAMatchResultSchema)
def not_a_match(args, golden_id: str):
    """This golden record and another never belong together: every cross pair of records."""
    added = stewardship.mark_golden_not_a_match(db.session, golden_id, args["other_id"],
                                                actor=actor(), reason=args["reason"],
                                                now=utcnow())
    db.session.commit()
    return {"golden_ids": [golden_id, str(args["other_id"])], "pairs_added": added}


@blp.post("/golden/<string:golden_id>/unmerge")
@blp.arguments(schemas.UnmergeArgs)
@blp.response(200, schemas.UnmergeResultSchema)
def unmerge(args, golden_id: str):
    """Split source records out of this golden record; answers the split-off golden ids."""
    who, version = actor(), expected_version()
    split = stewardship.unmerge_records(db.session, golden_id, args["record_ids"], actor=who,
                                        reason=args["reason"], expected_version=version,
                                        now=utcnow())
    db.session.commit()
    return {"golden_id": golden_id, "split_off": [str(g) for g in split]}


@blp.put("/golden/<string:golden_id>/pins/<string:attribute>")
@blp.arguments(schemas.PinArgs)
@blp.response(200, schemas.GoldenRecordSchema)
def pin(args, golden_id: str, attribute: str):
    """Pin a value on an attribute: it wins over every rule until unpinned."""
    who, version = actor(), expected_version()
    stewardship.pin_attribute(db.session, golden_id, attribute, args["value"], actor=who,
                              reason=args["reason"], expected_version=version, now=utcnow())
    db.session.commit()
    return golden_response(golden_id)


@blp.delete("/golden/<string:golden_id>/pins/<string:attribute>")
@blp.response(200, schemas.GoldenRecordSchema)
def unpin(golden_id: str, attribute: str):
    """Remove the pin on an attribute; the survivorship rules decide it again."""
    who, version = actor(), expected_version()
    stewardship.unpin_attribute(db.session, golden_id, attribute, actor=who,
                                expected_version=version, now=utcnow())
    db.session.commit()
    return golden_response(golden_id)


@blp.post("/golden/<string:golden_id>/erase")
@blp.arguments(schemas.EraseArgs)
@blp.response(200, schemas.ErasedSchema)
def erase(args, golden_id: str):
    """Erase a customer and all its source records (GDPR); leaves a tombstone of ids."""
    who, version = actor(), expected_version()
    stewardship.erase_golden(db.session, golden_id, actor=who, reason=args["reason"],
                             expected_version=version, now=utcnow())
    db.session.commit()
    return {"golden_id": golden_id, "status": "erased"}


@blp.post("/sources/<string:source>/<string:entity_type>/<string:source_key>/readmit")
@blp.arguments(schemas.ReadmitArgs)
@blp.response(204)
def readmit(args, source: str, entity_type: str, source_key: str):
    """Accept pushes of an erased source key again (404 when it is not refused)."""
    stewardship.readmit_source_key(db.session, source, entity_type, source_key, actor=actor(),
                                   reason=args["reason"], now=utcnow())
    db.session.commit()
