"""Typed SQLAlchemy models; every schema change ships as an Alembic migration."""

from mdm.models.base import Base, utcnow
from mdm.models.events import EVENT_TYPES, Event
from mdm.models.golden import GoldenRecord, GoldenRecordVersion, Xref
from mdm.models.match_views import MatchView
from mdm.models.matching import MatchModelVersion
from mdm.models.records import (
    ENTITY_TYPES,
    MATCHED_ENTITY_TYPES,
    MatchKey,
    SourceRecord,
    SourceRecordVersion,
)
from mdm.models.sources import ROLES, SCOPES, ApiKey, Source, User
from mdm.models.stewardship import (
    AuditEntry,
    ErasedSourceKey,
    ErasureTombstone,
    MatchDecision,
    NotAMatchPair,
    ReviewTask,
)

__all__ = [
    "ENTITY_TYPES", "EVENT_TYPES", "MATCHED_ENTITY_TYPES", "ROLES", "SCOPES",
    "ApiKey", "AuditEntry", "Base", "ErasedSourceKey", "ErasureTombstone", "Event",
    "GoldenRecord", "GoldenRecordVersion", "MatchDecision", "MatchKey", "MatchModelVersion",
    "MatchView", "NotAMatchPair",
    "ReviewTask", "Source", "SourceRecord", "SourceRecordVersion", "User", "Xref", "utcnow",
]
