"""Match view → flat columns of plain values, the one input of every comparison.

Both paths read these columns: the single-record path as one dict per view,
the batch path as one array per column. An unknown value is always None
(never "" or an empty set), so "null is its own level" holds everywhere.
"""

from __future__ import annotations

from typing import Any

from matching.views import CustomerView, PersonName, ProductView

CUSTOMER_COLUMNS = (
    "first_latin",
    "first_canon",
    "first_phon",
    "first_initial",
    "last_latin",
    "last_canon",
    "last_phon",
    "last_initial",
    "middle_latin",
    "middle_canon",
    "middle_phon",
    "middle_initial",
    "gender",
    "emails",
    "email_locals",
    "phone_evidence",
    "dob",
    "dob_swapped",
    "address_key",
    "street",
    "house",
    "postcode",
    "city",
    "card",
    "national_id",
)
PRODUCT_COLUMNS = (
    "gtin",
    "gtin_family",
    "brand",
    "title",
    "quantity",
    "pack_count",
    "color",
    "size",
    "category",
    "variant",
)


def _text(value: str | None) -> str | None:
    return value or None


def _name_columns(part: str, name: PersonName | None, canon: str | None = None) -> dict:
    if name is None or not name.latin:
        return {
            f"{part}_latin": None,
            f"{part}_canon": None,
            f"{part}_phon": None,
            f"{part}_initial": False,
        }
    return {
        f"{part}_latin": name.latin,
        f"{part}_canon": canon or name.canonical or name.latin,
        f"{part}_phon": _text(name.phonetic),
        f"{part}_initial": name.is_initial,
    }


def _date_text(value: Any) -> str | None:
    return value.strftime("%Y%m%d") if value is not None else None


def customer_columns(view: CustomerView) -> dict[str, Any]:
    """The comparison columns of one customer view."""
    address = view.address
    columns = {
        **_name_columns("first", view.first_name),
        # The gender-neutral stem lets Иванов and Иванова agree exactly.
        **_name_columns("last", view.last_name, view.last_name_stem),
        **_name_columns("middle", view.middle_name),
        "gender": view.gender or None,
        "emails": frozenset(view.emails) or None,
        "email_locals": frozenset(e.split("@", 1)[0] for e in view.emails) or None,
        "phone_evidence": (
            (frozenset(view.phones), view.phone_suffix, view.phone_prefix)
            if view.phones or view.phone_suffix
            else None
        ),
        "dob": _date_text(view.birth_date),
        "dob_swapped": _date_text(view.birth_date_swapped),
        "address_key": _text(address.key) if address else None,
        "street": _text(address.street) if address else None,
        "house": _text(address.house) if address else None,
        "postcode": _text(address.postcode) if address else None,
        "city": _text(address.city) if address else None,
        "card": _text(view.loyalty_card),
        "national_id": _text(view.national_id),
    }
    return columns


def product_columns(view: ProductView) -> dict[str, Any]:
    """The comparison columns of one product view (an invalid GTIN is never used)."""
    title = " ".join(view.title_tokens) or view.title or None
    quantity = view.quantity
    return {
        "gtin": _text(view.gtin),
        "gtin_family": view.gtin[:11] if view.gtin else None,
        "brand": _text(view.brand),
        "title": title,
        "quantity": (quantity.unit, float(quantity.amount)) if quantity else None,
        "pack_count": view.pack_count,
        "color": _text(view.color),
        "size": _text(view.size),
        "category": _text(view.category),
        "variant": _variant(view),
    }


def _variant(view: ProductView) -> str:
    # Every variant attribute, unknown ones included: equal only when both listings name
    # the same variant, or leave the same attributes out.
    quantity = view.quantity
    amount = f"{quantity.amount:g}{quantity.unit}" if quantity else "-"
    return "|".join(map(str, (amount, view.pack_count or 1, view.color or "-", view.size or "-")))
