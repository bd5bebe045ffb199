"""Register channel systems."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from mdm.errors import BadRequestError, ConflictError, UnknownSourceError
from mdm.models import AuditEntry, Source, utcnow

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def add_source(session: Session, name: str, trust: dict | None = None,
               description: str = "", *, actor: str = "cli") -> Source:
    """Register a source; names are lower-case identifiers such as `marketplace_ozon`.

    The audit log names `actor` (a signed-in admin, or `cli`).
    """
    if not SOURCE_NAME.match(name):
        raise BadRequestError(
            f"invalid source name {name!r}: use lower-case letters, digits and _ (2-64)")
    if session.scalar(select(Source).where(Source.name == name)) is not None:
        raise ConflictError(f"source {name!r} exists already")
    source = Source(name=name, trust=trust or {}, description=description, created_at=utcnow())
    session.add(source)
    audit_admin_change(session, "source.create", name, actor=actor,
                        after={"trust": source.trust, "description": description})
    session.flush()
    return source


def update_source(session: Session, name: str, *, trust: dict, description: str,
                  actor: str) -> Source:
    """Change a source's trust ranks and description; returns it (UnknownSourceError if none)."""
    source = get_source(session, name)
    before = {"trust": source.trust, "description": source.description}
    source.trust, source.description = dict(trust), description
    audit_admin_change(session, "source.update", name, actor=actor, before=before,
                        after={"trust": source.trust, "description": description})
    session.flush()
    return source


def audit_admin_change(session: Session, action: str, target_id: str, *, actor: str,
                        target_type: str = "source", before: dict | None = None,
                        after: dict | None = None) -> None:
    """Add the audit row of an admin's change to a source or an API key (never a secret)."""
    session.add(AuditEntry(occurred_at=utcnow(), actor=actor, action=action,
                           target_type=target_type, target_id=target_id, reason="",
                           before=before, after=after))


def get_source(session: Session, name: str) -> Source:
    """The source called `name`; NotFoundError when there is none."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        raise UnknownSourceError(f"unknown source {name!r}; add it with `mdm sources add {name}`")
    return source


def list_sources(session: Session) -> list[Source]:
    """Every registered source, by name."""
    return list(session.scalars(select(Source).order_by(Source.name)))


@dataclass(frozen=True)
class SourceRef:
    """What ingestion needs of a source: its id and name (neither ever changes)."""

    id: int
    name: str


@dataclass(frozen=True)
class _Known:
    read_at: float
    refs: dict[str, SourceRef]
    trust: dict[str, dict[str, Any]]


# Trust ranks feed every survivorship run and every pushed record names its source; both change
# rarely, so each process keeps them. A change flushed in this process clears the cache at
# once; another process's change of trust is seen within TRUST_CACHE_SECONDS.
TRUST_CACHE_SECONDS = 30.0
_known_cache: dict[str, _Known] = {}
_trust_lock = threading.Lock()


def _known_sources(session: Session, *, fresh: bool = False) -> _Known:
    bind_key = str(session.get_bind().url)
    with _trust_lock:
        cached = _known_cache.get(bind_key)
    if not fresh and cached is not None and (
            time.monotonic() - cached.read_at < TRUST_CACHE_SECONDS):
        return cached
    rows = session.execute(select(Source.id, Source.name, Source.trust)).all()
    known = _Known(time.monotonic(), {name: SourceRef(id_, name) for id_, name, _ in rows},
                   {name: dict(ranks or {}) for _, name, ranks in rows})
    with _trust_lock:
        _known_cache[bind_key] = known
    return known


def trust_by_source(session: Session) -> Mapping[str, dict[str, Any]]:
    """Return each source's trust ranks by source name, from this process's short-lived cache."""
    return _known_sources(session).trust


def pushing_source(session: Session, name: str) -> SourceRef:
    """The id and name of the source called `name`, from this process's cache when it is there.

    A name not in the cache is looked up again (a source added since); UnknownSourceError when
    there is none.
    """
    found = _known_sources(session).refs.get(name)
    if found is None:
        found = _known_sources(session, fresh=True).refs.get(name)
    if found is None:
        raise UnknownSourceError(f"unknown source {name!r}; add it with `mdm sources add {name}`")
    return found


def forget_trust() -> None:
    """Empty this process's cache of sources (the next survivorship run or push reads the table)."""
    with _trust_lock:
        _known_cache.clear()


@event.listens_for(Session, "after_flush")
def _forget_trust_after_source_change(session: Session, _flush_context) -> None:
    if any(isinstance(obj, Source) for obj in (*session.new, *session.dirty, *session.deleted)):
        forget_trust()


@event.listens_for(Session, "after_soft_rollback")
def _forget_trust_after_rollback(_session: Session, _previous_transaction) -> None:
    # A rolled-back transaction may have flushed source changes that the cache saw.
    forget_trust()
