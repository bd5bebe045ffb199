"""Match views as stored: what the matcher actually compared, one row per source record."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mdm.models.base import Base


class MatchView(Base):
    """The standardised match view of a source record, written when the record is matched.

    Candidates are read from here instead of being standardised again from their payloads.
    `view` is the JSON of a `matching.views` CustomerView or ProductView; `fingerprint` names
    the view's shape, so a view written by another version of the standardisers is rebuilt.
    """

    __tablename__ = "match_views"

    # An erased source record takes its view (personal data) with it.
    source_record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("source_records.id", ondelete="CASCADE"), primary_key=True
    )
    entity_type: Mapped[str] = mapped_column(String(16))
    fingerprint: Mapped[str] = mapped_column(String(16))
    view: Mapped[str] = mapped_column(Text)
