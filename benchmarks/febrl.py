"""Febrl records mapped into mdm's customer record contract, and their match views.

The mapping follows the record contract of DESIGN.md: given_name → first_name,
surname → last_name, date_of_birth → birth_date, the address parts →
address, soc_sec_id → national_id (a personal government number, not a household card).
"""

from __future__ import annotations

import datetime as dt

import jellyfish
import pandas as pd

from matching.views import AddressView, CustomerView, PersonName


def _clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def _iso_date(value: object) -> str | None:
    text = _clean(value)
    if not text or len(text) != 8:
        return text
    return f"{text[:4]}-{text[4:6]}-{text[6:]}"


def febrl_raw_records(frame: pd.DataFrame) -> list[dict]:
    """One raw customer record per Febrl row, keyed by the Febrl record id."""
    records = []
    for rec_id, row in frame.iterrows():
        records.append(
            {
                "source_key": rec_id,
                "first_name": _clean(row["given_name"]),
                "last_name": _clean(row["surname"]),
                "birth_date": _iso_date(row["date_of_birth"]),
                "national_id": _clean(row["soc_sec_id"]),
                "address": {
                    "country": "AU",
                    "region": _clean(row["state"]),
                    "city": _clean(row["suburb"]),
                    "street": _clean(row["address_1"]),
                    "house": _clean(row["street_number"]),
                    "flat": _clean(row["address_2"]),
                    "postcode": _clean(row["postcode"]),
                },
            }
        )
    return records


def views_of(records: list[dict]) -> list[CustomerView]:
    """Match views of raw records, through `standardise_customer` when it exists."""
    try:
        from matching.standardise import standardise_customer
    except ImportError:
        return [_fallback_view(r) for r in records]
    return [
        standardise_customer(r, record_id=r["source_key"], source="febrl", region="AU")
        for r in records
    ]


def _name(raw: str | None) -> PersonName | None:
    if not raw:
        return None
    latin = raw.casefold()
    return PersonName(latin, latin, jellyfish.nysiis(latin), is_initial=len(latin) == 1)


def _date(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _fallback_view(record: dict) -> CustomerView:
    # Used only until matching.standardise lands: casefolded names, NYSIIS keys.
    born = _date(record["birth_date"])
    swapped = None
    if born and born.day <= 12 and born.day != born.month:
        swapped = dt.date(born.year, born.day, born.month)
    address = record["address"]
    parts = [address[k] for k in ("house", "street", "flat", "city", "postcode") if address[k]]
    return CustomerView(
        record_id=record["source_key"],
        source="febrl",
        first_name=_name(record["first_name"]),
        last_name=_name(record["last_name"]),
        last_name_stem=record["last_name"].casefold() if record["last_name"] else None,
        birth_date=born,
        birth_date_swapped=swapped,
        national_id=record["national_id"],
        address=AddressView(
            country="AU",
            region=address["region"],
            city=address["city"],
            street=address["street"],
            house=address["house"],
            flat=address["flat"],
            postcode=address["postcode"],
            key=" ".join(parts) or None,
        ),
    )
