"""Match views for matching tests: Юлия Иванова, her household, and a carton of milk."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from matching.views import AddressView, CustomerView, PersonName, ProductView, Quantity


def name(latin: str, canonical: str | None = None, phonetic: str | None = None) -> PersonName:
    """A name part; an one-letter name is an initial."""
    return PersonName(
        latin, canonical or latin, phonetic or latin.upper()[:3], is_initial=len(latin) == 1
    )


MOSCOW_FLAT = AddressView(
    country="RU",
    city="moskva",
    street="tverskaya",
    house="7",
    flat="12",
    postcode="125009",
    key="125009 moskva tverskaya 7 12",
)

YULIYA = CustomerView(
    record_id="web_shop:1001",
    source="web_shop",
    first_name=name("yuliya", phonetic="YL"),
    last_name=name("ivanova", phonetic="IVANAV"),
    middle_name=name("sergeevna"),
    last_name_stem="ivanov",
    gender="f",
    emails=("yuliya.ivanova@mail.ru",),
    phones=("+79123456789",),
    birth_date=dt.date(1990, 3, 4),
    birth_date_swapped=dt.date(1990, 4, 3),
    address=MOSCOW_FLAT,
    loyalty_card="4000123",
)


def customer(record_id: str = "pos_store:77", **changes) -> CustomerView:
    """Юлия Иванова as another channel holds her, with `changes` applied."""
    return replace(YULIYA, record_id=record_id, source=record_id.split(":")[0], **changes)


MILK = ProductView(
    record_id="web_shop:sku-1",
    source="web_shop",
    gtin="04607123456781",
    brand="prostokvashino",
    title_tokens=("moloko", "pasterizovannoe"),
    title="prostokvashino moloko pasterizovannoe 3.2% 930 ml",
    category="dairy",
    quantity=Quantity(930.0, "ml"),
    pack_count=1,
    color=None,
    size=None,
)


def product(record_id: str = "marketplace_ozon:555", **changes) -> ProductView:
    """The milk as another channel lists it, with `changes` applied."""
    return replace(MILK, record_id=record_id, source=record_id.split(":")[0], **changes)
