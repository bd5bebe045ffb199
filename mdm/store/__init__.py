"""Queries: named functions that read rows and hand back the core's types."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.orm import Session


def execute(session: Session, statement: Executable,
            parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None
            ) -> Result:
    """`session.execute` for a Core statement, run on the session's connection.

    Skips the ORM's per-call work (~0.1 ms CPU, a fifth of a single record's statement);
    pending ORM changes are flushed first, as `session.execute` would.
    """
    if session.autoflush and (session.new or session.deleted or session.dirty):
        session.flush()
    return session.connection().execute(statement, parameters)
