"""National ids: a person's own document number (tax id, SNILS, SSN, passport).

Unlike a loyalty card, a personal document number is never shared within a
household, so two records carrying the same one are the same person. The
number is normalised to its letters and digits in upper case, a leading label
("ИНН", "SSN", "паспорт №") dropped. Where the number carries a check digit
(the INN of a person, SNILS) it is verified: a failing INN is refused, and only
two verified numbers that differ prove two different documents; an unverifiable
number that differs may be a keying error.
"""

from __future__ import annotations

import re

from stdnum.ru import inn

from matching.standardise.junk import is_dummy_digits

_LABEL = re.compile(
    r"^\s*(?:инн|inn|снилс|snils|ssn|tin|паспорт|passport|pasport|id)\b[\s.:#№-]*",
    re.IGNORECASE,
)
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_MIN_CHARS = 5
_PERSONAL_INN_DIGITS = 12
_SNILS_DIGITS = 11


def standardise_national_id(raw: str | None) -> str | None:
    """The normalised document number, or None when it is empty, a dummy or a failing INN.

    >>> standardise_national_id("ИНН 5001-0073-2259"), standardise_national_id("ssn 078-05-1120")
    ('500100732259', '078051120')
    >>> standardise_national_id("500100732258"), standardise_national_id("000000000")
    (None, None)
    """
    if not raw:
        return None
    number = _NOT_ALPHANUMERIC.sub("", _LABEL.sub("", raw)).upper()
    if len(number) < _MIN_CHARS or (number.isdigit() and is_dummy_digits(number)):
        return None
    # Twelve digits is the shape of a person's INN: its check digits must hold.
    if number.isdigit() and len(number) == _PERSONAL_INN_DIGITS and not inn.is_valid(number):
        return None
    return number


def is_verified_national_id(number: str) -> bool:
    """True when `number`'s own check digits hold (a person's INN, a SNILS).

    >>> is_verified_national_id("500100732259"), is_verified_national_id("11223344595")
    (True, True)
    >>> is_verified_national_id("11223344596"), is_verified_national_id("078051120")
    (False, False)
    """
    if not number.isdigit():
        return False
    if len(number) == _PERSONAL_INN_DIGITS:
        return inn.is_valid(number)
    if len(number) == _SNILS_DIGITS:
        return _snils_check(number[:9]) == number[9:]
    return False


def _snils_check(body: str) -> str:
    # Pension Fund rule: digits weighted 9..1, sum mod 101, and 100 reads as 00.
    total = sum(int(digit) * weight for digit, weight in zip(body, range(9, 0, -1), strict=True))
    return f"{total % 101 % 100:02d}"


def id_shape(number: str) -> str:
    """Letters and digits of `number` as `A` and `9`: numbers of one kind of document share it.

    >>> id_shape("AB1234567")
    'AA9999999'
    """
    return "".join("9" if c.isdigit() else "A" for c in number)
