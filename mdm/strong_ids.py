"""Strong identifiers of a raw record, as match keys: the foundation's exact-link rule."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from stdnum import ean


def identifier_keys(entity_type: str, payload: Mapping[str, Any],
                    region: str = "RU") -> frozenset[str]:
    """Keys such as `email:…`, `phone:+7…`, `gtin:0…` that identify the real entity."""
    keys = set()
    if entity_type == "customer":
        email = _email(payload.get("email"))
        phone = _phone(payload.get("phone"), region)
        keys.update(key for key in (email and f"email:{email}", phone and f"phone:{phone}")
                    if key)
    elif entity_type == "product":
        gtin = _gtin(payload.get("gtin"))
        if gtin:
            keys.add(f"gtin:{gtin}")
    return frozenset(keys)


def _email(raw: Any) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def _phone(raw: Any, region: str) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _gtin(raw: Any) -> str | None:
    text = str(raw).strip() if isinstance(raw, str | int) else ""
    return text.zfill(14) if text and ean.is_valid(text) else None
