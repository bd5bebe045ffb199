"""Customer records as each channel system writes them, rendered from a true `Person`.

The habits follow issue 3, "Real channel habits the matcher must survive": the web shop and
the app are clean-ish; marketplaces hide phones, shorten names and deliver to pick-up points;
cashiers type in upper case, drop ё, swap day and month and use the store's phone or a dummy
e-mail; call-centre operators write what they hear.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from mdm.synthetic.people import Home, Person
from mdm.synthetic.spelling import (
    DUMMY_EMAILS,
    drop_yo,
    format_phone,
    format_timestamp,
    latin_spelling,
    mask_phone,
    misspell,
    random_instant,
    transliterate,
    vary_email,
)
from mdm.synthetic.vocabulary import City, Vocabulary, below, pick

_PICK_UP_POINTS_PER_CITY = 6


def customer_record(source_key: str, *, first_name: str | None = None,
                    last_name: str | None = None, middle_name: str | None = None,
                    email: str | None = None, phone: str | None = None,
                    birth_date: str | None = None, address: dict[str, str | None] | None = None,
                    loyalty_card: str | None = None, updated_at: str | None = None,
                    ) -> dict[str, Any]:
    """A customer record with every contract key present; missing values are None."""
    return {
        "source_key": source_key, "first_name": first_name, "last_name": last_name,
        "middle_name": middle_name, "email": email, "phone": phone, "birth_date": birth_date,
        "address": address, "loyalty_card": loyalty_card, "updated_at": updated_at,
    }


def address_record(home: Home, *, street: str | None, house: str | None, flat: str | None,
                   postcode: str | None = None, region: str | None = None,
                   country: str | None = None, city: str | None = None) -> dict[str, str | None]:
    """The contract's address object; `city` defaults to the home's city name."""
    return {"country": country, "region": region, "city": city or home.city.name,
            "street": street, "house": house, "flat": flat, "postcode": postcode}


class CustomerChannels:
    """Renders people into the records of each customer source, with per-source key counters."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary):
        self._rng, self._vocabulary = rng, vocabulary
        self._counters: dict[str, int] = {}
        self._pick_up_points: dict[tuple[str, str], list[Home]] = {}
        self._stores = [loc for loc in vocabulary.locations if loc["kind"] == "store"]
        self.render = {
            "web_shop": self.web_shop, "mobile_app": self.mobile_app,
            "marketplace_ozon": self.marketplace, "marketplace_wb": self.marketplace,
            "pos_store": self.pos_store, "call_centre": self.call_centre,
        }

    def _count(self, source: str) -> int:
        self._counters[source] = count = self._counters.get(source, 0) + 1
        return count

    def _home(self, person: Person) -> Home:
        if person.previous_home is not None and self._rng.random() < 0.3:
            return person.previous_home
        return person.home

    def _birth_date(self, person: Person, share: float) -> str | None:
        return person.birth_date.isoformat() if self._rng.random() < share else None

    def _russian_name(self, person: Person, latin_share: float) -> tuple[str, str]:
        """(first, last) in Cyrillic as typed on a keyboard, or in Latin as some people do."""
        rng = self._rng
        if person.given is None:
            return person.first_name, person.last_name
        if rng.random() < latin_share:
            return (latin_spelling(rng, person.first_name, person.given.english),
                    latin_spelling(rng, person.last_name))
        first, last = person.first_name, person.last_name
        if rng.random() < 0.5:
            first, last = drop_yo(first), drop_yo(last)
        if rng.random() < 0.08:
            first, last = first.lower(), last.lower()
        return first, last

    def web_shop(self, person: Person, source: str) -> dict[str, Any]:
        """A web-shop account: the customer's own typing, e-mail with plus-tags or dots."""
        rng = self._rng
        first, last = self._russian_name(person, latin_share=0.12)
        email = person.email if rng.random() < 0.8 else None
        if person.family_email and rng.random() < 0.5:
            email = person.family_email
        elif email and rng.random() < 0.35:
            email = vary_email(rng, email)
        return customer_record(
            f"WS{self._count(source):08d}", first_name=first, last_name=last,
            middle_name=person.middle_name if rng.random() < 0.2 else None, email=email,
            phone=format_phone(rng, person.mobile) if rng.random() < 0.9 else None,
            birth_date=self._birth_date(person, 0.45),
            address=self._typed_address(self._home(person)) if rng.random() < 0.8 else None,
            loyalty_card=person.loyalty_card if rng.random() < 0.2 else None,
            updated_at=format_timestamp(random_instant(rng), "utc"),
        )

    def mobile_app(self, person: Person, source: str) -> dict[str, Any]:
        """A mobile-app profile: SMS-verified phone, address from an autocomplete, local time."""
        rng = self._rng
        first, last = self._russian_name(person, latin_share=0.08)
        email = person.email if rng.random() < 0.6 else None
        if email and rng.random() < 0.25:
            email = vary_email(rng, email)
        home = self._home(person)
        address = None
        if rng.random() < 0.7:
            address = address_record(
                home, street=f"{home.street_type.abbreviations[0]} {home.street}",
                house=f"д {home.house}", flat=f"кв {home.flat}" if home.flat else None,
                postcode=home.postcode, region=home.city.regions[0], country="Россия")
        return customer_record(
            self._uuid(), first_name=first, last_name=last,
            middle_name=person.middle_name if rng.random() < 0.1 else None, email=email,
            phone=f"+7{person.mobile}" if rng.random() < 0.95 else None,
            birth_date=self._birth_date(person, 0.55), address=address,
            loyalty_card=person.loyalty_card if rng.random() < 0.45 else None,
            updated_at=format_timestamp(random_instant(rng), "offset", home.city.utc_offset),
        )

    def _uuid(self) -> str:
        bits = self._rng.getrandbits(128)
        # Version 4 layout, drawn from the seeded generator so that runs repeat.
        hexed = f"{bits:032x}"
        return f"{hexed[:8]}-{hexed[8:12]}-4{hexed[13:16]}-a{hexed[17:20]}-{hexed[20:]}"

    def marketplace(self, person: Person, source: str) -> dict[str, Any]:
        """A marketplace buyer: masked phone, initial for a name, pick-up point, no e-mail."""
        rng = self._rng
        first, last = self._marketplace_name(person)
        roll = rng.random()
        phone = mask_phone(person.mobile) if roll < 0.45 else (
            format_phone(rng, person.mobile) if roll < 0.9 else None)
        home = self._home(person)
        if rng.random() < 0.7:
            point = self._pick_up_point(source, home.city)
            address = address_record(
                point, street=f"ул. {point.street}", house=point.house, flat=None,
                postcode=point.postcode, region=home.city.regions[0])
        else:
            address = self._typed_address(home)
        ozon = source == "marketplace_ozon"
        return customer_record(
            str(48_000_000 + self._count(source)) if ozon else f"wb-{self._count(source):09d}",
            first_name=first, last_name=last, phone=phone, address=address,
            updated_at=format_timestamp(random_instant(rng), "utc" if ozon else "offset"),
        )

    def _marketplace_name(self, person: Person) -> tuple[str | None, str | None]:
        first, last = self._russian_name(person, latin_share=0.05)
        roll = self._rng.random()
        if roll < 0.45:
            return first, f"{last[0]}."  # first_name="Юлия", last_name="И."
        if roll < 0.75:
            return f"{first[0]}.", last  # "Иванова Ю."
        if roll < 0.85:
            return None, f"{last} {first[0]}."  # the whole recipient in one field
        return first, last

    def _pick_up_point(self, source: str, city: City) -> Home:
        points = self._pick_up_points.get((source, city.name))
        if points is None:
            rng, vocabulary = self._rng, self._vocabulary
            points = [
                Home(city, pick(rng, vocabulary.streets), vocabulary.street_types.items[0],
                     str(1 + below(rng, 90)), None,
                     pick(rng, city.postcodes) + f"{below(rng, 1000):03d}")
                for _ in range(_PICK_UP_POINTS_PER_CITY)
            ]
            self._pick_up_points[(source, city.name)] = points
        return pick(self._rng, points)

    def pos_store(self, person: Person, source: str) -> dict[str, Any]:
        """A loyalty sign-up at a till: UPPER CASE, no ё, store phone or dummy e-mail,
        day and month swapped."""
        rng = self._rng
        home = self._home(person)
        store = self._store(home.city)
        roll = rng.random()
        phone = format_phone(rng, person.mobile) if roll < 0.6 else (
            store["phone"] if roll < 0.8 else (person.landline if roll < 0.9 else None))
        roll = rng.random()
        email = person.email if roll < 0.35 else (pick(rng, DUMMY_EMAILS) if roll < 0.65 else None)
        address = None
        if rng.random() < 0.5:
            address = address_record(
                home, street=drop_yo(home.street).upper(), house=home.house, flat=home.flat,
                city=home.city.name.upper())
        first, last = (person.first_name, person.last_name)
        return customer_record(
            f"{store['location_id']}-{self._count(source):07d}",
            first_name=drop_yo(first).upper(), last_name=drop_yo(last).upper(),
            middle_name=drop_yo(person.middle_name).upper()
            if person.middle_name and rng.random() < 0.6 else None,
            email=email.upper() if email and rng.random() < 0.5 else email, phone=phone,
            birth_date=self._cashier_birth_date(person) if rng.random() < 0.8 else None,
            address=address, loyalty_card=person.loyalty_card if rng.random() < 0.95 else None,
            updated_at=format_timestamp(random_instant(rng), "naive", home.city.utc_offset),
        )

    def _store(self, city: City) -> dict[str, Any]:
        local = [store for store in self._stores if store["city"] == city.name]
        return pick(self._rng, local or self._stores)

    def _cashier_birth_date(self, person: Person) -> str:
        born = person.birth_date
        if born.day <= 12 and born.day != born.month and self._rng.random() < 0.12:
            return dt.date(born.year, born.day, born.month).isoformat()
        return born.isoformat()

    def call_centre(self, person: Person, source: str) -> dict[str, Any]:
        """An operator's note: names as heard, diminutives, transliterations, typos, swaps."""
        rng = self._rng
        first, last = self._heard_name(person)
        if rng.random() < 0.08:
            first, last = last, first
        roll = rng.random()
        phone = format_phone(rng, person.mobile) if roll < 0.75 else (
            format_phone(rng, person.landline) if person.landline and roll < 0.95 else None)
        email = person.email if rng.random() < 0.3 else None
        if email and rng.random() < 0.1:
            local, _, domain = email.partition("@")  # spelt out letter by letter, domain known
            email = f"{misspell(rng, local)}@{domain}"
        born = self._birth_date(person, 0.4)
        if born and rng.random() < 0.05:
            born = f"{int(born[:4]) + pick(rng, (-10, -1, 1, 10))}{born[4:]}"
        home = self._home(person)
        address = self._heard_address(home) if rng.random() < 0.6 else None
        return customer_record(
            f"CC-{self._count(source):07d}", first_name=first, last_name=last,
            middle_name=person.middle_name if rng.random() < 0.45 else None, email=email,
            phone=phone, birth_date=born, address=address,
            loyalty_card=person.loyalty_card if rng.random() < 0.15 else None,
            updated_at=format_timestamp(random_instant(rng), "offset", 3),
        )

    def _heard_name(self, person: Person) -> tuple[str, str]:
        rng = self._rng
        if person.given is None:
            assert person.foreign_first is not None and person.foreign_last is not None
            return pick(rng, person.foreign_first.cyrillic), pick(rng, person.foreign_last.cyrillic)
        first, last = person.first_name, person.last_name
        if rng.random() < 0.15:
            first = pick(rng, person.given.diminutives)
        if rng.random() < 0.2:
            last = misspell(rng, last)
        elif rng.random() < 0.08:
            first = misspell(rng, first)
        if rng.random() < 0.1:
            schema = below(rng, 6)
            return transliterate(first, schema), transliterate(last, schema)
        return first, last

    def _typed_address(self, home: Home) -> dict[str, str | None]:
        """An address as a customer types it: abbreviations, word order and extras vary."""
        rng, kind = self._rng, home.street_type
        style = below(rng, 4)
        street = (f"{pick(rng, kind.abbreviations)} {home.street}",
                  f"{home.street} {kind.abbreviations[0]}", home.street,
                  f"{kind.name} {home.street}")[style]
        return address_record(
            home, street=street, house=home.house if rng.random() < 0.6 else f"д. {home.house}",
            flat=(home.flat if rng.random() < 0.6 else f"кв. {home.flat}") if home.flat else None,
            postcode=home.postcode if rng.random() < 0.7 else None,
            region=pick(rng, home.city.regions) if rng.random() < 0.6 else None,
            country=pick(rng, ("Россия", "RU", "Russia", None)),
            city=home.city.name if rng.random() < 0.8 else f"г. {home.city.name}",
        )

    def _heard_address(self, home: Home) -> dict[str, str | None]:
        rng = self._rng
        street = home.street if rng.random() < 0.9 else misspell(rng, home.street)
        if rng.random() < 0.5:
            street = f"{home.street_type.abbreviations[0]} {street}"
        return address_record(home, street=street, house=home.house, flat=home.flat,
                              postcode=home.postcode if rng.random() < 0.3 else None)
