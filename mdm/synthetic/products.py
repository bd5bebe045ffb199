"""Streams of product records from several channels, with the true product of each."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

from mdm.synthetic.catalogue import Catalogue
from mdm.synthetic.product_channels import ProductChannels
from mdm.synthetic.records import (
    SyntheticRecord,
    check_rate,
    entity_batches,
    shuffled,
    source_pool,
)
from mdm.synthetic.vocabulary import load_vocabulary

PRODUCT_SOURCE_WEIGHTS = {
    "web_shop": 30, "mobile_app": 15, "marketplace_ozon": 20, "marketplace_wb": 20,
    "pos_store": 15,
}
PRODUCT_SOURCES = tuple(PRODUCT_SOURCE_WEIGHTS)


def generate_products(n_entities: int, *, seed: int, duplicate_rate: float = 0.5,
                      sources: Iterable[str] | None = None) -> Iterator[SyntheticRecord]:
    """Product records of `n_entities` true products (variants), streamed in a shuffled order.

    Products come as models with 1-6 variants (size, colour, volume, pack) that have
    near-identical titles and consecutive GTINs; each variant is a product of its own. About
    `duplicate_rate` of the records list a product another record already lists. The call
    centre sends no products. Deterministic for a seed.
    """
    check_rate(duplicate_rate)
    rng = random.Random(seed)
    vocabulary = load_vocabulary()
    pool = source_pool(PRODUCT_SOURCE_WEIGHTS, sources)
    catalogue = Catalogue(rng, vocabulary)
    channels = ProductChannels(rng, vocabulary)

    batches = entity_batches(catalogue.model, n_entities, rng=rng,
                             duplicate_rate=duplicate_rate, pool=pool, render=channels.render,
                             entity_type="product")
    return shuffled(batches, random.Random(seed + 1))
