"""Phone numbers: E.164 through phonenumbers, and the visible tail of masked numbers."""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_MASK = re.compile(r"\*|[xX×•#_…]{2,}")  # one "x" may be an extension: "x123"
_TRAILING_DIGITS = re.compile(r"(\d[\d\s\-().]*)$")
# A phone field may hold several numbers: "8 912 345-67-89, 8 (495) 123-45-67".
PHONE_SEPARATORS = re.compile(r"[,;]|\s/\s")


def standardise_phone(raw: object, region: str = "RU") -> str | None:
    """E.164 form of `raw`, or None when it cannot be a real number.

    `region` is the country assumed for numbers written without a country code.

    >>> standardise_phone("8 (912) 345-67-89")
    '+79123456789'
    >>> standardise_phone("+7 912 345-67-89") == standardise_phone("79123456789")
    True
    >>> standardise_phone("12345") is None
    True
    """
    if not isinstance(raw, str) or not isinstance(region, str):
        return None
    return _standardise_phone(raw.strip(), region.upper())


@lru_cache(maxsize=262144)
def _standardise_phone(raw: str, region: str) -> str | None:
    if not raw or _MASK.search(raw):
        return None
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def masked_phone_suffix(raw: object) -> str | None:
    """The digits visible after the mask of a masked phone, or None when it is not masked.

    >>> masked_phone_suffix("+7 916 ***-**-67")
    '67'
    >>> masked_phone_suffix("+7 916 123-45-67") is None
    True
    """
    if not isinstance(raw, str) or not _MASK.search(raw):
        return None
    tail = _TRAILING_DIGITS.search(_MASK.split(raw)[-1])
    if tail is None:
        return None
    return re.sub(r"\D", "", tail.group(1)) or None


def masked_phone_prefix(raw: object) -> str | None:
    """The digits visible before the mask of a masked phone, or None when it is not masked.

    >>> masked_phone_prefix("+7 916 ***-**-67")
    '7916'
    """
    if not isinstance(raw, str) or not _MASK.search(raw):
        return None
    return re.sub(r"\D", "", _MASK.split(raw)[0]) or None


def masked_phone_start(raw: object, region: str = "RU") -> str | None:
    """The visible start of a masked phone as the start of an E.164 number, or None.

    A national start gets the `region`'s country code; for Russia the trunk
    prefix 8 stands for +7. Fewer than two national digits say nothing: None.

    >>> masked_phone_start("+7 916 ***-**-67"), masked_phone_start("8 (916) ***-**-67")
    ('+7916', '+7916')
    >>> masked_phone_start("916 *** ** 67")
    '+7916'
    """
    digits = masked_phone_prefix(raw)
    if digits is None or not isinstance(region, str):
        return None
    country = str(phonenumbers.country_code_for_region(region.upper()) or "")
    if raw.lstrip().startswith("+"):
        start = digits
    elif region.upper() == "RU" and digits.startswith("8") and len(digits) >= 4:
        start = country + digits[1:]
    elif digits.startswith(country) and len(digits) >= len(country) + 3:
        start = digits
    else:
        start = country + digits
    return f"+{start}" if len(start) >= len(country) + 2 else None
