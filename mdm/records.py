"""The record contract: one marshmallow schema per entity type, validating channel records.

Unknown fields are kept (they stay in the raw record) and ignored by matching; a wrong type is
a per-record error, never a crash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from marshmallow import INCLUDE, Schema, ValidationError, fields, validate, validates_schema

from mdm.errors import UnknownEntityTypeError

MAX_TEXT = 1000


def _text(max_length: int = 200, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=max_length), allow_none=True, **kwargs)


class Timestamp(fields.Field):
    """An ISO 8601 timestamp, kept as text; naive values are read as UTC."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, str):
            raise ValidationError("Not a valid ISO 8601 timestamp.")
        try:
            dt.datetime.fromisoformat(value.strip())
        except ValueError as error:
            raise ValidationError("Not a valid ISO 8601 timestamp.") from error
        return value


class Identifier(fields.Field):
    """A code sent as text or as a whole number (channels send GTINs both ways)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValidationError("Not a valid code: send a string or a whole number.")
        text = str(value)
        if len(text) > 64:
            raise ValidationError("Longer than 64 characters.")
        return text


class RecordSchema(Schema):
    class Meta:
        unknown = INCLUDE

    source_key = fields.String(required=True, validate=validate.Length(min=1, max=256))
    source = fields.String()
    entity_type = fields.String()
    updated_at = Timestamp(allow_none=True)

    @validates_schema
    def _check_source_key(self, data, **kwargs):
        if "source_key" in data and not data["source_key"].strip():
            raise ValidationError("Must not be blank.", "source_key")


class AddressSchema(Schema):
    class Meta:
        unknown = INCLUDE

    country = _text(100)
    region = _text()
    city = _text()
    street = _text()
    house = _text(50)
    flat = _text(50)
    postcode = _text(20)


class CustomerSchema(RecordSchema):
    first_name = _text()
    last_name = _text()
    middle_name = _text()
    email = _text(320)
    phone = _text(64)
    birth_date = _text(32)
    address = fields.Nested(AddressSchema, allow_none=True)
    loyalty_card = Identifier(allow_none=True)
    national_id = Identifier(allow_none=True)


class ProductSchema(RecordSchema):
    gtin = Identifier(allow_none=True)
    brand = _text()
    title = _text(MAX_TEXT)
    category = _text(MAX_TEXT)
    attributes = fields.Dict(keys=fields.String(), allow_none=True)
    price = fields.Decimal(allow_none=True, validate=validate.Range(min=0), as_string=True)
    currency = fields.String(allow_none=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))


class StockSchema(RecordSchema):
    location_id = fields.String(required=True, validate=validate.Length(min=1, max=64))
    source_sku = fields.String(required=True, validate=validate.Length(min=1, max=256))
    on_hand = fields.Integer(required=True, strict=False, validate=validate.Range(min=0))


class PriceSchema(RecordSchema):
    channel = _text(64)
    source_sku = fields.String(required=True, validate=validate.Length(min=1, max=256))
    price = fields.Decimal(required=True, validate=validate.Range(min=0), as_string=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z]{3}$"))
    valid_from = Timestamp(allow_none=True)
    valid_to = Timestamp(allow_none=True)


SCHEMAS: dict[str, Schema] = {
    "customer": CustomerSchema(),
    "product": ProductSchema(),
    "stock": StockSchema(),
    "price": PriceSchema(),
}


def schema_for(entity_type: str) -> Schema:
    """The schema of `entity_type`; UnknownEntityTypeError for any other name."""
    try:
        return SCHEMAS[entity_type]
    except KeyError:
        known = ", ".join(SCHEMAS)
        raise UnknownEntityTypeError(
            f"unknown entity type {entity_type!r}; known: {known}"
        ) from None


def validate_record(entity_type: str, raw: Any, source_name: str) -> dict[str, list[str]]:
    """Field errors of one raw record ({} when valid), routing fields included."""
    if not isinstance(raw, Mapping):
        return {"_record": ["A record must be a JSON object."]}
    errors = schema_for(entity_type).validate(raw)
    errors.update(unstorable_text(raw))
    if raw.get("source") not in (None, source_name):
        errors.setdefault("source", []).append(f"Must be {source_name!r}, the pushing source.")
    if raw.get("entity_type") not in (None, entity_type):
        errors.setdefault("entity_type", []).append(f"Must be {entity_type!r}.")
    return errors


UNSTORABLE = "Contains a NUL character or an unpaired surrogate, which cannot be stored."


def unstorable_text(value: Any, path: str = "") -> dict[str, list[str]]:
    """Fields whose text no database can keep (NUL, lone surrogates), by dotted path.

    >>> unstorable_text({"first_name": "Ю\\x00лия", "address": {"city": "Москва"}})
    {'first_name': ['Contains a NUL character or an unpaired surrogate, which cannot be stored.']}
    """
    if isinstance(value, str):
        return {path or "_record": [UNSTORABLE]} if not _is_storable(value) else {}
    errors: dict[str, list[str]] = {}
    items = value.items() if isinstance(value, Mapping) else (
        enumerate(value) if isinstance(value, list) else ())
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and not _is_storable(key):
            errors[name] = [UNSTORABLE]
        errors.update(unstorable_text(item, name))
    return errors


def _is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
