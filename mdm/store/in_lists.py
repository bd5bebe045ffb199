"""Value lists for `IN (...)`, sent in a few lengths only.

An expanded IN list of a new length is a new SQL text. SQLite's driver keeps its last 128
texts prepared (`sqlite3`'s `cached_statements`): `mdm ingest`'s lookups, with lists of nearly
every length up to 500, filled it with statements used once, up to ~0.2 MiB each when
prepared (about 7 MiB of the main process at 20,000 records); preparing one also cost ~1 ms,
four times running it. A repeated value changes no result: IN is a set.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

# Lists this long or longer are padded to a multiple of it, shorter ones to a power of two.
LARGEST_POWER = 512

T = TypeVar("T")


def padded_length(length: int) -> int:
    """The length a list of `length` values is sent as.

    >>> [padded_length(n) for n in (0, 1, 3, 500, 513, 1000)]
    [0, 1, 4, 512, 1024, 1024]
    """
    if length <= LARGEST_POWER:
        return 1 << (length - 1).bit_length() if length else 0
    return -(-length // LARGEST_POWER) * LARGEST_POWER


def padded(values: Sequence[T]) -> list[T]:
    """`values` with its last value repeated up to `padded_length` (empty stays empty)."""
    values = list(values)
    if values:
        values.extend(values[-1:] * (padded_length(len(values)) - len(values)))
    return values


def padded_chunks(values: Sequence[T], size: int) -> Iterator[list[T]]:
    """`values` in consecutive parts of at most `size`, each `padded`."""
    for start in range(0, len(values), size):
        yield padded(values[start:start + size])
