"""The audit row of an admin's change to a source or an API key."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy.orm import Session

from mdm.models import AuditEntry, utcnow


def record_admin_action(session: Session, action: str, target_type: str, target_id: Any, *,
                        before: dict | None = None, after: dict | None = None) -> None:
    """Add an audit entry naming the signed-in user; the caller's transaction saves it."""
    session.add(AuditEntry(occurred_at=utcnow(), actor=current_user.username, action=action,
                           target_type=target_type, target_id=str(target_id), reason="",
                           before=before, after=after))
