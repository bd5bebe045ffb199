"""Find golden records by id, e-mail, phone, GTIN (exact, through blocking keys) or name/title."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from matching.block import customer_keys, product_keys
from matching.standardise import standardise_customer, standardise_product
from mdm.models import GoldenRecord, MatchKey, Xref
from mdm.store.golden_state import fold_for_search

RESULT_LIMIT = 50


def identifier_search_keys(query: str) -> set[str]:
    """Return the blocking keys an e-mail, phone or GTIN typed as `query` would carry.

    >>> sorted(k for k in identifier_search_keys("Yulia.Ivanova@Example.ru") if "@" in k)
    ['email:yulia.ivanova@example.ru']
    """
    customer = standardise_customer({"email": query, "phone": query}, record_id="q", source="q")
    product = standardise_product({"gtin": query}, record_id="q", source="q")
    keys = set(customer_keys(customer)) | set(product_keys(product))
    return {key for key in keys if key.split(":", 1)[0] in ("email", "phone", "gtin")}


def _contains(word: str) -> str:
    escaped = fold_for_search(word).replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_")
    return f"%{escaped}%"


def search_golden(session: Session, query: str, limit: int = RESULT_LIMIT) -> list[GoldenRecord]:
    """Return active golden records matching `query`, exact identifiers first."""
    query = query.strip()
    if not query:
        return []
    try:
        return [row for row in [session.get(GoldenRecord, uuid.UUID(query))] if row]
    except ValueError:
        pass
    keys = identifier_search_keys(query)
    by_key = select(Xref.golden_id).join(
        MatchKey, MatchKey.source_record_id == Xref.source_record_id).where(MatchKey.key.in_(keys))
    found = list(session.scalars(select(GoldenRecord).where(
        GoldenRecord.id.in_(by_key), GoldenRecord.status == "active").limit(limit)))
    if found:
        return found
    # Every word must appear somewhere: "юлия иванова" finds first_name Юлия, last_name Иванова.
    # Both sides are casefolded in Python: SQLite's own case folding is ASCII only.
    words = [GoldenRecord.search_text.like(_contains(word), escape="\\")
             for word in query.split()]
    return list(session.scalars(select(GoldenRecord).where(GoldenRecord.status == "active", *words)
                                .order_by(GoldenRecord.updated_at.desc()).limit(limit)))
