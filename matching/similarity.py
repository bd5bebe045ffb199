"""Similarity primitives that work on one pair or on many pairs at once.

Each helper takes either two scalars (the single-record path) or two numpy
object arrays of equal length (the batch path) and returns a scalar or an
array. The comparison levels in `matching.compare` are written once on top
of these helpers, so both paths apply literally the same rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, JaroWinkler


def is_batch(value: Any) -> bool:
    """True when `value` is a numpy array of many pairs' values."""
    return isinstance(value, np.ndarray)


def missing(value: Any) -> Any:
    """True (per element) where the value is unknown (None or NaN)."""
    if is_batch(value):
        return pd.isna(value)
    return value is None


def equal(a: Any, b: Any) -> Any:
    """True (per element) where both values are known and equal."""
    if is_batch(a):
        known = ~(missing(a) | missing(b))
        result = np.zeros(len(a), dtype=bool)
        result[known] = a[known] == b[known]
        return result
    return a is not None and b is not None and a == b


def _score(scorer: Callable, a: Any, b: Any, unknown: float, dtype: type) -> Any:
    if is_batch(a):
        known = ~(missing(a) | missing(b))
        result = np.full(len(a), unknown, dtype=dtype)
        if known.any():
            result[known] = process.cpdist(
                a[known].tolist(), b[known].tolist(), scorer=scorer, dtype=dtype, workers=-1
            )
        return result
    if a is None or b is None:
        return unknown
    return scorer(a, b)  # a plain number: numpy scalars cost more in every rule that reads it


def jaro_winkler(a: Any, b: Any) -> Any:
    """Jaro-Winkler similarity in [0, 1]; 0 where either value is unknown."""
    return _score(JaroWinkler.normalized_similarity, a, b, 0.0, np.float64)


def token_set(a: Any, b: Any) -> Any:
    """Token-set ratio in [0, 1] (word order and repeats ignored); 0 where unknown."""
    return _score(fuzz.token_set_ratio, a, b, 0.0, np.float64) / 100.0


def edit_distance(a: Any, b: Any) -> Any:
    """Optimal-string-alignment distance (a transposition costs 1); 99 where unknown."""
    return _score(OSA.distance, a, b, 99, np.int64)


def pairwise(test: Callable[[Any, Any], bool], a: Any, b: Any) -> Any:
    """`test(x, y)` per pair, False where either value is unknown."""
    if is_batch(a):
        return np.fromiter(
            (x is not None and y is not None and test(x, y) for x, y in zip(a, b, strict=True)),
            dtype=bool,
            count=len(a),
        )
    return a is not None and b is not None and bool(test(a, b))


def larger(a: Any, b: Any) -> Any:
    """The larger of two similarities (per element)."""
    if is_batch(a):
        return np.maximum(a, b)
    return max(a, b)


def negate(condition: Any) -> Any:
    """True (per element) where `condition` does not hold."""
    if is_batch(condition):
        return np.logical_not(condition)
    return not condition


def any_pair(condition: Any) -> bool:
    """True when `condition` holds for any pair (for the one pair, when a scalar)."""
    if is_batch(condition):
        return bool(condition.any())
    return bool(condition)


def choose(condition: Any, when_true: Any, when_false: Any) -> Any:
    """`when_true` where `condition` holds, else `when_false` (per element)."""
    if is_batch(condition):
        return np.where(condition, when_true, when_false)
    return when_true if condition else when_false


def truthy(value: Any) -> Any:
    """True (per element) where a flag is set; unknown counts as False."""
    if is_batch(value):
        return np.fromiter((bool(v) for v in value), dtype=bool, count=len(value))
    return bool(value)
