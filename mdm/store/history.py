"""History reads: every version of a golden record, the one in force at a time, diffs."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from golden_records import history
from golden_records.history import GoldenVersion
from mdm.errors import NotFoundError
from mdm.store.golden_state import as_uuid, load_versions


def _versions(session: Session, golden_id: uuid.UUID) -> list[GoldenVersion]:
    versions = load_versions(session, as_uuid(golden_id))
    if not versions:
        raise NotFoundError(f"no golden record {golden_id}")
    return versions


def golden_history(session: Session, golden_id: uuid.UUID) -> list[dict[str, Any]]:
    """Return every version of a golden record (JSON form, lineage included), oldest first."""
    return [version.to_dict() for version in _versions(session, golden_id)]


def golden_as_of(session: Session, golden_id: uuid.UUID, when: dt.datetime) -> dict[str, Any]:
    """Return the version of a golden record in force at `when`.

    NotFoundError when the record is unknown or did not exist yet at `when`.
    """
    version = history.as_of(_versions(session, golden_id), when)
    if version is None:
        raise NotFoundError(f"golden record {golden_id} did not exist at {when.isoformat()}")
    return version.to_dict()


def golden_diff(session: Session, golden_id: uuid.UUID, v1: int, v2: int) -> dict[str, Any]:
    """Return what changed from version `v1` to `v2`: attributes (added, removed, changed), members.

    NotFoundError when either version does not exist.
    """
    by_number = {v.version: v for v in _versions(session, golden_id)}
    missing = [str(v) for v in (v1, v2) if v not in by_number]
    if missing:
        raise NotFoundError(f"golden record {golden_id} has no version {', '.join(missing)}")
    found = history.diff(by_number[v1], by_number[v2])
    return {"golden_id": str(golden_id), "from_version": found.from_version,
            "to_version": found.to_version,
            "changes": [asdict(change) for change in found.changes],
            "members_added": sorted(found.members_added),
            "members_removed": sorted(found.members_removed)}
