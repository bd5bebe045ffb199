"""Erasure in the store: scrub every copy of an erased person's data, keep ids and hashes only.

Source records, their versions, match keys, xref rows and review tasks of the erased records
are deleted; golden history, audit rows and match decisions that held their values are
redacted; the erased source keys stay as keyed hashes (`golden_records.erasure`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from flask import current_app
from sqlalchemy import String, cast, delete, or_, select, update
from sqlalchemy.orm import Session

from golden_records.erasure import ScrubPlan, SourceKey, suppression_key
from mdm.models import (
    ErasedSourceKey,
    GoldenRecordVersion,
    MatchDecision,
    MatchKey,
    NotAMatchPair,
    ReviewTask,
    SourceRecord,
    SourceRecordVersion,
    Xref,
)
from mdm.models import GoldenRecord as GoldenRow


def suppression_salt() -> bytes:
    """Return the secret that keys the suppression hashes: MDM_ERASURE_SALT, else the secret key.

    Set MDM_ERASURE_SALT in production: rotating the secret key must not re-admit erased keys.
    """
    config = current_app.config
    return str(config.get("ERASURE_SALT") or config["SECRET_KEY"]).encode("utf-8")


def suppression_hashes(source: str, entity_type: str,
                       source_keys: Iterable[str]) -> dict[str, str]:
    """Return suppression hash → source key, for each of `source_keys`."""
    salt = suppression_salt()
    return {suppression_key(SourceKey(source, entity_type, key), salt=salt): key
            for key in source_keys}


def suppress(session: Session, hashes: Iterable[str], golden_id: uuid.UUID,
             now: dt.datetime) -> None:
    """Store the suppression hashes of an erasure (a hash already there stays)."""
    table = ErasedSourceKey.__table__
    known = set(session.execute(select(table.c.key_hash)
                                .where(table.c.key_hash.in_(list(hashes)))).scalars())
    for key_hash in sorted(set(hashes) - known):
        session.add(ErasedSourceKey(key_hash=key_hash, golden_id=golden_id, erased_at=now))


def readmit(session: Session, key: SourceKey) -> bool:
    """Drop the suppression of `key`; returns whether it was suppressed."""
    table = ErasedSourceKey.__table__
    result = session.execute(delete(table).where(
        table.c.key_hash == suppression_key(key, salt=suppression_salt())))
    return result.rowcount > 0


def _mentions_any(column, ids: Iterable[str]):
    # JSON lists of ids, searched as text: erasure is rare, so a scan is acceptable here.
    return or_(*(cast(column, String).like(f"%{record_id}%") for record_id in ids))


def _redact_versions(session: Session, plan: ScrubPlan) -> None:
    """Clear history of the erased ids; elsewhere drop attributes an erased record supplied."""
    table = GoldenRecordVersion.__table__
    golden_ids = [uuid.UUID(g) for g in plan.golden_ids]
    session.execute(update(table).where(table.c.golden_id.in_(golden_ids))
                    .values(attributes={}, lineage={}))
    erased = set(plan.record_ids)
    rows = session.execute(select(table.c.id, table.c.attributes, table.c.lineage)
                           .where(_mentions_any(table.c.member_ids, sorted(erased)))).all()
    for row_id, attributes, lineage in rows:
        tainted = {name for name, entry in lineage.items()
                   if erased & {item.get("record_id") for item in
                                (entry if isinstance(entry, list) else [entry])}}
        session.execute(update(table).where(table.c.id == row_id).values(
            attributes={k: v for k, v in attributes.items() if k not in tainted},
            lineage={k: v for k, v in lineage.items() if k not in tainted}))


def _scrub_decisions(session: Session, record_ids: list[uuid.UUID]) -> None:
    table = MatchDecision.__table__
    for column in (table.c.left_record_id, table.c.right_record_id):
        session.execute(update(table).where(column.in_(record_ids))
                        .values(explanation={}, **{column.name: None}))


def scrub(session: Session, plan: ScrubPlan) -> None:
    """Remove the erased records and every value they left in the store."""
    record_ids = [uuid.UUID(r) for r in sorted(plan.record_ids)]
    _redact_versions(session, plan)
    _scrub_decisions(session, record_ids)
    golden_rows = GoldenRow.__table__
    session.execute(update(golden_rows)
                    .where(golden_rows.c.id.in_([uuid.UUID(g) for g in plan.golden_ids]))
                    .values(attributes={}, lineage={}, pins=[], search_text=""))
    for model in (ReviewTask, NotAMatchPair):
        table = model.__table__
        session.execute(delete(table).where(table.c.left_record_id.in_(record_ids)
                                            | table.c.right_record_id.in_(record_ids)))
    for model in (MatchKey, SourceRecordVersion, Xref):
        table = model.__table__
        session.execute(delete(table).where(table.c.source_record_id.in_(record_ids)))
    table = SourceRecord.__table__
    session.execute(delete(table).where(table.c.id.in_(record_ids)))
