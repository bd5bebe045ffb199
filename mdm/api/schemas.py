"""Request and response schemas of the golden-record, review-task and decision endpoints."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from mdm.stewardship import REVIEW_DECISIONS

REASON = fields.String(load_default="", validate=validate.Length(max=2000))


class GoldenRecordSchema(Schema):
    golden_id = fields.String()
    entity_type = fields.String()
    version = fields.Integer()
    status = fields.String(metadata={"enum": ["active", "merged", "erased"]})
    merged_into = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()
    attributes = fields.Dict()
    lineage = fields.Dict(metadata={"description": "Per attribute: source, record_id, rule, "
                                                   "as_of (a list for aggregated attributes)."})
    member_ids = fields.List(fields.String())
    pins = fields.List(fields.Dict())
    absorbed_ids = fields.List(fields.String())


class GoldenVersionSchema(Schema):
    golden_id = fields.String()
    version = fields.Integer()
    status = fields.String()
    attributes = fields.Dict()
    lineage = fields.Dict()
    member_ids = fields.List(fields.String())
    recorded_at = fields.String()
    cause = fields.String()


class GoldenReadArgs(Schema):
    as_of = fields.AwareDateTime(metadata={"description": "Read the version in force then."})


class DiffArgs(Schema):
    from_version = fields.Integer(required=True, data_key="from")
    to_version = fields.Integer(required=True, data_key="to")


class DiffSchema(Schema):
    golden_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    changes = fields.List(fields.Dict())
    members_added = fields.List(fields.String())
    members_removed = fields.List(fields.String())


class MergeArgs(Schema):
    other_id = fields.UUID(required=True)
    other_version = fields.Integer(required=True, metadata={
        "description": "The version of the other golden record the steward saw."})
    reason = REASON


class MergeResultSchema(Schema):
    survivor_id = fields.String()
    absorbed_id = fields.String()
    version = fields.Integer()


class UnmergeArgs(Schema):
    record_ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1))
    reason = REASON


class UnmergeResultSchema(Schema):
    golden_id = fields.String()
    split_off = fields.List(fields.String())


class PinArgs(Schema):
    value = fields.Raw(required=True, allow_none=False)
    reason = REASON


class EraseArgs(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class ErasedSchema(Schema):
    golden_id = fields.String()
    status = fields.String()


class ReviewTaskArgs(Schema):
    entity_type = fields.String(validate=validate.OneOf(["customer", "product"]))
    status = fields.String(load_default="open", validate=validate.OneOf(
        ["open", "merged", "not_a_match", "skipped", "obsolete"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class ReviewTaskSchema(Schema):
    id = fields.String()
    entity_type = fields.String()
    left_record_id = fields.String()
    right_record_id = fields.String()
    match_weight = fields.Float()
    match_probability = fields.Float()
    priority = fields.Float()
    explanation = fields.Dict()
    status = fields.String()
    created_at = fields.DateTime()
    decided_at = fields.DateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    comment = fields.String()


class DecisionArgs(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(list(REVIEW_DECISIONS)))
    comment = REASON


class NotAMatchArgs(Schema):
    left_record_id = fields.UUID(required=True)
    right_record_id = fields.UUID(required=True)
    reason = REASON


class GoldenNotAMatchArgs(Schema):
    other_id = fields.UUID(required=True)
    reason = REASON


class GoldenNotAMatchResultSchema(Schema):
    golden_ids = fields.List(fields.String())
    pairs_added = fields.Integer(metadata={
        "description": "Record pairs stored now (pairs decided before are not counted)."})


class ReadmitArgs(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))


class NotAMatchResultSchema(Schema):
    split_off = fields.List(fields.String())


class DecisionListArgs(Schema):
    kind = fields.String(validate=validate.OneOf(
        ["auto_link", "steward_merge", "not_a_match", "unmerge"]))
    entity_type = fields.String(validate=validate.OneOf(["customer", "product"]))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))


class DecisionSchema(Schema):
    id = fields.String()
    entity_type = fields.String()
    kind = fields.String()
    left_record_id = fields.String(allow_none=True)
    right_record_id = fields.String(allow_none=True)
    left_golden_id = fields.String(allow_none=True)
    right_golden_id = fields.String(allow_none=True)
    match_weight = fields.Float(allow_none=True)
    match_probability = fields.Float(allow_none=True)
    explanation = fields.Dict()
    actor = fields.String()
    reason = fields.String()
    created_at = fields.DateTime()
