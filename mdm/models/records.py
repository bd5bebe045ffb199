"""What the channels sent: source records, their versions and their blocking keys."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mdm.models.base import Base
from mdm.models.sources import Source

ENTITY_TYPES = ("customer", "product", "stock", "price")
MATCHED_ENTITY_TYPES = ("customer", "product")


class SourceRecord(Base):
    __tablename__ = "source_records"
    __table_args__ = (UniqueConstraint("source_id", "entity_type", "source_key"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    entity_type: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(256))
    # The record verbatim as received, unknown fields included.
    payload: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    # The channel's own `updated_at`, when it sent one.
    updated_at: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime]

    source: Mapped[Source] = relationship(lazy="joined")


class SourceRecordVersion(Base):
    __tablename__ = "source_record_versions"
    __table_args__ = (UniqueConstraint("source_record_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("source_records.id"))
    version: Mapped[int]
    payload: Mapped[dict[str, Any]]
    content_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime | None]
    received_at: Mapped[dt.datetime]


class MatchKey(Base):
    """A blocking key of a source record: records sharing a key become candidate pairs."""

    __tablename__ = "match_keys"
    __table_args__ = (Index("ix_match_keys_lookup", "entity_type", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(255))
    source_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("source_records.id"), index=True
    )
