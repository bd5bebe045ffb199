"""Not-a-match pairs in the store: which exist, and adding new ones in one batch."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import insert
from sqlalchemy.orm import Session

from golden_records.types import RecordPair
from mdm.models import NotAMatchPair
from mdm.store.golden_state import not_a_match_pairs


def add_pairs(session: Session, pairs: Iterable[RecordPair], *, entity_type: str,
              decision_id: uuid.UUID, now: dt.datetime) -> int:
    """Store the not-a-match pairs not stored yet; returns how many were new.

    Pairs are record ids as text in their canonical order (`golden_records.record_pair`).
    """
    wanted = set(pairs)
    known = not_a_match_pairs(session, {record_id for pair in wanted for record_id in pair})
    new = sorted(wanted - known)
    if new:
        session.execute(insert(NotAMatchPair.__table__), [
            {"entity_type": entity_type, "left_record_id": uuid.UUID(left),
             "right_record_id": uuid.UUID(right), "decision_id": decision_id,
             "created_at": now} for left, right in new])
    return len(new)
