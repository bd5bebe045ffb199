"""How records read in lists: a person's name, a product's title."""

from __future__ import annotations

from typing import Any

NAME_PARTS = ("last_name", "first_name", "middle_name")


def record_title(payload: dict[str, Any] | None) -> str:
    """Return a short human title of a record: its name, else its title, else its key.

    >>> record_title({"first_name": "Юлия", "last_name": "Иванова"})
    'Иванова Юлия'
    """
    payload = payload or {}
    name = " ".join(str(payload[part]) for part in NAME_PARTS if payload.get(part))
    return name or str(payload.get("title") or payload.get("gtin") or
                       payload.get("source_key") or "—")
