"""Pair → ComparisonVector: one agreement level per field.

A field comparison is a list of `(level, condition)` rules checked in order;
the first that holds gives the level, none gives `else`, and an unknown value
on either side gives `None` (the null level: no evidence, never agreement).
The rules are written once over `matching.similarity`, which accepts one
pair's scalars or many pairs' arrays, so the single-record path
(`compare_customers`) and the batch path (`compare_columns`) cannot drift.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from matching.columns import customer_columns, product_columns
from matching.similarity import (
    any_pair,
    choose,
    edit_distance,
    equal,
    is_batch,
    jaro_winkler,
    larger,
    missing,
    negate,
    pairwise,
    token_set,
    truthy,
)
from matching.standardise.national_ids import id_shape, is_verified_national_id
from matching.views import CustomerView, ProductView

View = CustomerView | ProductView

Columns = Mapping[str, Any]
Rules = list[tuple[str, Any]]
# Crossed names must beat the straight reading clearly before we swap them.
SWAP_MARGIN = 0.2
GENERATION_YEARS = 15


@dataclass(frozen=True)
class FieldComparison:
    """One field's levels (strongest first, `else` last) and the rules choosing them."""

    name: str
    levels: tuple[str, ...]
    decide: Callable[[Columns, Columns], tuple[Any, Rules]]

    def level_of(self, a: Columns, b: Columns) -> str | None:
        """The level label for one pair, or None when either side is unknown."""
        null, rules = self.decide(a, b)
        if null:
            return None
        return next((label for label, holds in rules if holds), "else")

    def codes_of(self, a: Columns, b: Columns) -> np.ndarray:
        """Level indices (into `levels`) for many pairs; -1 is the null level."""
        null, rules = self.decide(a, b)
        conditions = [np.asarray(null, dtype=bool)]
        conditions += [np.asarray(holds, dtype=bool) for _, holds in rules]
        choices = [-1] + [self.levels.index(label) for label, _ in rules]
        return np.select(conditions, choices, default=self.levels.index("else")).astype(np.int8)


@dataclass(frozen=True)
class ComparisonVector:
    """The levels of one candidate pair, field by field, and the keys that paired it."""

    entity_type: str
    record_ids: tuple[str, str]
    levels: tuple[tuple[str, str | None], ...]
    blocking_keys: tuple[str, ...] = ()

    def level(self, field: str) -> str | None:
        """The level of `field`, None when it is null."""
        return dict(self.levels)[field]


# --- customers -------------------------------------------------------------------------------


def _name_rules(part: str) -> Callable[[Columns, Columns], tuple[Any, Rules]]:
    def decide(a: Columns, b: Columns) -> tuple[Any, Rules]:
        latin_a, latin_b = a[f"{part}_latin"], b[f"{part}_latin"]
        initial = truthy(a[f"{part}_initial"]) | truthy(b[f"{part}_initial"])
        canon_a, canon_b = a[f"{part}_canon"], b[f"{part}_canon"]
        # "А." stands for Саша as well as for Александра: the initial of a diminutive's full name.
        same_letter = pairwise(_same_first_letter, latin_a, latin_b) | pairwise(
            _same_first_letter, canon_a, canon_b)
        similar = larger(jaro_winkler(latin_a, latin_b), jaro_winkler(canon_a, canon_b))
        # An initial only says "same first letter": it never reaches a full-name level.
        return missing(latin_a) | missing(latin_b), [
            ("initial", initial & same_letter),
            ("else", initial),
            ("exact", equal(canon_a, canon_b)),
            ("jw_0.92", similar >= 0.92),
            ("phonetic", equal(a[f"{part}_phon"], b[f"{part}_phon"])),
            ("jw_0.80", similar >= 0.80),
        ]

    return decide


def _same_first_letter(x: str, y: str) -> bool:
    return x[:1] == y[:1]


def _gender(a: Columns, b: Columns) -> tuple[Any, Rules]:
    return missing(a["gender"]) | missing(b["gender"]), [("exact", equal(a["gender"], b["gender"]))]


def _birth_date(a: Columns, b: Columns) -> tuple[Any, Rules]:
    dob_a, dob_b = a["dob"], b["dob"]
    swapped = equal(dob_a, b["dob_swapped"]) | equal(a["dob_swapped"], dob_b)
    # One wrong or transposed digit, or the year off by one: a typo, not another person.
    typo = (edit_distance(dob_a, dob_b) <= 1) | pairwise(_year_off_by_one, dob_a, dob_b)
    return missing(dob_a) | missing(dob_b), [
        ("exact", equal(dob_a, dob_b)),
        ("swapped", swapped),
        ("typo", typo),
        ("near", pairwise(_within_generation, dob_a, dob_b)),
    ]


def _year_off_by_one(x: str, y: str) -> bool:
    return x[4:] == y[4:] and abs(int(x[:4]) - int(y[:4])) == 1


def _within_generation(x: str, y: str) -> bool:
    # Parents and children are born a generation apart; a smaller gap that no typo
    # explains is a wrong date or a sibling (who differs by given name).
    return abs(int(x[:4]) - int(y[:4])) < GENERATION_YEARS


def _email(a: Columns, b: Columns) -> tuple[Any, Rules]:
    return missing(a["emails"]) | missing(b["emails"]), [
        ("exact", pairwise(_overlap, a["emails"], b["emails"])),
        ("local", pairwise(_overlap, a["email_locals"], b["email_locals"])),
    ]


def _phone(a: Columns, b: Columns) -> tuple[Any, Rules]:
    phones_a, phones_b = a["phone_evidence"], b["phone_evidence"]
    return missing(phones_a) | missing(phones_b), [
        ("exact", pairwise(lambda x, y: _overlap(x[0], y[0]), phones_a, phones_b)),
        ("masked", pairwise(_phone_mask_agrees, phones_a, phones_b)),
        ("suffix", pairwise(_phone_suffix_agrees, phones_a, phones_b)),
    ]


def _address(a: Columns, b: Columns) -> tuple[Any, Rules]:
    street = jaro_winkler(a["street"], b["street"])
    same_house = equal(a["house"], b["house"])
    return missing(a["address_key"]) | missing(b["address_key"]), [
        ("exact", equal(a["address_key"], b["address_key"])),
        ("street_house", (street >= 0.92) & same_house),
        ("street", street >= 0.92),
        ("house", (street >= 0.80) & same_house),
    ]


def _national_id(a: Columns, b: Columns) -> tuple[Any, Rules]:
    id_a, id_b = a["national_id"], b["national_id"]
    # Numbers of different shapes are different kinds of document (a passport, a tax id):
    # they neither agree nor disagree.
    other_kind = pairwise(lambda x, y: id_shape(x) != id_shape(y), id_a, id_b)
    return missing(id_a) | missing(id_b) | other_kind, [
        ("exact", equal(id_a, id_b)),
        # Check digits rule out a keying error: two verified numbers are two documents.
        ("different", pairwise(_both_verified, id_a, id_b)),
        # A keying slip that no series explains: numbers issued together (twins registered
        # the same day) are close, differing in their last two characters.
        ("slip", pairwise(is_keying_slip, id_a, id_b)),
        # One character off near the end: a slip, or a number of the same series.
        ("typo", edit_distance(id_a, id_b) <= 1),
    ]


def is_keying_slip(x: str, y: str) -> bool:
    """True when `y` is `x` with two neighbours swapped, or one character wrong before the last two.

    A swap keeps every digit, which a number issued a little later shares only by chance; one
    wrong digit before the last two puts the numbers a hundred or more apart.

    >>> is_keying_slip("7180320", "7180302"), is_keying_slip("7180320", "7186320")
    (True, True)
    >>> is_keying_slip("7180320", "7180321"), is_keying_slip("7180320", "7180330")
    (False, False)
    """
    if len(x) != len(y):
        return False
    differ = [i for i, (a, b) in enumerate(zip(x, y, strict=True)) if a != b]
    if len(differ) == 1:
        return differ[0] < len(x) - 2
    return (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and (x[differ[0]], x[differ[1]]) == (y[differ[1]], y[differ[0]])
    )


def _both_verified(x: str, y: str) -> bool:
    return is_verified_national_id(x) and is_verified_national_id(y)


def _exact_or_typo(column: str) -> Callable[[Columns, Columns], tuple[Any, Rules]]:
    def decide(a: Columns, b: Columns) -> tuple[Any, Rules]:
        return missing(a[column]) | missing(b[column]), [
            ("exact", equal(a[column], b[column])),
            ("typo", edit_distance(a[column], b[column]) <= 1),
        ]

    return decide


def _exact_or_similar(column: str) -> Callable[[Columns, Columns], tuple[Any, Rules]]:
    def decide(a: Columns, b: Columns) -> tuple[Any, Rules]:
        return missing(a[column]) | missing(b[column]), [
            ("exact", equal(a[column], b[column])),
            ("jw_0.92", jaro_winkler(a[column], b[column]) >= 0.92),
        ]

    return decide


def _exact_only(column: str) -> Callable[[Columns, Columns], tuple[Any, Rules]]:
    def decide(a: Columns, b: Columns) -> tuple[Any, Rules]:
        return missing(a[column]) | missing(b[column]), [("exact", equal(a[column], b[column]))]

    return decide


def _overlap(x: frozenset, y: frozenset) -> bool:
    return not x.isdisjoint(y)


def _phone_suffix_agrees(x: tuple, y: tuple) -> bool:
    # A masked phone (+7 916 ***-**-67) keeps only its last digits: weak but real evidence.
    (phones_x, suffix_x, _), (phones_y, suffix_y, _) = x, y
    if suffix_x and suffix_y and suffix_x == suffix_y:
        return True
    return bool(suffix_x and any(p.endswith(suffix_x) for p in phones_y)) or bool(
        suffix_y and any(p.endswith(suffix_y) for p in phones_x)
    )


def _phone_mask_agrees(x: tuple, y: tuple) -> bool:
    # Operator code and last digits both visible and equal: five of ten digits, not a proof.
    (phones_x, suffix_x, start_x), (phones_y, suffix_y, start_y) = x, y
    if start_x and start_y:
        return start_x == start_y and suffix_x == suffix_y
    if start_x:
        return any(p.startswith(start_x) and p.endswith(suffix_x) for p in phones_y)
    if start_y:
        return any(p.startswith(start_y) and p.endswith(suffix_y) for p in phones_x)
    return False


NAME_LEVELS = ("exact", "jw_0.92", "phonetic", "jw_0.80", "initial", "else")
EXACT_TYPO = ("exact", "typo", "else")
EXACT_SIMILAR = ("exact", "jw_0.92", "else")
EXACT_ELSE = ("exact", "else")

CUSTOMER_COMPARISONS: tuple[FieldComparison, ...] = (
    FieldComparison("first_name", NAME_LEVELS, _name_rules("first")),
    FieldComparison("last_name", NAME_LEVELS, _name_rules("last")),
    FieldComparison("middle_name", NAME_LEVELS, _name_rules("middle")),
    FieldComparison("gender", EXACT_ELSE, _gender),
    FieldComparison("birth_date", ("exact", "swapped", "typo", "near", "else"), _birth_date),
    FieldComparison("email", ("exact", "local", "else"), _email),
    FieldComparison("phone", ("exact", "masked", "suffix", "else"), _phone),
    FieldComparison("address", ("exact", "street_house", "street", "house", "else"), _address),
    FieldComparison("postcode", EXACT_TYPO, _exact_or_typo("postcode")),
    FieldComparison("city", EXACT_SIMILAR, _exact_or_similar("city")),
    FieldComparison("loyalty_card", EXACT_TYPO, _exact_or_typo("card")),
    FieldComparison("national_id", ("exact", "slip", "typo", "different", "else"), _national_id),
)

NAME_COLUMNS = ("latin", "canon", "phon", "initial")


def orient_names(a: Columns, b: Columns) -> tuple[Columns, Columns]:
    """`a` and `b`, one side's first and last names swapped where that reading fits clearly better.

    Which side is read crossed does not depend on the order of the pair, so that both paths
    (ingestion compares new with old, the batch old with new) see the same levels: the side
    whose names look in order (a surname stem, a resolved diminutive) keeps them; between
    equals, the side with the smaller name key does.
    """
    straight = jaro_winkler(a["first_canon"], b["first_canon"]) + jaro_winkler(
        a["last_canon"], b["last_canon"]
    )
    crossed = jaro_winkler(a["first_canon"], b["last_canon"]) + jaro_winkler(
        a["last_canon"], b["first_canon"]
    )
    swap = crossed > straight + SWAP_MARGIN
    if not any_pair(swap):
        return a, b
    in_order_a, in_order_b = _names_in_order(a), _names_in_order(b)
    keeps_a = (in_order_a > in_order_b) | (
        (in_order_a == in_order_b) & (_name_key(a) <= _name_key(b))
    )
    return (
        _crossed(a, np.logical_and(swap, np.logical_not(keeps_a))),
        _crossed(b, np.logical_and(swap, keeps_a)),
    )


def _names_in_order(columns: Columns) -> Any:
    # A gendered surname cut to its stem, or a diminutive resolved, is a name in its own field.
    pairs = (("last_canon", "last_latin"), ("first_canon", "first_latin"))
    if is_batch(columns["last_canon"]):
        return sum(np.asarray(columns[c] != columns[lt], dtype=int) for c, lt in pairs)
    return sum(int(columns[c] != columns[lt]) for c, lt in pairs)


def _name_key(columns: Columns) -> Any:
    first, last = columns["first_latin"], columns["last_latin"]
    if is_batch(first):
        keys = np.empty(len(first), dtype=object)
        keys[:] = [f"{x or ''}|{y or ''}" for x, y in zip(first, last, strict=True)]
        return keys
    return f"{first or ''}|{last or ''}"


def _crossed(columns: Columns, swap: Any) -> Columns:
    if not any_pair(swap):
        return columns
    crossed = dict(columns)
    for column in NAME_COLUMNS:
        first, last = columns[f"first_{column}"], columns[f"last_{column}"]
        crossed[f"first_{column}"] = choose(swap, last, first)
        crossed[f"last_{column}"] = choose(swap, first, last)
    return crossed


# --- products --------------------------------------------------------------------------------


def _gtin(a: Columns, b: Columns) -> tuple[Any, Rules]:
    # Variants of one model often carry consecutive GTINs: a shared family is not a match.
    return missing(a["gtin"]) | missing(b["gtin"]), [
        ("exact", equal(a["gtin"], b["gtin"])),
        ("family", equal(a["gtin_family"], b["gtin_family"])),
    ]


def _title(a: Columns, b: Columns) -> tuple[Any, Rules]:
    similar = token_set(a["title"], b["title"])
    # Two different valid GTINs are two variants however alike their titles (a till cuts a
    # title before its variant): the same wording is evidence only where a GTIN is missing.
    two_gtins = pairwise(operator.ne, a["gtin"], b["gtin"])
    same_variant = (
        equal(a["variant"], b["variant"])
        & pairwise(_same_words, a["title"], b["title"])
        & negate(two_gtins)
    )
    return missing(a["title"]) | missing(b["title"]), [
        ("same_variant", same_variant),
        ("ts_0.95", similar >= 0.95),
        ("ts_0.85", similar >= 0.85),
        ("ts_0.70", similar >= 0.70),
    ]


def _same_words(x: str, y: str) -> bool:
    return set(x.split()) == set(y.split())


def _quantity(a: Columns, b: Columns) -> tuple[Any, Rules]:
    return missing(a["quantity"]) | missing(b["quantity"]), [
        ("exact", pairwise(_same_quantity, a["quantity"], b["quantity"])),
    ]


def _same_quantity(x: tuple[str, float], y: tuple[str, float]) -> bool:
    # Half a percent absorbs rounding between units (0,33 л vs 330 мл vs 11.2 fl oz).
    return x[0] == y[0] and abs(x[1] - y[1]) <= 0.005 * max(x[1], y[1])


def _size(a: Columns, b: Columns) -> tuple[Any, Rules]:
    return missing(a["size"]) | missing(b["size"]), [
        ("exact", pairwise(same_size, a["size"], b["size"])),
    ]


def same_size(x: str, y: str) -> bool:
    """True when two canonical sizes are one: equal, or a length in cm and the inches it rounds to.

    >>> same_size("127cm", "50"), same_size("140cm", "55"), same_size("127cm", "55")
    (True, True, False)
    """
    if x == y:
        return True
    if x.endswith("cm") == y.endswith("cm"):
        return False
    centimetres, inches = (x, y) if x.endswith("cm") else (y, x)
    if not (centimetres[:-2].isdigit() and inches.isdigit()):
        return False
    return round(int(centimetres[:-2]) / 2.54) == int(inches)


PRODUCT_COMPARISONS: tuple[FieldComparison, ...] = (
    FieldComparison("gtin", ("exact", "family", "else"), _gtin),
    FieldComparison("brand", EXACT_SIMILAR, _exact_or_similar("brand")),
    FieldComparison("title", ("same_variant", "ts_0.95", "ts_0.85", "ts_0.70", "else"), _title),
    FieldComparison("quantity", EXACT_ELSE, _quantity),
    FieldComparison("pack_count", EXACT_ELSE, _exact_only("pack_count")),
    FieldComparison("color", EXACT_ELSE, _exact_only("color")),
    FieldComparison("size", EXACT_ELSE, _size),
    FieldComparison("category", EXACT_SIMILAR, _exact_or_similar("category")),
)

COMPARISONS: dict[str, tuple[FieldComparison, ...]] = {
    "customer": CUSTOMER_COMPARISONS,
    "product": PRODUCT_COMPARISONS,
}


# --- entry points ----------------------------------------------------------------------------


def compare_customers(
    a: CustomerView, b: CustomerView, *, blocking_keys: tuple[str, ...] = ()
) -> ComparisonVector:
    """The comparison vector of two customers (names read in the orientation that fits)."""
    levels = pair_levels("customer", customer_columns(a), customer_columns(b))
    return _vector("customer", a.record_id, b.record_id, levels, blocking_keys)


def compare_products(
    a: ProductView, b: ProductView, *, blocking_keys: tuple[str, ...] = ()
) -> ComparisonVector:
    """The comparison vector of two products."""
    levels = pair_levels("product", product_columns(a), product_columns(b))
    return _vector("product", a.record_id, b.record_id, levels, blocking_keys)


def pair_levels(entity_type: str, a: Columns, b: Columns) -> tuple[str | None, ...]:
    """One pair's level labels, in the order of `COMPARISONS[entity_type]`."""
    if entity_type == "customer":
        a, b = orient_names(a, b)
    return tuple(c.level_of(a, b) for c in COMPARISONS[entity_type])


def levels_of_pairs(entity_type: str, pairs: Sequence[tuple[View, View]]
                    ) -> list[tuple[str | None, ...]]:
    """`pair_levels` of a few pairs of views, each view's columns made once (the single-record
    path: the new record is on one side of every pair)."""
    to_columns = customer_columns if entity_type == "customer" else product_columns
    columns: dict[str, Columns] = {}
    for pair in pairs:
        for view in pair:
            if view.record_id not in columns:
                columns[view.record_id] = to_columns(view)
    return [pair_levels(entity_type, columns[a.record_id], columns[b.record_id])
            for a, b in pairs]


def _vector(
    entity_type: str, id_a: str, id_b: str, levels: tuple[str | None, ...],
    keys: tuple[str, ...]
) -> ComparisonVector:
    named = tuple(zip((c.name for c in COMPARISONS[entity_type]), levels, strict=True))
    return ComparisonVector(entity_type, (id_a, id_b), named, tuple(sorted(keys)))


def compare_columns(entity_type: str, a: Columns, b: Columns) -> np.ndarray:
    """Level codes, shape (pairs, fields), for pairs given as aligned column arrays."""
    if entity_type == "customer":
        a, b = orient_names(a, b)
    codes = [c.codes_of(a, b) for c in COMPARISONS[entity_type]]
    return np.stack(codes, axis=1)
