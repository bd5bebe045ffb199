"""What every generator yields, and the streaming helpers they share."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from mdm.synthetic.vocabulary import Weighted

_MAX_RECORDS_PER_ENTITY = 8


class SyntheticRecord(NamedTuple):
    """One channel record and the truth behind it.

    `record` follows DESIGN.md's record contract for `entity_type`; `entity_id` is the true
    customer or product it describes (for stock and price records: the product).
    """

    source: str
    entity_type: str
    record: dict[str, Any]
    entity_id: str


def source_pool(weights: dict[str, float], sources: Iterable[str] | None) -> Weighted[str]:
    """The sources to draw records from, weighted; `sources` narrows the defaults."""
    chosen = list(weights) if sources is None else list(sources)
    unknown = sorted(set(chosen) - set(weights))
    if unknown or not chosen:
        raise ValueError(f"unknown or no sources: {unknown}; known: {sorted(weights)}")
    return Weighted.of([(source, weights[source]) for source in chosen])


def records_per_entity(rng: random.Random, duplicate_rate: float) -> int:
    """How many records one entity gets: 1 plus a geometric number of duplicates.

    With P(one more) = duplicate_rate, duplicates make up `duplicate_rate` of all records
    (mean records per entity 1 / (1 - rate)).
    """
    count = 1
    while count < _MAX_RECORDS_PER_ENTITY and rng.random() < duplicate_rate:
        count += 1
    return count


def check_rate(duplicate_rate: float) -> None:
    """Raise ValueError unless 0 <= duplicate_rate < 0.85 (the cap keeps groups ≤ 8 records)."""
    if not 0 <= duplicate_rate < 0.85:
        raise ValueError(f"duplicate_rate must be in [0, 0.85), got {duplicate_rate}")


def entity_batches(groups: Callable[[], Sequence[Any]], n_entities: int, *,
                   rng: random.Random, duplicate_rate: float, pool: Weighted[str],
                   render: Callable[[Any, str], dict[str, Any]],
                   entity_type: str) -> Iterator[list[SyntheticRecord]]:
    """Batches of records for `n_entities` true entities, one batch per group of them.

    `groups()` returns the next household or product model; each entity gets one record and
    then more with probability `duplicate_rate`, each from a source drawn from `pool`.
    """
    made = 0
    while made < n_entities:
        batch = []
        for entity in groups()[: n_entities - made]:
            for _ in range(records_per_entity(rng, duplicate_rate)):
                source = pool.draw(rng)
                batch.append(SyntheticRecord(source, entity_type, render(entity, source),
                                             entity.entity_id))
            made += 1
        yield batch


def shuffled(batches: Iterable[Sequence[SyntheticRecord]], rng: random.Random,
             buffer_size: int = 1024) -> Iterator[SyntheticRecord]:
    """The records of `batches`, interleaved through a bounded buffer (constant memory).

    Records of one entity arrive apart, as they do from channels, yet never further than
    about `buffer_size` positions, so a stream can be cut anywhere without losing much truth.
    """
    buffer: list[SyntheticRecord] = []
    for batch in batches:
        for record in batch:
            if len(buffer) < buffer_size:
                buffer.append(record)
                continue
            slot = int(rng.random() * buffer_size)
            yield buffer[slot]
            buffer[slot] = record
    rng.shuffle(buffer)
    yield from buffer
