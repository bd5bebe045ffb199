"""Stored match model versions: add one, activate one, read one back.

`mdm.matcher.current_model` reads the active version (falling back to the shipped model); these
services write them. A version name is never reused, so a stored decision's `model_version`
always names the model that made it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from matching.model import MatchModel, model_from_dict, model_to_dict
from mdm import matcher
from mdm.errors import NotFoundError
from mdm.models import MatchModelVersion


def model_of_version(session: Session, entity_type: str, version: str) -> MatchModel:
    """Returns the stored (or shipped) model `version` of `entity_type`; NotFoundError if none."""
    if version == matcher.shipped_model(entity_type).version:
        return matcher.shipped_model(entity_type)
    table = MatchModelVersion.__table__
    stored = session.execute(select(table.c.model).where(
        table.c.entity_type == entity_type, table.c.version == version)).scalar()
    if stored is None:
        raise NotFoundError(f"no {entity_type} match model of version {version!r}")
    return model_from_dict(stored)


def next_version(session: Session, entity_type: str) -> str:
    """Returns the name for the next trained version of `entity_type`."""
    table = MatchModelVersion.__table__
    stored = session.scalar(select(func.count()).where(table.c.entity_type == entity_type))
    return f"{entity_type}-trained-{stored + 1}"


def store_model(session: Session, model: MatchModel, *, actor: str, active: bool,
                now: dt.datetime) -> None:
    """Stores `model` as a new version of its entity type; an active one replaces the active."""
    if active:
        _deactivate(session, model.entity_type)
    session.add(MatchModelVersion(entity_type=model.entity_type, version=model.version,
                                  model=model_to_dict(model), created_at=now, created_by=actor,
                                  is_active=active))
    session.flush()


def activate_model(session: Session, entity_type: str, version: str) -> None:
    """Makes `version` decide `entity_type` (the shipped one: no stored version active)."""
    model_of_version(session, entity_type, version)
    _deactivate(session, entity_type)
    table = MatchModelVersion.__table__
    session.execute(update(table).where(table.c.entity_type == entity_type,
                                        table.c.version == version).values(is_active=True))
    session.flush()


def _deactivate(session: Session, entity_type: str) -> None:
    table = MatchModelVersion.__table__
    session.execute(update(table).where(table.c.entity_type == entity_type,
                                        table.c.is_active.is_(True)).values(is_active=False))
