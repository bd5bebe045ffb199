"""Streams of customer records from several channels, with the true customer of each."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Iterator

from mdm.synthetic.customer_channels import CustomerChannels
from mdm.synthetic.people import PeopleFactory
from mdm.synthetic.records import (
    SyntheticRecord,
    check_rate,
    entity_batches,
    shuffled,
    source_pool,
)
from mdm.synthetic.vocabulary import load_vocabulary

# Share of records each channel contributes, roughly as in a mid-sized Russian retailer.
CUSTOMER_SOURCE_WEIGHTS = {
    "web_shop": 26, "mobile_app": 22, "marketplace_ozon": 12, "marketplace_wb": 10,
    "pos_store": 20, "call_centre": 10,
}
CUSTOMER_SOURCES = tuple(CUSTOMER_SOURCE_WEIGHTS)


def generate_customers(n_entities: int, *, seed: int, duplicate_rate: float = 0.2,
                       sources: Iterable[str] | None = None) -> Iterator[SyntheticRecord]:
    """Customer records of `n_entities` true customers, streamed in a shuffled order.

    About `duplicate_rate` of the records describe a customer already described by another
    record (in the same or another source). People come in households and some are namesakes
    of others: those are different customers. Deterministic for a seed.
    """
    check_rate(duplicate_rate)
    rng = random.Random(seed)
    vocabulary = load_vocabulary()
    pool = source_pool(CUSTOMER_SOURCE_WEIGHTS, sources)
    people = PeopleFactory(rng, vocabulary)
    channels = CustomerChannels(rng, vocabulary)

    batches = entity_batches(people.household, n_entities, rng=rng,
                             duplicate_rate=duplicate_rate, pool=pool,
                             render=lambda person, source: channels.render[source](person, source),
                             entity_type="customer")
    return shuffled(batches, random.Random(seed + 1))


def generate_customer_records(n_records: int, *, seed: int, duplicate_rate: float = 0.2,
                              sources: Iterable[str] | None = None) -> Iterator[SyntheticRecord]:
    """Exactly `n_records` customer records with about `duplicate_rate` duplicates, streamed.

    For speed benchmarks: ask for a record count rather than a customer count.
    """
    # Every customer has at least one record, so n_records customers always suffice.
    stream = generate_customers(n_records, seed=seed, duplicate_rate=duplicate_rate,
                                sources=sources)
    return itertools.islice(stream, n_records)
