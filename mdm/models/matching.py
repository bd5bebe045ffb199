"""Versioned match models: one row per trained or shipped configuration of an entity type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base


class MatchModelVersion(Base):
    """A `matching.model.MatchModel` as JSON; at most one active row per entity type."""

    __tablename__ = "match_models"
    __table_args__ = (
        UniqueConstraint("entity_type", "version"),
        Index("ix_match_models_active", "entity_type", "is_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16))
    version: Mapped[str] = mapped_column(String(64))
    model: Mapped[dict[str, Any]]
    created_at: Mapped[dt.datetime]
    created_by: Mapped[str] = mapped_column(String(80))
    is_active: Mapped[bool] = mapped_column(default=False)
