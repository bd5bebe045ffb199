"""Event types the golden-record core emits, and how each is built.

Events carry ids and attribute names only, never values: consumers read the
golden record itself through the API, and an erasure then has no PII to chase
through the outbox, the feed or webhook payloads.
"""

from __future__ import annotations

from collections.abc import Iterable

from golden_records.types import Event, GoldenRecord

GOLDEN_CREATED = "golden.created"
GOLDEN_UPDATED = "golden.updated"
GOLDEN_MERGED = "golden.merged"
GOLDEN_UNMERGED = "golden.unmerged"
GOLDEN_ERASED = "golden.erased"

EVENT_TYPES = frozenset(
    {GOLDEN_CREATED, GOLDEN_UPDATED, GOLDEN_MERGED, GOLDEN_UNMERGED, GOLDEN_ERASED}
)


def event_for(event_type: str, record: GoldenRecord, **data: object) -> Event:
    """Return an event of `event_type` about `record` at its current version."""
    return Event(event_type, record.entity_type, record.golden_id, record.version, data)


def changed_attributes(old: GoldenRecord, new: GoldenRecord) -> list[str]:
    """Return the sorted names of attributes whose value or lineage differs."""
    names: Iterable[str] = set(old.attributes) | set(new.attributes)
    return sorted(
        name for name in names
        if old.attributes.get(name) != new.attributes.get(name)
        or old.lineage.get(name) != new.lineage.get(name)
    )
