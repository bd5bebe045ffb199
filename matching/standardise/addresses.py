"""Postal addresses: abbreviations expanded, the same canonical Latin as names, a place key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache

from matching.data import read_rows
from matching.standardise.text import clean_text, latin_key, to_latin
from matching.views import AddressView

ADDRESS_FIELDS = ("country", "region", "city", "street", "house", "flat", "postcode")
_RU_POSTCODE = re.compile(r"\d{6}")
# "пр-т", "б-р", "р-н": one abbreviation written with a hyphen.
_HYPHENATED_ABBREVIATION = re.compile(r"\b([^\W\d_]{1,2})-([^\W\d_])\b")
_TOKEN = re.compile(
    r"\d+(?:[^\W\d_](?!\w))?(?:/\d+(?:[^\W\d_](?!\w))?)?"   # 5, 5а, 5/2, 12б/1
    r"|[^\W\d_]+"
)
# "5th Avenue" is read like "5-го": a number that belongs to the street name.
_ENGLISH_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_ORDINAL_SUFFIXES = frozenset({"ia", "i", "aia", "oi", "go"})  # 1-я, 2-й, 3-ая ... folded
_NUMBERED_SLOTS = ("house", "corpus", "building", "flat")


@lru_cache(maxsize=1)
def _address_words() -> dict[str, tuple[str, str]]:
    """Folded address word → (kind, canonical); kinds as in address_words.csv."""
    return {to_latin(clean_text(row["word"]).replace("-", "")): (row["kind"], row["canonical"])
            for row in read_rows("address_words.csv")}


@lru_cache(maxsize=1)
def _place_aliases() -> dict[tuple[str, str], str]:
    return {(row["kind"], latin_key(row["alias"])): row["canonical"]
            for row in read_rows("place_aliases.csv")}


@dataclass
class _Parts:
    street_words: list[str] = field(default_factory=list)
    street_type: str | None = None
    house: str | None = None
    corpus: str | None = None
    building: str | None = None
    flat: str | None = None


def standardise_address(raw: object, *, default_country: str | None = None) -> AddressView | None:
    """The standardised address of a raw address mapping; None when it is not a mapping.

    Street, house and flat may each hold more than their part ("ул. Ленина, д. 5, кв. 12"
    in `street`); explicit `house` and `flat` fields win. `key` is equal for the same
    place however it is written, and None without a street and a house.

    >>> a = standardise_address({"city": "г. Москва", "street": "ул. Ленина, д. 5, кв. 12"})
    >>> b = standardise_address(
    ...     {"city": "Moscow", "street": "Lenina st.", "house": "5", "flat": "12"})
    >>> a.key == b.key == 'moskva|lenina|5|12'
    True
    """
    if not isinstance(raw, Mapping):
        return None
    written = tuple(_text(raw.get(field)) for field in ADDRESS_FIELDS)
    return _standardise_address(written, default_country)


@lru_cache(maxsize=65536)
def _standardise_address(written: tuple[str, ...], default_country: str | None) -> AddressView:
    raw = dict(zip(ADDRESS_FIELDS, written, strict=True))
    # A copy: _parse_line's results are cached and shared.
    parts = replace(_parse_line(raw["street"], None))
    for slot in ("house", "flat"):
        given = _parse_line(raw[slot], slot)
        if getattr(given, slot):
            parts = _with_slot(parts, given, slot)
    country = standardise_country(raw["country"]) or default_country
    view = AddressView(
        country=country,
        region=standardise_region(raw["region"]),
        city=standardise_city(raw["city"]),
        street=" ".join(parts.street_words) or None,
        street_type=parts.street_type,
        house=_house_code(parts),
        flat=parts.flat,
        postcode=standardise_postcode(raw["postcode"], country),
    )
    return _with_key(view)


def _text(value: object) -> str:
    # Wrong types count as missing here; the record's builder reports them.
    return value if isinstance(value, str) else ""


def _with_slot(parts: _Parts, given: _Parts, slot: str) -> _Parts:
    parts.__dict__[slot] = getattr(given, slot)
    if slot == "house":
        parts.corpus = given.corpus or parts.corpus
        parts.building = given.building or parts.building
    return parts


def _with_key(view: AddressView) -> AddressView:
    if not view.street or not view.house:
        return view
    # Word order varies ("1-я Тверская-Ямская" / "Тверская-Ямская 1-я"), so sort it.
    street = " ".join(sorted(view.street.split()))
    key = "|".join((view.city or view.postcode or "", street, view.house, view.flat or ""))
    return AddressView(**{**view.__dict__, "key": key})


@lru_cache(maxsize=65536)
def _parse_line(text: str, default_slot: str | None) -> _Parts:
    cleaned = _HYPHENATED_ABBREVIATION.sub(r"\1\2", clean_text(text))
    cleaned = _ENGLISH_ORDINAL.sub(r"\1 go", cleaned)
    tokens = [to_latin(token) for token in _TOKEN.findall(cleaned)]
    parts, pending = _Parts(), default_slot
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        pending = _read_token(parts, token, following, pending)
    return parts


def _read_token(parts: _Parts, token: str, following: str, pending: str | None) -> str | None:
    """Puts `token` into `parts`; returns the slot the next number goes to."""
    kind, canonical = _address_words().get(token, ("", ""))
    if kind in _NUMBERED_SLOTS and following[:1].isdigit():
        return kind
    if kind == "street_type":
        parts.street_type = parts.street_type or canonical
        return pending
    if kind in ("city_type", "region_type"):
        return pending
    if token[:1].isdigit():
        return _read_number(parts, token, following, pending)
    if token in _ORDINAL_SUFFIXES and parts.street_words and parts.street_words[-1].isdigit():
        return pending
    if len(token) == 1 and parts.house and parts.house.isdigit() and not parts.flat:
        parts.house += token  # "5 а" → 5a
        return pending
    parts.street_words.append(token)
    return pending


def _read_number(parts: _Parts, token: str, following: str, pending: str | None) -> str | None:
    if pending and getattr(parts, pending) is None:
        setattr(parts, pending, token)
    elif following in _ORDINAL_SUFFIXES or _starts_street_name(parts, following):
        parts.street_words.append(token)
    elif parts.house is None:
        parts.house = token
    elif parts.flat is None:
        parts.flat = token  # "Ленина 5-12": house 5, flat 12
    return None


def _starts_street_name(parts: _Parts, following: str) -> bool:
    # "ул. 1 Мая": a number before the first word of the name is part of it.
    kind = _address_words().get(following, ("", ""))[0]
    return not parts.street_words and following[:1].isalpha() and not kind


def _house_code(parts: _Parts) -> str | None:
    if parts.house is None:
        return None
    corpus = f"k{parts.corpus}" if parts.corpus else ""
    building = f"s{parts.building}" if parts.building else ""
    return f"{parts.house}{corpus}{building}"


@lru_cache(maxsize=65536)
def standardise_city(raw: str) -> str | None:
    """The canonical Latin city name without "г."/"город"; None when empty.

    >>> standardise_city("г. Санкт-Петербург"), standardise_city("St. Petersburg")
    ('sankt peterburg', 'sankt peterburg')
    """
    name = _without_kinds(raw, ("city_type",))
    alias = _place_aliases().get(("city", name))
    return latin_key(alias) if alias else name or None


@lru_cache(maxsize=4096)
def standardise_region(raw: str) -> str | None:
    """The canonical Latin region name without "обл."/"край"/"region"; None when empty.

    >>> standardise_region("Московская обл.") == standardise_region("Moskovskaya oblast")
    True
    """
    return _without_kinds(raw, ("region_type",)) or None


@lru_cache(maxsize=1024)
def standardise_country(raw: str) -> str | None:
    """The ISO 3166 alpha-2 code for a country name or code; None when unknown.

    >>> standardise_country("Россия"), standardise_country("ru"), standardise_country("Narnia")
    ('RU', 'RU', None)
    """
    text = clean_text(raw)
    if re.fullmatch(r"[a-z]{2}", text):
        return text.upper()
    return _place_aliases().get(("country", latin_key(text)))


def standardise_postcode(raw: str, country: str | None = "RU") -> str | None:
    """The postcode: six digits in Russia, else upper case without spaces; None when invalid.

    >>> standardise_postcode(" 101 000 "), standardise_postcode("1010")
    ('101000', None)
    """
    compact = "".join(clean_text(raw).split()).upper()
    if not compact:
        return None
    if country in (None, "RU"):
        return compact if _RU_POSTCODE.fullmatch(compact) else None
    return compact


def _without_kinds(raw: str, kinds: tuple[str, ...]) -> str:
    words = latin_key(_HYPHENATED_ABBREVIATION.sub(r"\1\2", clean_text(raw))).split()
    address_words = _address_words()
    return " ".join(w for w in words if address_words.get(w, ("", ""))[0] not in kinds)
