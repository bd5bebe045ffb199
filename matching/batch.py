"""The batch path: many views → candidate pairs → level codes → decisions, vectorised.

It reads the same blocking keys (`matching.block`), the same comparison rules
(`matching.compare`, evaluated on column arrays) and the same model
(`matching.classify.classify_codes`) as the single-record path, so both
make the same decisions on the same data. Pairs are compared in chunks so
memory stays flat however many candidates there are.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd

from matching.block import customer_keys, product_keys
from matching.classify import OUTCOMES, Scores, classify_codes
from matching.columns import CUSTOMER_COLUMNS, PRODUCT_COLUMNS, customer_columns, product_columns
from matching.compare import COMPARISONS, compare_columns
from matching.em import TrainingResult, estimate_u, train_em
from matching.model import MatchModel

CHUNK_PAIRS = 200_000
ENTITY = {
    "customer": (CUSTOMER_COLUMNS, customer_columns, customer_keys),
    "product": (PRODUCT_COLUMNS, product_columns, product_keys),
}


@dataclass(frozen=True)
class Table:
    """Many views as comparison columns (object arrays) plus their blocking keys."""

    entity_type: str
    record_ids: np.ndarray
    columns: dict[str, np.ndarray]
    keys: tuple[frozenset[str], ...]

    def __len__(self) -> int:
        return len(self.record_ids)

    def take(self, rows: np.ndarray) -> dict[str, np.ndarray]:
        """The columns of the given rows, aligned with `rows`."""
        return {name: values[rows] for name, values in self.columns.items()}


def build_table(entity_type: str, views: Iterable, *, with_keys: bool = True) -> Table:
    """A Table of `views` (consumed once; views are not kept, only their columns).

    Without `with_keys` the table's keys are empty: comparing pairs blocked elsewhere (the
    store's candidate lookup) needs only the columns, and the keys cost as much again.
    """
    names, to_columns, to_keys = ENTITY[entity_type]
    values: dict[str, list] = {name: [] for name in names}
    record_ids, keys = [], []
    for view in views:
        record_ids.append(view.record_id)
        if with_keys:
            keys.append(to_keys(view))
        for name, value in to_columns(view).items():
            # Interning shares one string object between the many records that repeat it.
            values[name].append(sys.intern(value) if type(value) is str else value)
    columns = {name: _object_array(column) for name, column in values.items()}
    return Table(entity_type, np.array(record_ids, dtype=object), columns, tuple(keys))


def _object_array(values: list) -> np.ndarray:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


def candidate_pairs(
    keys: Iterable[frozenset[str]],
    max_block_size: int,
    sides: np.ndarray | None = None,
    *,
    chunks: np.ndarray | None = None,
    limit_of: Callable[[str], int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (i < j) sharing a blocking key, each pair once.

    A key held by more rows than its limit (`limit_of(key)`, else `max_block_size`) is
    ignored, as the single-record path ignores it. With `chunks` (the arrival chunk of each
    row, rows in arrival order) a key counts the rows holding it up to the end of the later
    row's chunk, as ingestion counted it when that chunk arrived: a key crowded only since
    still paired the rows that came before. With `sides` (0/1 per row) only pairs across the
    two sides are kept (linkage instead of deduplication).
    """
    frame = _key_holders(keys, max_block_size, limit_of)
    base = int(frame["row"].max()) + 1 if len(frame) else 1
    if chunks is None:
        held = frame.groupby("key")["row"].transform("size")
    else:
        frame["chunk"] = np.asarray(chunks, dtype=np.int64)[frame["row"].to_numpy()]
        held = frame.groupby("key")["chunk"].rank(method="max")
    frame = frame[(frame.groupby("key")["row"].transform("size") > 1) & (held <= frame["limit"])]
    frame = frame.drop(columns=[c for c in ("limit", "chunk") if c in frame])
    pairs = frame.merge(frame, on="key", suffixes=("_a", "_b"))
    left, right = pairs["row_a"].to_numpy(), pairs["row_b"].to_numpy()
    keep = left < right
    if sides is not None:
        keep &= sides[left] != sides[right]
    encoded = np.unique(left[keep] * base + right[keep])
    return encoded // base, encoded % base


def _key_holders(
    keys: Iterable[frozenset[str]], max_block_size: int, limit_of: Callable[[str], int] | None
) -> pd.DataFrame:
    """One row per (row, key): the row, the key's hash and the most rows its block may hold."""
    keys = list(keys)
    held = list(chain.from_iterable(keys))
    sizes = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    if limit_of is None:
        limits = np.full(len(held), max_block_size, dtype=np.int64)
    else:
        limits = np.fromiter(map(limit_of, held), dtype=np.int64, count=len(held))
    return pd.DataFrame(
        {
            "row": np.repeat(np.arange(len(keys), dtype=np.int64), sizes),
            "key": np.fromiter(map(hash, held), dtype=np.int64, count=len(held)),
            "limit": limits,
        }
    )


def compare_rows(table: Table, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Level codes, shape (pairs, fields), for the given row pairs of `table`."""
    chunks = [
        compare_columns(
            table.entity_type,
            table.take(left[start : start + CHUNK_PAIRS]),
            table.take(right[start : start + CHUNK_PAIRS]),
        )
        for start in range(0, len(left), CHUNK_PAIRS)
    ]
    if not chunks:
        return np.zeros((0, len(COMPARISONS[table.entity_type])), dtype=np.int8)
    return np.concatenate(chunks)


@dataclass(frozen=True)
class BatchMatches:
    """Scored candidate pairs: rows into the table, their level codes and decisions."""

    left: np.ndarray
    right: np.ndarray
    codes: np.ndarray
    scores: Scores

    def to_frame(self, table: Table) -> pd.DataFrame:
        """One row per pair: record ids, match weight, outcome, hard conflict."""
        return pd.DataFrame(
            {
                "record_a": table.record_ids[self.left],
                "record_b": table.record_ids[self.right],
                "match_weight": self.scores.match_weight,
                "outcome": np.array(OUTCOMES, dtype=object)[self.scores.outcome],
                "hard_conflict": self.scores.hard_conflict,
            }
        )


def match_table(
    table: Table,
    model: MatchModel,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    train: Callable[[np.ndarray, MatchModel], MatchModel] | None = None,
) -> tuple[BatchMatches, MatchModel]:
    """Scored pairs of `table` (blocked unless `pairs` is given); `train` may re-fit the model."""
    left, right = pairs if pairs is not None else candidate_pairs(table.keys, model.max_block_size)
    codes = compare_rows(table, left, right)
    if train is not None:
        model = train(codes, model)
    return BatchMatches(left, right, codes, classify_codes(codes, model)), model


def random_pairs(
    n_rows: int, count: int, seed: int, sides: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """`count` random row pairs (i != j; across sides when `sides` is given)."""
    generator = np.random.default_rng(seed)
    if sides is not None:
        left_rows, right_rows = np.flatnonzero(sides == 0), np.flatnonzero(sides == 1)
        return generator.choice(left_rows, count), generator.choice(right_rows, count)
    left = generator.integers(0, n_rows, count)
    right = (left + generator.integers(1, max(n_rows, 2), count)) % n_rows
    return left, right


def train_on_table(
    table: Table,
    codes: np.ndarray,
    model: MatchModel,
    *,
    seed: int,
    version: str,
    sides: np.ndarray | None = None,
    random_count: int = 200_000,
) -> TrainingResult:
    """The model re-fitted to `table`: u from random pairs, then m and prior by EM on `codes`."""
    left, right = random_pairs(len(table), random_count, seed, sides)
    with_u = estimate_u(compare_rows(table, left, right), model)
    return train_em(codes, with_u, version=version)
