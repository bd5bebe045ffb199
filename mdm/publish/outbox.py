"""Sequence committed outbox rows into the gap-free, monotonic change feed."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, text, update
from sqlalchemy.orm import Session

from mdm.models import Event

# One sequencer at a time, across every worker process (PostgreSQL advisory lock key).
SEQUENCER_LOCK = 0x6D646D01


def sequence_events(session: Session, limit: int = 5000) -> int:
    """Give committed, unsequenced events the next feed numbers, in id order; returns how many.

    Event ids come from a sequence taken before commit, so a later id can commit first; only
    this single sequencer hands out `feed_seq`, and only to rows it can see as committed, so a
    reader paging by `feed_seq` never skips a late commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        locked = session.execute(text("SELECT pg_try_advisory_xact_lock(:key)"),
                                 {"key": SEQUENCER_LOCK}).scalar()
        if not locked:
            return 0
    table = Event.__table__
    last = session.execute(select(func.max(table.c.feed_seq))).scalar() or 0
    ids = session.execute(select(table.c.id).where(table.c.feed_seq.is_(None))
                          .order_by(table.c.id).limit(limit)).scalars().all()
    if ids:
        session.execute(update(table).where(table.c.id == bindparam("b_id")),
                        [{"b_id": event_id, "feed_seq": last + offset}
                         for offset, event_id in enumerate(ids, start=1)],
                        execution_options={"synchronize_session": False})
    session.commit()
    return len(ids)
