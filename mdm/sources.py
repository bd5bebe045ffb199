"""Register channel systems."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.errors import BadRequestError, ConflictError, UnknownSourceError
from mdm.models import Source, utcnow

SOURCE_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")


def add_source(session: Session, name: str, trust: dict | None = None,
               description: str = "") -> Source:
    """Register a source; names are lower-case identifiers such as `marketplace_ozon`."""
    if not SOURCE_NAME.match(name):
        raise BadRequestError(
            f"invalid source name {name!r}: use lower-case letters, digits and _ (2-64)")
    if session.scalar(select(Source).where(Source.name == name)) is not None:
        raise ConflictError(f"source {name!r} exists already")
    source = Source(name=name, trust=trust or {}, description=description, created_at=utcnow())
    session.add(source)
    session.flush()
    return source


def get_source(session: Session, name: str) -> Source:
    """The source called `name`; NotFoundError when there is none."""
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        raise UnknownSourceError(f"unknown source {name!r}; add it with `mdm sources add {name}`")
    return source


def list_sources(session: Session) -> list[Source]:
    """Every registered source, by name."""
    return list(session.scalars(select(Source).order_by(Source.name)))
