"""GTINs: EAN-8, UPC-A, EAN-13 and GTIN-14 checked by python-stdnum, stored as GTIN-14."""

from __future__ import annotations

from functools import lru_cache

from stdnum import ean
from stdnum.exceptions import ValidationError


def standardise_gtin(raw: object) -> tuple[str | None, str | None]:
    """(GTIN-14, None) for a valid GTIN; (None, raw) when the check fails; (None, None) if empty.

    Zero-padding to 14 digits makes the UPC-A and the EAN-13 of one item equal.
    Anything but a string is not a GTIN: (None, None); the record builder reports it.

    >>> standardise_gtin("4607123456781")
    ('04607123456781', None)
    >>> standardise_gtin("0 36000 29145 2") == standardise_gtin("0036000291452")
    True
    >>> standardise_gtin("4607123456782")
    (None, '4607123456782')
    """
    if not isinstance(raw, str):
        return None, None
    return _standardise_gtin(raw.strip())


@lru_cache(maxsize=262144)
def _standardise_gtin(raw: str) -> tuple[str | None, str | None]:
    if not raw:
        return None, None
    try:
        return ean.validate(raw).zfill(14), None
    except ValidationError:
        return None, raw
