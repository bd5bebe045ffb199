"""The true product catalogue: models and their variants, each variant a product of its own.

A model is a brand's product line ("Вода {b} питьевая негазированная"); its variants differ by
volume, weight, pack, size, colour or memory and carry consecutive GTINs, as manufacturers
number them. Variants are different products: the hard negatives of product matching.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any, NamedTuple

from stdnum import ean

from mdm.synthetic.vocabulary import Vocabulary, below, pick

# When every brand's lines have been used once, the catalogue grows with new series.
_SERIES = ("", "Pro", "Plus", "Lite", "Max", "Classic", "Premium", "Eco", "Sport", "Original")
_VARIANTS_PER_MODEL = ((1, 0.15), (2, 0.25), (3, 0.25), (4, 0.15), (5, 0.1), (6, 0.1))
# How an axis value moves the price of a variant relative to the model's base price.
_PRICE_SCALE = {"volume": 1 / 1000, "weight": 1 / 500, "memory": 1 / 128, "diagonal": 1 / 50,
                "pack": 1.0}


class Variant(NamedTuple):
    entity_id: str
    brand: str  # canonical brand, a key of the vocabulary's brands
    category: str
    line: str  # may hold "{b}" where the brand goes
    series: str
    axes: dict[str, Any]  # e.g. {"volume": 500, "pack": 6} or {"memory": 128, "color": "черный"}
    gtin: str  # EAN-13; for US brands "0" + UPC-A
    is_upc: bool
    sibling_gtin: str | None  # another variant's GTIN of the same model
    price: float  # base price in RUB


class Catalogue:
    """Makes models with their variants; GTINs count up per brand like a manufacturer's."""

    def __init__(self, rng: random.Random, vocabulary: Vocabulary, id_prefix: str = "product"):
        self._rng, self._vocabulary, self._prefix = rng, vocabulary, id_prefix
        self._number = 0
        self._next_item = {brand: below(rng, 40_000) for brand in vocabulary.brands}
        self._company = {brand: 1000 + index * 271 for index, brand in enumerate(vocabulary.brands)}
        self._slots = self._model_slots()

    def model(self) -> list[Variant]:
        """The variants of the next model, in GTIN order."""
        rng = self._rng
        category, brand, line, series = next(self._slots)
        combos = list(itertools.product(*(self._axis_values(category, axis)
                                           for axis in category["axes"])))
        chosen = sorted(rng.sample(range(len(combos)), min(_variant_count(rng), len(combos))))
        base_price = category["price"] * (0.7 + 0.6 * rng.random())
        gtins = [self._gtin(brand) for _ in chosen]
        variants = []
        for position, combo_index in enumerate(chosen):
            axes = dict(zip(category["axes"], combos[combo_index], strict=True))
            self._number += 1
            sibling = gtins[position - 1] if position else (gtins[1] if len(gtins) > 1 else None)
            variants.append(Variant(
                f"{self._prefix}-{self._number:07d}", brand, category["category"], line, series,
                axes, gtins[position], bool(self._vocabulary.brands[brand].get("upc")), sibling,
                _price(base_price, axes)))
        return variants

    def _axis_values(self, category: dict[str, Any], axis: str) -> list[Any]:
        if axis == "color":
            return [name for name, _ in self._vocabulary.colors]
        return category[axis]

    def _model_slots(self) -> Iterator[tuple[dict[str, Any], str, str, str]]:
        base = [(category, brand, line) for category in self._vocabulary.categories
                for brand, lines in category["lines"].items() for line in lines]
        for round_number in itertools.count():
            series = _SERIES[round_number % len(_SERIES)]
            if round_number >= len(_SERIES):
                series = f"{series} {round_number // len(_SERIES) + 1}".strip()
            order = base[:]
            self._rng.shuffle(order)
            for category, brand, line in order:
                yield category, brand, line, series

    def _gtin(self, brand: str) -> str:
        """The brand's next GTIN as EAN-13 (check digit by python-stdnum)."""
        item = self._next_item[brand]
        self._next_item[brand] = item + 1
        company = self._company[brand] + item // 100_000
        prefix = self._vocabulary.brands[brand]["gs1"]
        body = f"{prefix}{company:04d}{item % 100_000:05d}"
        return body + ean.calc_check_digit(body)


def _variant_count(rng: random.Random) -> int:
    roll = rng.random()
    for count, share in _VARIANTS_PER_MODEL:
        roll -= share
        if roll < 0:
            return count
    return 1


def _price(base: float, axes: dict[str, Any]) -> float:
    price = base
    for axis, scale in _PRICE_SCALE.items():
        if axis in axes:
            price *= max(0.3, axes[axis] * scale) ** 0.8
    # Shelf prices end in 9: 59, 599, 24 999.
    return float(max(9, int(price / 10) * 10 + 9))


def wrong_check_digit(gtin: str) -> str:
    """`gtin` with its check digit replaced by a wrong one, as a mistyped code looks.

    >>> wrong_check_digit("4607123456781")
    '4607123456782'
    """
    return gtin[:-1] + str((int(gtin[-1]) + 1) % 10)


def pick_form(rng: random.Random, forms: tuple[str, ...] | list[str]) -> str:
    """One spelling of a value, the first (canonical) one half of the time."""
    return forms[0] if rng.random() < 0.5 else pick(rng, forms)
