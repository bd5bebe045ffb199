"""The true customers behind the records: people, their households and their namesakes.

A `Person` is the truth a channel record is rendered from. Households share what real
families share (surname in its gendered forms, flat, landline, sometimes a family e-mail or
loyalty card); namesakes share a full name and nothing else. Both are different customers,
the hard negatives a matcher must keep apart.
"""

from __future__ import annotations

import collections
import datetime as dt
import random
from typing import NamedTuple

from stdnum import ean

from mdm.synthetic.spelling import latin_spelling, make_email
from mdm.synthetic.vocabulary import (
    City,
    ForeignName,
    GivenName,
    StreetType,
    Vocabulary,
    below,
    pick,
)

# Name pairs that share a diminutive: Александр and Александра are both "Саша".
_SHARED_DIMINUTIVES = (("Александр", "Александра"), ("Евгений", "Евгения"),
                       ("Валентин", "Валентина"), ("Ярослав", "Ярослава"))
_HOUSEHOLD_SIZES = ((1, 0.68), (2, 0.20), (3, 0.08), (4, 0.04))
_FOREIGN_SHARE = 0.03
_NAMESAKE_SHARE = 0.04


class Home(NamedTuple):
    city: City
    street: str
    street_type: StreetType
    house: str
    flat: str | None
    postcode: str


class Person(NamedTuple):
    entity_id: str
    number: int  # unique per generator run; keeps phones, e-mails and cards unique
    gender: str  # 'm' or 'f'
    first_name: str
    middle_name: str | None
    last_name: str
    given: GivenName | None  # None for foreign names
    foreign_first: ForeignName | None
    foreign_last: ForeignName | None
    birth_date: dt.date
    mobile: str  # 10 national digits
    email: str
    home: Home
    previous_home: Home | None  # before a move; older records still carry it
    landline: str | None
    loyalty_card: str | None
    family_email: str | None


# Coprime to every modulus used with them (powers of ten, 8,000,000 and 990,000,000), so each
# maps numbers one-to-one; different ones keep a person's phone and card digits unrelated.
_PHONE, _CARD, _LANDLINE = 7_919_821_531, 3_141_592_653, 2_718_281_829
# Mobile codes 900-999 but 930, whose numbers are only partly allocated (phonenumbers' metadata).
_MOBILE_CODES = tuple(str(code) for code in range(900, 1000) if code != 930)


def scatter(number: int, modulus: int, offset: int, multiplier: int) -> int:
    """`number` mapped one-to-one onto 0..modulus-1 so that neighbours look unrelated."""
    return (number * multiplier + offset) % modulus


class PeopleFactory:
    """Makes households of people; `number` counts people so that identifiers stay unique."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary, id_prefix: str = "customer"):
        self._rng, self._vocabulary, self._prefix = rng, vocabulary, id_prefix
        self._number = 0
        self._offset = below(rng, 10**9)
        self._recent: collections.deque[Person] = collections.deque(maxlen=512)

    def household(self) -> list[Person]:
        """The people of one new household (one to four), or a namesake of an earlier person."""
        rng = self._rng
        size = _draw_size(rng)
        if size == 1:
            if self._recent and rng.random() < _NAMESAKE_SHARE:
                return [self._namesake(pick(rng, self._recent))]
            members = [self._single()]
        else:
            members = self._family(size)
        self._recent.extend(members)
        return members

    def _next_number(self) -> int:
        self._number += 1
        return self._number

    def _home(self, city: City | None = None) -> Home:
        rng, vocabulary = self._rng, self._vocabulary
        city = city or vocabulary.cities.draw(rng)
        house = str(1 + below(rng, 120))
        if rng.random() < 0.15:
            house += f"к{1 + below(rng, 4)}"
        flat = str(1 + below(rng, 320)) if rng.random() < 0.85 else None
        postcode = pick(rng, city.postcodes) + f"{below(rng, 1000):03d}"
        street = pick(rng, vocabulary.streets)
        # "Садовая" agrees only with "улица"; names in the genitive fit any street type.
        kind = vocabulary.street_types.items[0] if street.endswith("ая") else (
            vocabulary.street_types.draw(rng))
        return Home(city, street, kind, house, flat, postcode)

    def _birth_date(self, first_year: int, last_year: int) -> dt.date:
        start = dt.date(first_year, 1, 1).toordinal()
        end = dt.date(last_year, 12, 31).toordinal()
        return dt.date.fromordinal(start + below(self._rng, end - start + 1))

    def _contacts(self, number: int, latin_first: str, latin_last: str) -> tuple[str, str]:
        mobile = self._mobile(number)
        return mobile, make_email(self._rng, latin_first, latin_last, number)

    def _mobile(self, number: int) -> str:
        index = scatter(number, len(_MOBILE_CODES) * 10**7, self._offset, _PHONE)
        return _MOBILE_CODES[index // 10**7] + f"{index % 10**7:07d}"

    def _landline(self, city: City, number: int) -> str:
        return city.area_code + str(2_000_000 + scatter(number, 8_000_000, self._offset, _LANDLINE))

    def _card(self, number: int) -> str:
        body = "27" + f"{scatter(number, 10**10, self._offset, _CARD):010d}"
        return body + ean.calc_check_digit(body)

    def _person(self, gender: str, first: GivenName, last: str, middle: str | None,
                born: dt.date, home: Home, **shared: str | None) -> Person:
        rng, number = self._rng, self._next_number()
        mobile, email = self._contacts(
            number, latin_spelling(rng, first.name, first.english), latin_spelling(rng, last))
        return Person(
            entity_id=f"{self._prefix}-{number:07d}", number=number, gender=gender,
            first_name=first.name, middle_name=middle, last_name=last, given=first,
            foreign_first=None, foreign_last=None, birth_date=born, mobile=mobile, email=email,
            home=home, previous_home=self._home() if rng.random() < 0.08 else None,
            landline=shared.get("landline"), family_email=shared.get("family_email"),
            loyalty_card=shared.get("loyalty_card")
            or (self._card(number) if rng.random() < 0.5 else None),
        )

    def _single(self) -> Person:
        rng, vocabulary = self._rng, self._vocabulary
        if rng.random() < _FOREIGN_SHARE:
            return self._foreigner()
        gender = "m" if rng.random() < 0.47 else "f"
        names = vocabulary.male_names if gender == "m" else vocabulary.female_names
        surname = vocabulary.surnames.draw(rng)
        home = self._home()
        landline = self._landline(home.city, self._number + 1) if rng.random() < 0.15 else None
        last_name = surname.male if gender == "m" else surname.female
        return self._person(gender, names.draw(rng), last_name, self._patronymic(gender),
                            self._birth_date(1945, 2006), home, landline=landline)

    def _patronymic(self, gender: str, father: GivenName | None = None) -> str:
        father = father or self._vocabulary.male_names.draw(self._rng)
        assert father.patronymic is not None  # male names always carry both forms
        return father.patronymic[0 if gender == "m" else 1]

    def _foreigner(self) -> Person:
        rng, vocabulary = self._rng, self._vocabulary
        gender = "m" if rng.random() < 0.5 else "f"
        first = pick(rng, vocabulary.foreign_male if gender == "m" else vocabulary.foreign_female)
        last = pick(rng, vocabulary.foreign_surnames)
        number = self._next_number()
        mobile, email = self._contacts(number, first.latin, last.latin)
        return Person(
            entity_id=f"{self._prefix}-{number:07d}", number=number, gender=gender,
            first_name=first.latin, middle_name=None, last_name=last.latin, given=None,
            foreign_first=first, foreign_last=last, birth_date=self._birth_date(1955, 2004),
            mobile=mobile, email=email, home=self._home(), previous_home=None, landline=None,
            loyalty_card=self._card(number) if rng.random() < 0.3 else None, family_email=None,
        )

    def _namesake(self, original: Person) -> Person:
        """Another person with the same full name: new contacts, birth date and often city."""
        rng, number = self._rng, self._next_number()
        mobile = self._mobile(number)
        email_first = original.foreign_first.latin if original.foreign_first else (
            latin_spelling(rng, original.first_name))
        city = original.home.city if rng.random() < 0.5 else None
        return original._replace(
            entity_id=f"{self._prefix}-{number:07d}", number=number,
            birth_date=self._birth_date(1945, 2006), mobile=mobile,
            email=make_email(rng, email_first, latin_spelling(rng, drop_gender(original)), number),
            home=self._home(city), previous_home=None, landline=None, family_email=None,
            loyalty_card=self._card(number) if rng.random() < 0.5 else None,
            middle_name=original.middle_name if rng.random() < 0.6 else (
                None if original.given is None else self._patronymic(original.gender)),
        )

    def _family(self, size: int) -> list[Person]:
        """A couple and their grown-up children, sharing surname forms, flat and more."""
        rng, vocabulary = self._rng, self._vocabulary
        surname, home = vocabulary.surnames.draw(rng), self._home()
        husband_name, wife_name = self._couple_names()
        shared = {
            "landline": self._landline(home.city, self._number + 1) if rng.random() < 0.6 else None,
            "family_email": None,
            "loyalty_card": self._card(self._number + 1) if rng.random() < 0.3 else None,
        }
        if rng.random() < 0.25:
            shared["family_email"] = make_email(
                rng, "semya", latin_spelling(rng, surname.male), self._number + 1)
        husband_born = self._birth_date(1950, 1980)
        husband = self._person("m", husband_name, surname.male, self._patronymic("m"),
                               husband_born, home, **shared)
        # One wife in ten keeps her maiden name.
        wife_surname = surname.female if rng.random() < 0.9 else (
            vocabulary.surnames.draw(rng).female)
        members = [husband, self._person(
            "f", wife_name, wife_surname, self._patronymic("f"),
            self._birth_date(husband_born.year - 3, min(husband_born.year + 6, 1985)), home,
            **shared)]
        for _ in range(size - 2):
            members.append(self._child(husband_name, surname.male, surname.female,
                                       husband_born, home, shared))
        return members

    def _couple_names(self) -> tuple[GivenName, GivenName]:
        rng, vocabulary = self._rng, self._vocabulary
        if rng.random() < 0.12:
            male, female = pick(rng, _SHARED_DIMINUTIVES)
            return (_find(vocabulary.male_names.items, male),
                    _find(vocabulary.female_names.items, female))
        return vocabulary.male_names.draw(rng), vocabulary.female_names.draw(rng)

    def _child(self, father: GivenName, male_surname: str, female_surname: str,
               father_born: dt.date, home: Home, shared: dict[str, str | None]) -> Person:
        rng, vocabulary = self._rng, self._vocabulary
        born = self._birth_date(min(father_born.year + 22, 2004), min(father_born.year + 32, 2006))
        if rng.random() < 0.5:
            # A son often carries his father's first name: Александр Александрович.
            first = father if rng.random() < 0.35 else vocabulary.male_names.draw(rng)
            return self._person("m", first, male_surname, self._patronymic("m", father), born,
                                home, **shared)
        return self._person("f", vocabulary.female_names.draw(rng), female_surname,
                            self._patronymic("f", father), born, home, **shared)


def drop_gender(person: Person) -> str:
    """The person's surname in its male form when it has one (Иванова → Иванов), for e-mails."""
    last = person.last_name
    if person.given is not None and person.gender == "f" and last.endswith("а"):
        return last[:-1]
    return last


def _draw_size(rng: random.Random) -> int:
    roll = rng.random()
    for size, share in _HOUSEHOLD_SIZES:
        roll -= share
        if roll < 0:
            return size
    return 1


def _find(names: tuple[GivenName, ...], wanted: str) -> GivenName:
    return next(name for name in names if name.name == wanted)
