"""The transactional outbox: one row per change, written in the change's own transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base

EVENT_TYPES = (
    "golden.created",
    "golden.updated",
    "golden.merged",
    "golden.unmerged",
    "golden.erased",
    "inventory.changed",
    "price.changed",
)


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_feed_seq", "feed_seq", unique=True),
        Index("ix_events_golden_id", "golden_id"),
    )

    # BigInteger on PostgreSQL; SQLite only autoincrements a plain INTEGER primary key.
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    type: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str] = mapped_column(String(16))
    golden_id: Mapped[uuid.UUID | None]
    version: Mapped[int | None]
    occurred_at: Mapped[dt.datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Assigned by the relay to committed rows only, so the public feed never skips a late commit.
    feed_seq: Mapped[int | None] = mapped_column(BigInteger)
