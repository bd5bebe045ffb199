"""Golden records, their history, and the cross-reference from every source record."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base

GOLDEN_STATUSES = ("active", "merged", "erased")


class GoldenRecord(Base):
    __tablename__ = "golden_records"
    __table_args__ = (
        Index("ix_golden_records_type_status", "entity_type", "status"),
        # "Merged-away ids that point here": few rows have one, so the index stays small.
        Index("ix_golden_records_merged_into", "merged_into",
              postgresql_where=text("merged_into IS NOT NULL"),
              sqlite_where=text("merged_into IS NOT NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(default=1)
    attributes: Mapped[dict[str, Any]]
    lineage: Mapped[dict[str, Any]]
    # A merged-away id answers forever with the survivor.
    merged_into: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("golden_records.id"))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    # The core's state, kept whole so that an unmerge can restore a merged record exactly:
    # steward pins (JSON form of `golden_records.Pin`), member record ids, absorbed golden ids.
    pins: Mapped[list[Any]] = mapped_column(default=list)
    member_ids: Mapped[list[Any]] = mapped_column(default=list)
    absorbed_ids: Mapped[list[Any]] = mapped_column(default=list)
    # The attribute values casefolded, for the stewards' search: SQLite's lower() and LIKE fold
    # ASCII only, so "юлия" would never find "Юлия" in the attributes themselves.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")


class GoldenRecordVersion(Base):
    __tablename__ = "golden_record_versions"
    __table_args__ = (UniqueConstraint("golden_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    golden_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("golden_records.id"))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    attributes: Mapped[dict[str, Any]]
    lineage: Mapped[dict[str, Any]]
    member_ids: Mapped[list[Any]]
    cause: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[dt.datetime]


class Xref(Base):
    """(source, entity_type, source_key) → golden_id, through the source record; always current."""

    __tablename__ = "xref"

    source_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("source_records.id"), primary_key=True
    )
    golden_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("golden_records.id"), index=True)
    linked_at: Mapped[dt.datetime]
