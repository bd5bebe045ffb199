"""Brands: one canonical Latin key for any script, case, accent or punctuation."""

from __future__ import annotations

from functools import lru_cache

from matching.data import read_rows
from matching.standardise.text import clean_text, to_latin, words


def brand_key(raw: str) -> str:
    """The folded Latin letters and digits of `raw`, without spaces or punctuation.

    >>> brand_key("Coca-Cola") == brand_key("Кока Кола") == 'kokakola'
    True
    """
    # Folded again once joined: "A:A" and "AA" must not differ by a double letter.
    return to_latin("".join(to_latin(word) for word in words(clean_text(raw))))


@lru_cache(maxsize=1)
def _brand_aliases() -> dict[str, str]:
    aliases = {}
    for row in read_rows("brand_aliases.csv"):
        aliases[brand_key(row["alias"])] = row["brand"]
        aliases[brand_key(row["brand"])] = row["brand"]
    return aliases


def standardise_brand(raw: object) -> str | None:
    """The canonical brand: the alias file's name, else `brand_key`; None when empty.

    >>> standardise_brand("Самсунг"), standardise_brand("L’Oréal"), standardise_brand("SONY")
    ('samsung', 'loreal', 'sony')
    """
    if not isinstance(raw, str):
        return None
    return _standardise_brand(raw)


@lru_cache(maxsize=65536)
def _standardise_brand(raw: str) -> str | None:
    key = brand_key(raw)
    if not key:
        return None
    return _brand_aliases().get(key, key)
