"""Stored match views: each source record's standardised view, written when it is matched.

A candidate's view is read back (a JSON decode, ~10 µs) instead of being standardised again
from its payload (~350 µs). A view missing, or written for another shape of the views, is
standardised afresh by the caller.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from typing import Any

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from matching import views as view_classes
from matching.views import CustomerView, ProductView
from mdm.models.match_views import MatchView
from mdm.store.in_lists import padded_chunks
from mdm.store.insert_batch import InsertBatch, or_immediate

VIEW_TYPES = {"customer": CustomerView, "product": ProductView}
CHUNK = 500
_encoder = msgspec.json.Encoder()


@lru_cache(maxsize=4)
def _decoder(entity_type: str) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(VIEW_TYPES[entity_type])


@lru_cache(maxsize=4)
def fingerprint(entity_type: str) -> str:
    """Returns a short hash of the field names and types of the entity type's view classes.

    >>> fingerprint("customer") == fingerprint("customer") != fingerprint("product")
    True
    """
    classes = sorted((c for c in vars(view_classes).values() if dataclasses.is_dataclass(c)
                      and c.__module__ == view_classes.__name__), key=lambda c: c.__name__)
    shape = [VIEW_TYPES[entity_type].__name__] + [
        (c.__name__, [(f.name, str(f.type)) for f in dataclasses.fields(c)]) for c in classes]
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:16]


def encode_view(view: Any) -> str:
    """Returns the JSON text of a match view."""
    return _encoder.encode(view).decode()


def decode_view(entity_type: str, text: str) -> Any:
    """Returns the match view stored as `text`; msgspec.ValidationError when it does not fit."""
    return _decoder(entity_type).decode(text)


def save_views(session: Session, entity_type: str, views: Mapping[uuid.UUID, Any],
               *, new: Collection[uuid.UUID] = (), batch: InsertBatch | None = None) -> None:
    """Store each record's match view in place of its previous one (`new` records have none).

    The old views are deleted at once; the new ones go through `batch`, if given.
    """
    table = MatchView.__table__
    ids = [record_id for record_id in views if record_id not in new]
    for part in padded_chunks(ids, CHUNK):
        session.execute(delete(table).where(table.c.source_record_id.in_(part)))
    stamp = fingerprint(entity_type)
    rows = [{"source_record_id": record_id, "entity_type": entity_type, "fingerprint": stamp,
             "view": encode_view(view)} for record_id, view in views.items()]
    or_immediate(batch).add(session, table, rows)


def load_views(session: Session, entity_type: str,
               record_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Any]:
    """Returns the stored, current-shape match views of `record_ids`; others are left out."""
    table = MatchView.__table__
    ids = list(record_ids)
    stamp = fingerprint(entity_type)
    found = {}
    for part in padded_chunks(ids, CHUNK):
        rows = session.execute(select(table.c.source_record_id, table.c.view).where(
            table.c.source_record_id.in_(part),
            table.c.fingerprint == stamp))
        for record_id, text in rows:
            found[record_id] = decode_view(entity_type, text)
    return found
