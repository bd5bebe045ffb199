"""History and time travel: version snapshots, the version in force at a time, diffs.

Every version of a golden record is kept as a snapshot; the store appends one
per new version, in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from golden_records.types import AttributeLineage, GoldenRecord, Status, lineage_to_json

ChangeKind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class GoldenVersion:
    """One version of a golden record as it was recorded; `cause` names the event or decision."""

    golden_id: str
    version: int
    attributes: Mapping[str, Any]
    lineage: Mapping[str, AttributeLineage]
    member_ids: frozenset[str]
    recorded_at: dt.datetime
    cause: str
    status: Status = "active"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form of the version, lineage included."""
        return {"golden_id": self.golden_id, "version": self.version, "status": self.status,
                "attributes": dict(self.attributes),
                "lineage": {name: lineage_to_json(e) for name, e in self.lineage.items()},
                "member_ids": sorted(self.member_ids),
                "recorded_at": self.recorded_at.isoformat(), "cause": self.cause}


@dataclass(frozen=True)
class AttributeChange:
    """How one attribute differs between two versions; `old` is None when added."""

    attribute: str
    kind: ChangeKind
    old: Any = None
    new: Any = None


@dataclass(frozen=True)
class VersionDiff:
    """The differences between two versions, attributes sorted by name."""

    from_version: int
    to_version: int
    changes: tuple[AttributeChange, ...]
    members_added: frozenset[str]
    members_removed: frozenset[str]

    @property
    def is_empty(self) -> bool:
        """Return whether the two versions hold the same attributes and members."""
        return not (self.changes or self.members_added or self.members_removed)


def snapshot(record: GoldenRecord, *, cause: str, recorded_at: dt.datetime) -> GoldenVersion:
    """Return the history entry of `record` at its current version."""
    return GoldenVersion(record.golden_id, record.version, dict(record.attributes),
                         dict(record.lineage), record.member_ids, recorded_at, cause,
                         record.status)


def as_of(versions: Iterable[GoldenVersion], when: dt.datetime) -> GoldenVersion | None:
    """Return the version in force at `when`, or None when the record did not exist yet.

    That is the latest version recorded at or before `when`; on equal times
    the higher version number wins.
    """
    earlier = [v for v in versions if v.recorded_at <= when]
    return max(earlier, key=lambda v: (v.recorded_at, v.version), default=None)


def _attribute_change(name: str, old: Mapping[str, Any],
                      new: Mapping[str, Any]) -> AttributeChange | None:
    if name not in old:
        return AttributeChange(name, "added", None, new[name])
    if name not in new:
        return AttributeChange(name, "removed", old[name], None)
    if old[name] != new[name]:
        return AttributeChange(name, "changed", old[name], new[name])
    return None


def diff(a: GoldenVersion, b: GoldenVersion) -> VersionDiff:
    """Return what changed from version `a` to version `b`, per attribute and in members."""
    names = sorted(set(a.attributes) | set(b.attributes))
    changes = (_attribute_change(n, a.attributes, b.attributes) for n in names)
    return VersionDiff(a.version, b.version, tuple(c for c in changes if c is not None),
                       b.member_ids - a.member_ids, a.member_ids - b.member_ids)
