"""Register channel systems."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
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


# Trust ranks feed every survivorship run; they change rarely, so each process keeps them.
# A change flushed in this process clears the cache at once; another process's change is
# seen within TRUST_CACHE_SECONDS.
TRUST_CACHE_SECONDS = 30.0
_trust_cache: dict[str, tuple[float, dict[str, dict[str, Any]]]] = {}
_trust_lock = threading.Lock()


def trust_by_source(session: Session) -> Mapping[str, dict[str, Any]]:
    """Return each source's trust ranks by source name, from this process's short-lived cache."""
    bind_key = str(session.get_bind().url)
    with _trust_lock:
        cached = _trust_cache.get(bind_key)
    if cached is not None and time.monotonic() - cached[0] < TRUST_CACHE_SECONDS:
        return cached[1]
    trust = {name: dict(ranks or {}) for name, ranks in
             session.execute(select(Source.name, Source.trust))}
    with _trust_lock:
        _trust_cache[bind_key] = (time.monotonic(), trust)
    return trust


def forget_trust() -> None:
    """Empty the trust cache of this process (the next survivorship run reads the table)."""
    with _trust_lock:
        _trust_cache.clear()


@event.listens_for(Session, "after_flush")
def _forget_trust_after_source_change(session: Session, _flush_context) -> None:
    if any(isinstance(obj, Source) for obj in (*session.new, *session.dirty, *session.deleted)):
        forget_trust()


@event.listens_for(Session, "after_soft_rollback")
def _forget_trust_after_rollback(_session: Session, _previous_transaction) -> None:
    # A rolled-back transaction may have flushed source changes that the cache saw.
    forget_trust()
