"""Match views: what the matcher actually compares, one per source record.

`matching.standardise` builds them from raw records; blocking, comparison and
classification read only these. Every field is already standardised, so the
comparison functions never clean data themselves. A None or an empty tuple
means "unknown", never "agrees".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PersonName:
    """One name part in the forms the matcher compares.

    `latin` is the casefolded Latin transliteration (ICAO Doc 9303, `ё`→`е`,
    then Latin spelling variants folded: Yulia, Julia, Iuliia → iulia; see
    `matching.standardise.text`);
    `canonical` resolves diminutives (Саша → aleksandr, Bob → robert) and is
    equal to `latin` when there is none; `phonetic` is a phonetic key of
    `canonical`; `is_initial` marks a name given only as an initial.
    """

    latin: str
    canonical: str
    phonetic: str
    is_initial: bool = False
    # Other given names an ambiguous diminutive may stand for (Саша → aleksandra
    # when `canonical` is aleksandr); empty when there is no doubt.
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class AddressView:
    country: str | None = None
    region: str | None = None
    city: str | None = None
    street: str | None = None      # abbreviations expanded, type words removed
    house: str | None = None
    flat: str | None = None
    postcode: str | None = None
    # Postal form of the whole address; equal keys mean "same place".
    key: str | None = None
    # The removed type word, canonical: ul, pr, per, bul, sh, nab, pl ...
    street_type: str | None = None


@dataclass(frozen=True)
class CustomerView:
    record_id: str
    source: str
    first_name: PersonName | None = None
    last_name: PersonName | None = None
    middle_name: PersonName | None = None
    # Gender-neutral form of the last name: ivanov for Иванов and Иванова.
    last_name_stem: str | None = None
    # 'f', 'm' or None, inferred from the given name, patronymic or surname.
    gender: str | None = None
    emails: tuple[str, ...] = ()            # normalised, valid only
    phones: tuple[str, ...] = ()            # E.164, valid only
    # Last digits of a masked phone (`+7 916 ***-**-67` → '67'); weak evidence.
    phone_suffix: str | None = None
    birth_date: dt.date | None = None
    # The same date with day and month swapped when that is also a valid date.
    birth_date_swapped: dt.date | None = None
    address: AddressView | None = None
    loyalty_card: str | None = None
    # Raw values that failed validation, kept for data-quality reports.
    invalid: tuple[str, ...] = field(default=())
    # Digits a masked phone shows before its mask, as the start of an E.164 number
    # (`+7 916 ***-**-67` → '+7916'); with the suffix, weak evidence grows moderate.
    phone_prefix: str | None = None
    # A personal document number (tax id, SNILS, SSN, passport): letters and digits, upper case.
    national_id: str | None = None


@dataclass(frozen=True)
class Quantity:
    """A parsed amount in a base unit: ml for volume, g for weight, pcs for count."""

    amount: float
    unit: str


@dataclass(frozen=True)
class ProductView:
    record_id: str
    source: str
    gtin: str | None = None          # GTIN-14, check digit verified
    gtin_invalid: str | None = None  # as received, when the check digit fails
    brand: str | None = None         # canonical brand, Latin, casefolded
    title_tokens: tuple[str, ...] = ()  # words of the title without brand, units, colours, sizes
    title: str | None = None         # normalised title text
    category: str | None = None
    quantity: Quantity | None = None  # volume or weight of one unit
    pack_count: int | None = None     # units per pack (6 x 0,5 л → 6)
    color: str | None = None          # canonical colour name (English)
    size: str | None = None           # canonical size (S, M, 42, 42.5 ...)
    invalid: tuple[str, ...] = field(default=())
