"""Customer records → CustomerView: every field standardised, junk and invalid values reported."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache

from matching.standardise.addresses import ADDRESS_FIELDS, standardise_address
from matching.standardise.dates import standardise_birth_date
from matching.standardise.emails import standardise_email
from matching.standardise.gender import infer_gender
from matching.standardise.junk import (
    JunkValues,
    is_dummy_card,
    is_dummy_email,
    is_dummy_phone,
)
from matching.standardise.names import (
    as_surname,
    last_name_stem,
    repair_name_order,
    split_whole_name,
    standardise_name,
    with_gender,
)
from matching.standardise.national_ids import standardise_national_id
from matching.standardise.phones import (
    PHONE_SEPARATORS,
    masked_phone_start,
    masked_phone_suffix,
    standardise_phone,
)
from matching.standardise.problems import NO_JUNK, Problems, text_field
from matching.views import AddressView, CustomerView

_EMAIL_SEPARATORS = re.compile(r"[,;\s]+")
_CARD_FILLER = re.compile(r"[\s\-]+")


def standardise_customer(
    raw: Mapping,
    *,
    record_id: str,
    source: str,
    region: str = "RU",
    junk: JunkValues | None = None,
    today: dt.date | None = None,
) -> CustomerView:
    """The match view of a raw customer record (DESIGN.md's record contract).

    `region` is assumed for phones without a country code and addresses without a
    country; `junk` values are dropped; `today` (default: the record's `updated_at`)
    bounds the birth date. Refused values go to `invalid` as "field:reason:value".

    >>> view = standardise_customer(
    ...     {"first_name": "Иванова", "last_name": "Юля", "phone": "8 912 345-67-89"},
    ...     record_id="42", source="web_shop")
    >>> view.first_name.canonical, view.last_name_stem, view.gender, view.phones
    ('iulia', 'ivanov', 'f', ('+79123456789',))
    """
    problems = Problems()
    if not isinstance(raw, Mapping):
        problems.add("record", "wrong_type", type(raw).__name__)
        return CustomerView(record_id=record_id, source=source, invalid=tuple(problems))
    junk = junk or NO_JUNK
    names = _names(raw, problems)
    emails = _emails(raw, junk, problems)
    phones, phone_suffix, phone_prefix = _phones(raw, region, junk, problems)
    born, swapped = _birth_date(raw, today, problems)
    return CustomerView(
        record_id=record_id,
        source=source,
        **names,
        emails=emails,
        phones=phones,
        phone_suffix=phone_suffix,
        phone_prefix=phone_prefix,
        birth_date=born,
        birth_date_swapped=swapped,
        address=_address(raw, region, junk, problems),
        loyalty_card=_loyalty_card(raw, junk, problems),
        national_id=_national_id(raw, problems),
        invalid=tuple(problems),
    )


def customer_holds_junk(view: CustomerView, junk: JunkValues) -> bool:
    """True when `view`, standardised without `junk`, kept a value that `junk` would drop.

    Only such views change when standardised again with `junk`: a batch re-standardises
    those few instead of every record.
    """
    address_key = view.address.key if view.address else None
    return bool(
        junk.emails.intersection(view.emails)
        or junk.phones.intersection(view.phones)
        or (address_key and address_key in junk.addresses)
        or (view.loyalty_card and view.loyalty_card in junk.loyalty_cards)
    )


def _names(raw: Mapping, problems: Problems) -> dict:
    first, middle, last = (
        text_field(raw, field, problems) for field in ("first_name", "middle_name", "last_name"))
    if middle is None:
        first, last = split_whole_name(first, last)
    return dict(_person_names(first, middle, last))


@lru_cache(maxsize=65536)
def _person_names(
    first_written: str | None, middle_written: str | None, last_written: str | None
) -> tuple[tuple[str, object], ...]:
    first, middle, last = map(standardise_name, (first_written, middle_written, last_written))
    first, last = repair_name_order(first, last)
    gender = infer_gender(first, middle, last)
    last = as_surname(last) if last else None
    return (
        ("first_name", with_gender(first, gender)),
        ("middle_name", as_surname(middle) if middle else None),
        ("last_name", last),
        ("last_name_stem", last_name_stem(last.latin) if last else None),
        ("gender", gender),
    )


def _values(raw: Mapping, field: str, separators: re.Pattern[str], problems: Problems) -> list[str]:
    """The non-empty strings of a field holding one string, several separated, or a list."""
    value = raw.get(field)
    items = value if isinstance(value, list | tuple) else [value]
    found = []
    for item in items:
        text = text_field({field: item}, field, problems)
        if text:
            found.extend(part.strip() for part in separators.split(text) if part.strip())
    return found


def _emails(raw: Mapping, junk: JunkValues, problems: Problems) -> tuple[str, ...]:
    emails: dict[str, None] = {}
    for written in _values(raw, "email", _EMAIL_SEPARATORS, problems):
        email = standardise_email(written)
        if email is None:
            problems.add("email", "invalid", written)
        elif is_dummy_email(email) or email in junk.emails:
            problems.add("email", "junk", email)
        else:
            emails[email] = None
    return tuple(emails)


def _phones(
    raw: Mapping, region: str, junk: JunkValues, problems: Problems
) -> tuple[tuple[str, ...], str | None, str | None]:
    phones: dict[str, None] = {}
    suffix = prefix = None
    for written in _values(raw, "phone", PHONE_SEPARATORS, problems):
        masked = masked_phone_suffix(written)
        phone = None if masked else standardise_phone(written, region)
        if masked:
            if suffix is None:
                suffix, prefix = masked, masked_phone_start(written, region)
        elif phone is None:
            problems.add("phone", "invalid", written)
        elif is_dummy_phone(phone) or phone in junk.phones:
            problems.add("phone", "junk", phone)
        else:
            phones[phone] = None
    return tuple(phones), suffix, prefix


def _birth_date(
    raw: Mapping, today: dt.date | None, problems: Problems
) -> tuple[dt.date | None, dt.date | None]:
    written = text_field(raw, "birth_date", problems)
    if written is None:
        return None, None
    born, swapped = standardise_birth_date(written, today=today or _updated_on(raw))
    if born is None:
        problems.add("birth_date", "invalid", written)
    return born, swapped


def _updated_on(raw: Mapping) -> dt.date | None:
    updated_at = raw.get("updated_at")
    if not isinstance(updated_at, str):
        return None
    try:
        return dt.datetime.fromisoformat(updated_at.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _address(
    raw: Mapping, region: str, junk: JunkValues, problems: Problems
) -> AddressView | None:
    value = raw.get("address")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        problems.add("address", "wrong_type", type(value).__name__)
        return None
    fields = {field: text_field(value, field, problems, "address.") for field in ADDRESS_FIELDS}
    address = standardise_address(fields, default_country=region)
    if fields["postcode"] and address.postcode is None:
        problems.add("address.postcode", "invalid", fields["postcode"])
    if address.key and address.key in junk.addresses:
        problems.add("address", "junk", address.key)
        return None
    return address


def _loyalty_card(raw: Mapping, junk: JunkValues, problems: Problems) -> str | None:
    written = text_field(raw, "loyalty_card", problems)
    if written is None:
        return None
    card = _CARD_FILLER.sub("", written).upper()
    if not card:
        return None
    if is_dummy_card(card) or card in junk.loyalty_cards:
        problems.add("loyalty_card", "junk", card)
        return None
    return card


def _national_id(raw: Mapping, problems: Problems) -> str | None:
    written = raw.get("national_id")
    # Channels send document numbers as text or as whole numbers, like GTINs.
    if isinstance(written, int) and not isinstance(written, bool):
        written = str(written)
    written = text_field({"national_id": written}, "national_id", problems)
    if written is None:
        return None
    number = standardise_national_id(written)
    if number is None:
        problems.add("national_id", "invalid", written)
    return number
