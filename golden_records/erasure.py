"""Erasure (GDPR art. 17): the tombstone, the event, what to scrub, and suppression.

After an erasure only ids and the time stay. The erased source keys are kept
as keyed hashes (HMAC-SHA256 with a secret salt from the settings), so a new
push of the same key can be refused without storing the key itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from typing import Any

from golden_records.events import GOLDEN_ERASED, event_for
from golden_records.history import GoldenVersion
from golden_records.merge import check_active, check_version
from golden_records.types import Event, GoldenRecord, GoldenState, InvalidOperationError

# Attributes that identify a person; a product carries none.
PII_FIELDS: Mapping[str, frozenset[str]] = {
    "customer": frozenset({"first_name", "last_name", "middle_name", "email", "phone",
                           "birth_date", "address", "loyalty_card", "national_id"}),
    "product": frozenset(),
}

# What the store must clear for the erased ids, besides the golden record itself.
SCRUB_TARGETS = (
    "source_record", "source_record_history", "golden_history", "match_view",
    "blocking_key", "match_explanation", "review_task", "idempotency_body",
)


@dataclass(frozen=True)
class SourceKey:
    """A source record's identity as its channel knows it."""

    source: str
    entity_type: str
    source_key: str


@dataclass(frozen=True)
class Tombstone:
    """What stays after an erasure: ids, time and reason, no personal data."""

    golden_id: str
    entity_type: str
    absorbed_ids: frozenset[str]
    record_ids: frozenset[str]
    erased_at: dt.datetime
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the tombstone."""
        return {"golden_id": self.golden_id, "entity_type": self.entity_type,
                "absorbed_ids": sorted(self.absorbed_ids), "record_ids": sorted(self.record_ids),
                "erased_at": self.erased_at.isoformat(), "reason": self.reason}


@dataclass(frozen=True)
class ScrubPlan:
    """Everything the store must clear: these ids in every one of `targets`.

    `golden_ids` include the merged records that redirect here: their pins
    hold steward-entered values too.
    """

    golden_ids: frozenset[str]
    record_ids: frozenset[str]
    source_keys: tuple[SourceKey, ...]
    pii_fields: frozenset[str]
    targets: tuple[str, ...] = SCRUB_TARGETS


@dataclass(frozen=True)
class ErasureResult:
    """The erased golden record, its tombstone, event, scrub plan and suppression hashes."""

    record: GoldenRecord
    tombstone: Tombstone
    event: Event
    scrub: ScrubPlan
    suppressions: frozenset[str]


def suppression_key(key: SourceKey, *, salt: bytes) -> str:
    """Return the keyed hash under which an erased source key is suppressed."""
    message = "\x1f".join((key.source, key.entity_type, key.source_key)).encode("utf-8")
    return hmac.new(salt, message, hashlib.sha256).hexdigest()


def is_refused(key: SourceKey, suppressed: Set[str], *, salt: bytes) -> bool:
    """Return whether a push of `key` must be refused: it was erased and not re-admitted."""
    return suppression_key(key, salt=salt) in suppressed


def readmit(key: SourceKey, suppressed: Set[str], *, salt: bytes) -> frozenset[str]:
    """Return the suppression hashes without `key`: a steward allowed it back."""
    return frozenset(suppressed) - {suppression_key(key, salt=salt)}


def redact(attributes: Mapping[str, Any], entity_type: str) -> dict[str, Any]:
    """Return `attributes` without the PII fields of `entity_type`."""
    pii = PII_FIELDS.get(entity_type, frozenset())
    return {name: value for name, value in attributes.items() if name not in pii}


def redact_version(version: GoldenVersion, entity_type: str) -> GoldenVersion:
    """Return the history entry without PII attributes or their lineage."""
    pii = PII_FIELDS.get(entity_type, frozenset())
    lineage = {name: entry for name, entry in version.lineage.items() if name not in pii}
    return replace(version, attributes=redact(version.attributes, entity_type), lineage=lineage)


def erase(state: GoldenState, *, now: dt.datetime, reason: str, salt: bytes,
          expected_version: int | None = None) -> ErasureResult:
    """Return the erasure of a customer golden record and all its members.

    The golden record keeps only its id, type and status "erased"; the event
    and the tombstone carry ids only. Raises InvalidOperationError for an
    entity type without personal data.
    """
    check_active(state)
    check_version(state, expected_version)
    record = state.record
    if not PII_FIELDS.get(record.entity_type):
        raise InvalidOperationError(f"a {record.entity_type} holds no personal data to erase")
    erased = replace(record, version=record.version + 1, updated_at=now, status="erased",
                     attributes={}, lineage={}, member_ids=frozenset(), pins=())
    keys = tuple(SourceKey(m.source, m.entity_type, m.source_key) for m in state.members)
    tombstone = Tombstone(record.golden_id, record.entity_type, record.absorbed_ids,
                          state.member_ids, now, reason)
    event = event_for(GOLDEN_ERASED, erased, record_ids=sorted(state.member_ids),
                      absorbed_ids=sorted(record.absorbed_ids))
    scrub = ScrubPlan(record.absorbed_ids | {record.golden_id}, state.member_ids, keys,
                      PII_FIELDS[record.entity_type])
    suppressions = frozenset(suppression_key(key, salt=salt) for key in keys)
    return ErasureResult(erased, tombstone, event, scrub, suppressions)
