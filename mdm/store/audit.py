"""Audit and decision rows of steward operations: who, when, why, before and after."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from golden_records.types import GoldenRecord
from mdm.models import AuditEntry, MatchDecision


def summary(record: GoldenRecord) -> dict[str, Any]:
    """Return the audit form of a golden record: ids, version and status, never values."""
    return {"version": record.version, "status": record.status,
            "member_ids": sorted(record.member_ids),
            "pinned": sorted(pin.attribute for pin in record.pins),
            "merged_into": record.merged_into}


def audit_row(action: str, target_id: str, *, actor: str, reason: str,
              before: Iterable[GoldenRecord], after: Iterable[GoldenRecord],
              now: dt.datetime) -> dict[str, Any]:
    """Return the audit row of an operation: who, when, why, and the records before and after."""
    return {"occurred_at": now, "actor": actor, "action": action,
            "target_type": "golden_record", "target_id": str(target_id), "reason": reason,
            "before": {r.golden_id: summary(r) for r in before},
            "after": {r.golden_id: summary(r) for r in after}}


def audit(session: Session, action: str, target_id: str, *, actor: str, reason: str,
          before: Iterable[GoldenRecord], after: Iterable[GoldenRecord],
          now: dt.datetime) -> None:
    """Add the audit row of an operation (see `audit_row`)."""
    # A plain insert, not an ORM object: the operation's flush then has nothing to sort out.
    session.execute(insert(AuditEntry.__table__), [audit_row(
        action, target_id, actor=actor, reason=reason, before=before, after=after, now=now)])


def decision_rows(kind: str, entity_type: str, *, actor: str, reason: str, now: dt.datetime,
                  pairs: Iterable[tuple[tuple, tuple]]) -> list[dict[str, Any]]:
    """Return match-decision rows, one per ((left, right) records, (left, right) goldens)."""
    return [{"id": uuid.uuid4(), "entity_type": entity_type, "kind": kind,
             "left_record_id": records[0], "right_record_id": records[1],
             "left_golden_id": goldens[0], "right_golden_id": goldens[1], "match_weight": None,
             "match_probability": None, "explanation": {}, "model_version": None,
             "actor": actor, "reason": reason, "created_at": now}
            for records, goldens in pairs]


def record_decision(session: Session, kind: str, entity_type: str, *, actor: str, reason: str,
                    now: dt.datetime, records: tuple = (None, None),
                    goldens: tuple = (None, None)) -> uuid.UUID:
    """Add one match-decision row of a steward; returns its id."""
    row = decision_rows(kind, entity_type, actor=actor, reason=reason, now=now,
                        pairs=[(records, goldens)])[0]
    session.execute(insert(MatchDecision.__table__), [row])
    return row["id"]
