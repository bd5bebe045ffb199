"""Data shapes of the golden-record core: members, pins, lineage, golden records, errors.

Ids are UUID text made by the caller, so the core needs no uuid type. Every
shape is a frozen dataclass; the ones the API or the store need as JSON have
`to_dict` / `from_dict`, with datetimes as ISO 8601 text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, NewType

from golden_records import GoldenRecordError

GoldenId = NewType("GoldenId", str)
RecordId = NewType("RecordId", str)
Status = Literal["active", "merged", "erased"]

# The record contract of DESIGN.md: what a golden record of each type may hold.
ENTITY_ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "customer": frozenset(
        {"first_name", "last_name", "middle_name", "email", "phone", "birth_date",
         "address", "loyalty_card", "national_id"}
    ),
    "product": frozenset(
        {"gtin", "brand", "title", "category", "attributes", "price", "currency"}
    ),
}


class StaleVersionError(GoldenRecordError):
    """The caller acted on a version of a golden record that is no longer current."""


class NotAMatchViolationError(GoldenRecordError):
    """An operation would put a not-a-match pair of records into one golden record."""

    def __init__(self, pairs: frozenset[tuple[str, str]]):
        self.pairs = pairs
        super().__init__(f"{len(pairs)} not-a-match pair(s) would share a golden record")


class GoldenRecordNotActiveError(GoldenRecordError):
    """The golden record was merged away or erased; only active ones can change."""


class EntityTypeMismatchError(GoldenRecordError):
    """Two golden records of different entity types cannot merge."""


class UnknownAttributeError(GoldenRecordError):
    """The attribute is not part of the entity type's record contract."""


class InvalidOperationError(GoldenRecordError):
    """The request is impossible on this state (e.g. unmerging every member)."""


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _parse(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


def check_attribute(entity_type: str, attribute: str) -> None:
    """Return None when `attribute` belongs to `entity_type`; raise UnknownAttributeError else."""
    if attribute not in ENTITY_ATTRIBUTES.get(entity_type, frozenset()):
        raise UnknownAttributeError(f"{entity_type} has no attribute {attribute!r}")


@dataclass(frozen=True)
class MemberRecord:
    """One source record as survivorship sees it.

    `attributes` hold the record contract fields in their standardised display
    form (E.164 phones, normalised e-mails), because survivorship compares values
    as they are. `as_of` is the record's `updated_at`, else its receive time;
    `validity` maps an attribute to whether its value passed validation
    (missing means valid).
    """

    record_id: str
    source: str
    source_key: str
    entity_type: str
    attributes: Mapping[str, Any]
    as_of: dt.datetime
    validity: Mapping[str, bool] = field(default_factory=dict)

    def is_valid(self, attribute: str) -> bool:
        """Return whether this record's value of `attribute` passed validation."""
        return self.validity.get(attribute, True)


@dataclass(frozen=True)
class Pin:
    """A steward's chosen value for an attribute; it wins over every rule until unpinned."""

    attribute: str
    value: Any
    pinned_by: str
    pinned_at: dt.datetime
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the pin."""
        return {"attribute": self.attribute, "value": self.value, "pinned_by": self.pinned_by,
                "pinned_at": _iso(self.pinned_at), "reason": self.reason}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Pin:
        """Return the pin whose JSON form is `data`."""
        return cls(data["attribute"], data["value"], data["pinned_by"],
                   _parse(data["pinned_at"]), data.get("reason", ""))


@dataclass(frozen=True)
class Lineage:
    """Where one value of a golden record came from.

    For a pin, `source` and `record_id` are None and `steward` names who pinned;
    for an aggregated attribute, `value_index` says which list element this
    entry supports (one entry per contributing record).
    """

    source: str | None
    record_id: str | None
    rule: str
    as_of: dt.datetime
    steward: str | None = None
    value_index: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the lineage entry, leaving out empty optional fields."""
        data = {"source": self.source, "record_id": self.record_id, "rule": self.rule,
                "as_of": _iso(self.as_of)}
        if self.steward is not None:
            data["steward"] = self.steward
        if self.value_index is not None:
            data["value_index"] = self.value_index
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lineage:
        """Return the lineage entry whose JSON form is `data`."""
        return cls(data["source"], data["record_id"], data["rule"], _parse(data["as_of"]),
                   data.get("steward"), data.get("value_index"))


# One entry for a single value, a tuple for an aggregated (list) attribute.
AttributeLineage = Lineage | tuple[Lineage, ...]


def lineage_to_json(entry: AttributeLineage) -> dict[str, Any] | list[dict[str, Any]]:
    """Return the JSON form of one attribute's lineage (a list for aggregates)."""
    if isinstance(entry, Lineage):
        return entry.to_dict()
    return [item.to_dict() for item in entry]


def lineage_from_json(data: Mapping[str, Any] | list) -> AttributeLineage:
    """Return one attribute's lineage from its JSON form."""
    if isinstance(data, list):
        return tuple(Lineage.from_dict(item) for item in data)
    return Lineage.from_dict(data)


@dataclass(frozen=True)
class GoldenRecord:
    """The golden record: attributes computed from members and pins, with lineage.

    `absorbed_ids` are all golden ids that resolve to this one (directly or via
    a chain); a merged record keeps its own pins and `absorbed_ids` so that an
    unmerge can bring it back exactly as it was.
    """

    golden_id: str
    entity_type: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    attributes: Mapping[str, Any]
    lineage: Mapping[str, AttributeLineage]
    member_ids: frozenset[str]
    pins: tuple[Pin, ...] = ()
    status: Status = "active"
    merged_into: str | None = None
    absorbed_ids: frozenset[str] = frozenset()

    @property
    def is_active(self) -> bool:
        """Return whether the record is live (neither merged away nor erased)."""
        return self.status == "active"

    def pin_for(self, attribute: str) -> Pin | None:
        """Return the pin on `attribute`, or None when it is not pinned."""
        return next((p for p in self.pins if p.attribute == attribute), None)

    def to_dict(self) -> dict[str, Any]:
        """Return the canonical JSON form used by the API and the store, lineage included."""
        return {
            "golden_id": self.golden_id, "entity_type": self.entity_type,
            "version": self.version, "status": self.status, "merged_into": self.merged_into,
            "created_at": _iso(self.created_at), "updated_at": _iso(self.updated_at),
            "attributes": dict(self.attributes),
            "lineage": {name: lineage_to_json(entry) for name, entry in self.lineage.items()},
            "member_ids": sorted(self.member_ids),
            "pins": [pin.to_dict() for pin in self.pins],
            "absorbed_ids": sorted(self.absorbed_ids),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GoldenRecord:
        """Return the golden record whose canonical JSON form is `data`."""
        return cls(
            golden_id=data["golden_id"], entity_type=data["entity_type"],
            version=data["version"], created_at=_parse(data["created_at"]),
            updated_at=_parse(data["updated_at"]), attributes=dict(data["attributes"]),
            lineage={k: lineage_from_json(v) for k, v in data["lineage"].items()},
            member_ids=frozenset(data["member_ids"]),
            pins=tuple(Pin.from_dict(p) for p in data.get("pins", ())),
            status=data.get("status", "active"), merged_into=data.get("merged_into"),
            absorbed_ids=frozenset(data.get("absorbed_ids", ())),
        )


@dataclass(frozen=True)
class GoldenState:
    """A golden record together with its member records: what every operation starts from."""

    record: GoldenRecord
    members: tuple[MemberRecord, ...] = ()

    def __post_init__(self) -> None:
        # A store that loaded the wrong members would silently rewrite the record.
        if self.member_ids != self.record.member_ids:
            raise GoldenRecordError(f"members do not match golden record {self.golden_id}")

    @property
    def golden_id(self) -> str:
        """Return the golden id of the record."""
        return self.record.golden_id

    @property
    def member_ids(self) -> frozenset[str]:
        """Return the record ids of the members."""
        return frozenset(m.record_id for m in self.members)


@dataclass(frozen=True)
class Event:
    """A change to publish through the outbox; `data` carries ids only, never PII."""

    type: str
    entity_type: str
    golden_id: str
    version: int
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the event (the outbox adds id and occurred_at)."""
        return {"type": self.type, "entity_type": self.entity_type,
                "golden_id": self.golden_id, "version": self.version, "data": dict(self.data)}


RecordPair = tuple[str, str]


@dataclass(frozen=True)
class Decision:
    """Who decided what, when and why: the audit row of a steward's operation."""

    kind: str
    actor: str
    reason: str
    decided_at: dt.datetime
    golden_ids: tuple[str, ...]
    record_ids: tuple[str, ...]


@dataclass(frozen=True)
class UpdateResult:
    """The state after an operation on one golden record; no events when nothing changed."""

    state: GoldenState
    events: tuple[Event, ...] = ()

    @property
    def changed(self) -> bool:
        """Return whether the operation made a new version."""
        return bool(self.events)


@dataclass(frozen=True)
class PinConflict:
    """Both merged golden records pinned one attribute: the survivor's pin was kept."""

    attribute: str
    kept: Pin
    dropped: Pin


@dataclass(frozen=True)
class MergeResult:
    """The survivor after a merge, the absorbed record (now a redirect) and the events."""

    state: GoldenState
    absorbed: GoldenRecord
    redirects: Mapping[str, str]
    pin_conflicts: tuple[PinConflict, ...]
    events: tuple[Event, ...]
    decision: Decision


@dataclass(frozen=True)
class UnmergeResult:
    """What is left of the golden record and the golden records split off from it.

    `restored_ids` got back their former id: they no longer redirect, and the
    caller removes them from its redirect table.
    """

    state: GoldenState
    split_off: tuple[GoldenState, ...]
    restored_ids: frozenset[str]
    events: tuple[Event, ...]
    decision: Decision

    @property
    def released_redirects(self) -> frozenset[str]:
        """Return the golden ids that stop redirecting."""
        return self.restored_ids


@dataclass(frozen=True)
class NotAMatch:
    """A steward's decision that records never belong together; the matcher must honour it."""

    pairs: frozenset[RecordPair]
    decided_by: str
    decided_at: dt.datetime
    reason: str = ""


def record_pair(a: str, b: str) -> RecordPair:
    """Return the pair of record ids in its one canonical order."""
    return (a, b) if a <= b else (b, a)
