"""Data quality per source: how complete each field is, and which values the standardisers refused.

Measured on the most recent records of each source (a sample), so the dashboard stays fast on
millions of records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from golden_records.types import ENTITY_ATTRIBUTES
from matching.standardise import standardise_customer, standardise_product
from mdm.models import MATCHED_ENTITY_TYPES, Source, SourceRecord

SAMPLE_SIZE = 1000
STANDARDISERS = {"customer": standardise_customer, "product": standardise_product}


@dataclass
class SourceQuality:
    """Completeness (share of sampled records with a value) and refusals of one source and type."""

    source: str
    entity_type: str
    sampled: int = 0
    filled: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)  # (field, reason) → count

    def completeness(self) -> dict[str, float]:
        """Return field → share of sampled records where it is filled (0–1)."""
        return {name: self.filled[name] / self.sampled
                for name in sorted(ENTITY_ATTRIBUTES[self.entity_type])} if self.sampled else {}

    def refusals(self) -> dict[str, int]:
        """Return "field: reason" → how many sampled values were refused."""
        return {f"{name}: {reason}": count
                for (name, reason), count in sorted(self.refused.items())}

    def refusals_by_reason(self) -> dict[str, int]:
        """Return reason (invalid, junk, ...) → how many sampled values were refused for it."""
        totals: Counter = Counter()
        for (_name, reason), count in self.refused.items():
            totals[reason] += count
        return dict(totals)


def data_quality(session: Session, sample_size: int = SAMPLE_SIZE) -> list[SourceQuality]:
    """Return the quality of every source and matched entity type, on recent samples."""
    report = []
    for source_id, source_name in session.execute(select(Source.id, Source.name)
                                                  .order_by(Source.name)):
        for entity_type in MATCHED_ENTITY_TYPES:
            quality = _measure(session, source_id, source_name, entity_type, sample_size)
            if quality.sampled:
                report.append(quality)
    return report


def _measure(session: Session, source_id: int, source_name: str, entity_type: str,
             sample_size: int) -> SourceQuality:
    quality = SourceQuality(source_name, entity_type)
    rows = session.execute(
        select(SourceRecord.id, SourceRecord.payload)
        .where(SourceRecord.source_id == source_id, SourceRecord.entity_type == entity_type)
        .order_by(SourceRecord.received_at.desc()).limit(sample_size))
    for record_id, payload in rows:
        quality.sampled += 1
        quality.filled.update(name for name, value in payload.items()
                              if value not in (None, "", {}, []))
        view = STANDARDISERS[entity_type](payload, record_id=str(record_id), source=source_name)
        # Each refusal reads "field:reason:value"; the value stays out of the report.
        quality.refused.update(tuple(item.split(":", 2)[:2]) for item in view.invalid)
    return quality
