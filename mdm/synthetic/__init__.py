"""Realistic multichannel retail data with known truth, for the demo and the benchmarks.

Every generator is deterministic for its seed, streams its records (constant memory, so a
million records cost no more memory than a hundred) and tells, for every record, the true
customer or product behind it. Records follow DESIGN.md's record contract.
"""

from mdm.synthetic.customers import (
    CUSTOMER_SOURCES,
    generate_customer_records,
    generate_customers,
)
from mdm.synthetic.records import SyntheticRecord

__all__ = [
    "CUSTOMER_SOURCES",
    "SyntheticRecord",
    "generate_customer_records",
    "generate_customers",
]
