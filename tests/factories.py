"""Vivid, realistic records in the record contract."""

from __future__ import annotations

from typing import Any

from mdm import keys, sources
from mdm.extensions import db


def make_customer(**overrides: Any) -> dict[str, Any]:
    record = {
        "source_key": "c-1001",
        "first_name": "Юлия",
        "last_name": "Иванова",
        "middle_name": "Сергеевна",
        "email": "yulia.ivanova@example.ru",
        "phone": "+7 912 345-67-89",
        "birth_date": "1987-03-05",
        "address": {"country": "RU", "city": "Москва", "street": "ул. Тверская",
                    "house": "12", "flat": "45", "postcode": "125009"},
        "loyalty_card": "7700123456",
        "updated_at": "2026-11-01T10:00:00+03:00",
    }
    record.update(overrides)
    return record


def make_product(**overrides: Any) -> dict[str, Any]:
    record = {
        "source_key": "p-501",
        "gtin": "4607123456781",
        "brand": "Простоквашино",
        "title": "Молоко Простоквашино 3,2% 0,93 л",
        "category": "Молочные продукты",
        "attributes": {"volume": "0,93 л"},
        "price": "89.90",
        "currency": "RUB",
        "updated_at": "2026-11-01T10:00:00Z",
    }
    record.update(overrides)
    return record


def add_source_with_key(name: str = "web_shop", scope: str = "push") -> str:
    """Register a source and return a push key for it (inside an app context)."""
    sources.add_source(db.session, name)
    key = keys.create_key(db.session, scope, name if scope == "push" else None)
    db.session.commit()
    return key
