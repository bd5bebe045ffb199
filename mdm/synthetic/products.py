"""Streams of product records from several channels, with the true product of each."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator

from mdm.synthetic.catalogue import Catalogue
from mdm.synthetic.product_channels import ProductChannels
from mdm.synthetic.records import (
    SyntheticRecord,
    check_rate,
    records_per_entity,
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

    def batches() -> Iterator[list[SyntheticRecord]]:
        made = 0
        while made < n_entities:
            batch = []
            for variant in catalogue.model()[: n_entities - made]:
                for _ in range(records_per_entity(rng, duplicate_rate)):
                    source = pool.draw(rng)
                    record = channels.render(variant, source)
                    batch.append(SyntheticRecord(source, "product", record, variant.entity_id))
                made += 1
            yield batch

    return shuffled(batches(), random.Random(seed + 1))
