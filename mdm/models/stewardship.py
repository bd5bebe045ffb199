"""Match decisions, review tasks for stewards, the audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base

DECISION_KINDS = ("auto_link", "steward_merge", "not_a_match", "unmerge")
REVIEW_STATUSES = ("open", "merged", "not_a_match", "skipped", "obsolete")


class MatchDecision(Base):
    __tablename__ = "match_decisions"
    __table_args__ = (
        Index("ix_match_decisions_pair", "left_record_id", "right_record_id"),
        Index("ix_match_decisions_right", "right_record_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    left_record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("source_records.id"))
    right_record_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("source_records.id"))
    left_golden_id: Mapped[uuid.UUID | None]
    right_golden_id: Mapped[uuid.UUID | None]
    match_weight: Mapped[float | None]
    match_probability: Mapped[float | None]
    # Everything needed to show and reproduce the decision: keys, levels, weights, model.
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model_version: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime]


class ReviewTask(Base):
    __tablename__ = "review_tasks"
    # By record too: ingestion looks up the open tasks of each pair it would open one for.
    __table_args__ = (Index("ix_review_tasks_queue", "status", "priority"),
                      Index("ix_review_tasks_left_record_id", "left_record_id"),
                      Index("ix_review_tasks_right_record_id", "right_record_id"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    left_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("source_records.id"))
    right_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("source_records.id"))
    match_weight: Mapped[float]
    match_probability: Mapped[float]
    priority: Mapped[float] = mapped_column(default=0.0)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[dt.datetime]
    decided_at: Mapped[dt.datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(80))
    comment: Mapped[str] = mapped_column(Text, default="")


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(String(64), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class NotAMatchPair(Base):
    """A steward's not-a-match between two source records: every matching run honours it."""

    __tablename__ = "not_a_match_pairs"
    __table_args__ = (UniqueConstraint("left_record_id", "right_record_id"),
                      Index("ix_not_a_match_pairs_right", "right_record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    # The pair in one canonical order: left_record_id < right_record_id as text.
    left_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("source_records.id"))
    right_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("source_records.id"))
    decision_id: Mapped[uuid.UUID]
    created_at: Mapped[dt.datetime]


class ErasureTombstone(Base):
    """What stays after an erasure: ids, time, who and why; no personal data."""

    __tablename__ = "erasure_tombstones"

    golden_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    absorbed_ids: Mapped[list[Any]]
    record_ids: Mapped[list[Any]]
    erased_at: Mapped[dt.datetime]
    actor: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text, default="")


class ErasedSourceKey(Base):
    """An erased source key, kept only as a keyed hash, so a new push of it is refused."""

    __tablename__ = "erased_source_keys"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    golden_id: Mapped[uuid.UUID]
    erased_at: Mapped[dt.datetime]
