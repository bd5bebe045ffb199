"""Plain reads for the API: a golden record by id or by source key, review tasks, decisions."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_records.types import GoldenRecord
from mdm.errors import MdmError, NotFoundError
from mdm.models import ErasureTombstone, MatchDecision, ReviewTask, Source, SourceRecord, Xref
from mdm.models import GoldenRecord as GoldenRow
from mdm.store.golden_state import as_uuid, record_from_row


def golden_or_404(session: Session, golden_id: str | uuid.UUID) -> GoldenRecord:
    """Return the stored golden record; NotFoundError when there is none."""
    row = session.get(GoldenRow, as_uuid(golden_id), populate_existing=True)
    if row is None:
        raise NotFoundError(f"no golden record {golden_id}")
    return record_from_row(row)


class ErasedError(MdmError):
    """The golden record was erased; `tombstone` (ids and time, no personal data) says when."""

    status = 410
    title = "Gone"


def tombstone(session: Session, golden_id: str | uuid.UUID) -> dict[str, Any] | None:
    """Return the tombstone of an erased golden record (ids and time only), or None."""
    row = session.get(ErasureTombstone, as_uuid(golden_id))
    if row is None:
        return None
    return {"golden_id": str(row.golden_id), "entity_type": row.entity_type,
            "erased_at": row.erased_at.isoformat(), "absorbed_ids": sorted(row.absorbed_ids),
            "record_ids": sorted(row.record_ids)}


def check_not_erased(session: Session, record: GoldenRecord) -> None:
    """Raise ErasedError, with the tombstone, when `record` was erased."""
    if record.status == "erased":
        raise ErasedError(f"golden record {record.golden_id} was erased",
                          tombstone=tombstone(session, record.golden_id))


def golden_id_for_source_key(session: Session, source: str, entity_type: str,
                             source_key: str) -> uuid.UUID:
    """Return the golden id the xref gives a source key; NotFoundError when it is unknown."""
    golden_id = session.scalar(
        select(Xref.golden_id)
        .join(SourceRecord, SourceRecord.id == Xref.source_record_id)
        .join(Source, Source.id == SourceRecord.source_id)
        .where(Source.name == source, SourceRecord.entity_type == entity_type,
               SourceRecord.source_key == source_key))
    if golden_id is None:
        raise NotFoundError(f"no {entity_type} {source_key!r} from {source!r}")
    return golden_id


def list_review_tasks(session: Session, *, status: str, entity_type: str | None,
                      limit: int) -> list[ReviewTask]:
    """Return review tasks of `status`, highest priority first, then oldest."""
    query = select(ReviewTask).where(ReviewTask.status == status)
    if entity_type:
        query = query.where(ReviewTask.entity_type == entity_type)
    query = query.order_by(ReviewTask.priority.desc(), ReviewTask.created_at, ReviewTask.id)
    return list(session.scalars(query.limit(limit)))


def review_task_or_404(session: Session, task_id: uuid.UUID) -> ReviewTask:
    """Return the review task; NotFoundError when there is none."""
    task = session.get(ReviewTask, as_uuid(task_id), populate_existing=True)
    if task is None:
        raise NotFoundError(f"no review task {task_id}")
    return task


def list_decisions(session: Session, *, kind: str | None, entity_type: str | None,
                   limit: int) -> list[MatchDecision]:
    """Return match decisions, newest first."""
    query = select(MatchDecision)
    if kind:
        query = query.where(MatchDecision.kind == kind)
    if entity_type:
        query = query.where(MatchDecision.entity_type == entity_type)
    query = query.order_by(MatchDecision.created_at.desc(), MatchDecision.id)
    return list(session.scalars(query.limit(limit)))
