"""Realistic multichannel retail data with known truth, for the demo and the benchmarks.

Every generator is deterministic for its seed, streams its records (constant memory, so a
million records cost no more memory than a hundred) and tells, for every record, the true
customer or product behind it. Records follow DESIGN.md's record contract.

    for synthetic in generate_customers(10_000, seed=7, duplicate_rate=0.2):
        synthetic.source, synthetic.record, synthetic.entity_id
"""

from mdm.synthetic.customers import (
    CUSTOMER_SOURCES,
    generate_customer_records,
    generate_customers,
)
from mdm.synthetic.demo import generate_demo, generate_demo_records
from mdm.synthetic.inventory import generate_prices, generate_stock, locations
from mdm.synthetic.products import PRODUCT_SOURCES, generate_products
from mdm.synthetic.records import SyntheticRecord

__all__ = [
    "CUSTOMER_SOURCES",
    "PRODUCT_SOURCES",
    "SyntheticRecord",
    "generate_customer_records",
    "generate_customers",
    "generate_demo",
    "generate_demo_records",
    "generate_prices",
    "generate_products",
    "generate_stock",
    "locations",
]
