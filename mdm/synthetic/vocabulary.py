"""The generator's vocabularies, read once from the JSON files in `mdm/synthetic_data/`.

Everything here is immutable and shared by all generators; weights are turned into
cumulative tuples so that a weighted draw is one `random()` and one bisect.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Items with cumulative weights; `draw` picks one in proportion to its weight."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: list[tuple[T, float]]) -> Weighted[T]:
        """A weighted pool from (item, weight) pairs."""
        items = tuple(item for item, _ in pairs)
        return cls(items, tuple(itertools.accumulate(weight for _, weight in pairs)))

    def draw(self, rng: random.Random) -> T:
        """One item, drawn in proportion to its weight."""
        return self.items[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One of `items`, uniformly; `rng.choice` costs several times more in hot loops."""
    return items[int(rng.random() * len(items))]


def below(rng: random.Random, n: int) -> int:
    """A uniform integer in 0..n-1, cheaper than `rng.randrange(n)`."""
    return int(rng.random() * n)


@dataclass(frozen=True)
class GivenName:
    name: str
    diminutives: tuple[str, ...]
    english: tuple[str, ...]  # conventional spellings people use abroad: Julia, Alexander
    patronymic: tuple[str, str] | None = None  # (male, female) forms; male names only


@dataclass(frozen=True)
class Surname:
    male: str
    female: str


@dataclass(frozen=True)
class ForeignName:
    latin: str
    cyrillic: tuple[str, ...]  # how a Russian operator writes it down, most common first


@dataclass(frozen=True)
class City:
    name: str
    latin: str
    regions: tuple[str, ...]
    utc_offset: int
    postcodes: tuple[str, ...]  # first three digits
    area_code: str


@dataclass(frozen=True)
class StreetType:
    name: str
    abbreviations: tuple[str, ...]
    english: str


@dataclass(frozen=True)
class Vocabulary:
    male_names: Weighted[GivenName]
    female_names: Weighted[GivenName]
    surnames: Weighted[Surname]
    foreign_male: tuple[ForeignName, ...]
    foreign_female: tuple[ForeignName, ...]
    foreign_surnames: tuple[ForeignName, ...]
    cities: Weighted[City]
    streets: tuple[str, ...]
    street_types: Weighted[StreetType]
    brands: dict[str, dict[str, Any]]
    colors: tuple[tuple[str, tuple[str, ...]], ...]
    categories: tuple[dict[str, Any], ...]
    locations: tuple[dict[str, Any], ...]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("mdm.synthetic_data").joinpath(name).read_text(encoding="utf-8")
    return json.loads(text)


def _given_names(entries: list[dict[str, Any]]) -> Weighted[GivenName]:
    return Weighted.of([
        (GivenName(e["name"], tuple(e["diminutives"]), tuple(e["english"]),
                   tuple(e["patronymic"]) if "patronymic" in e else None), e["weight"])
        for e in entries
    ])


def _foreign(entries: list[list[Any]]) -> tuple[ForeignName, ...]:
    return tuple(ForeignName(latin, tuple(cyrillic)) for latin, cyrillic in entries)


def _cities(entries: list[dict[str, Any]]) -> Weighted[City]:
    return Weighted.of([
        (City(e["city"], e["latin"], tuple(e["region"]), e["utc_offset"], tuple(e["postcode"]),
              e["area_code"]), e["weight"])
        for e in entries
    ])


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The vocabularies of names, places, brands, products and locations (cached)."""
    names, places = _read("names.json"), _read("places.json")
    products, locations = _read("products.json"), _read("locations.json")
    return Vocabulary(
        male_names=_given_names(names["male"]),
        female_names=_given_names(names["female"]),
        surnames=Weighted.of([(Surname(m, f), w) for m, f, w in names["surnames"]]),
        foreign_male=_foreign(names["foreign"]["male"]),
        foreign_female=_foreign(names["foreign"]["female"]),
        foreign_surnames=_foreign(names["foreign"]["surnames"]),
        cities=_cities(places["cities"]),
        streets=tuple(places["streets"]),
        street_types=Weighted.of([
            (StreetType(name, tuple(abbr), english), weight)
            for name, abbr, english, weight in places["street_types"]
        ]),
        brands=products["brands"],
        colors=tuple((name, tuple(forms)) for name, forms in products["colors"]),
        categories=tuple(products["categories"]),
        locations=tuple(locations["locations"]),
    )
