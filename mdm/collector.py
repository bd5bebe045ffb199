"""The garbage collector's thresholds for bulk work: a load (`mdm ingest`) or a rematch."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Collector thresholds during bulk work (Python's defaults: 700, 10, 10). A chunk of a load, or
# a rematch's views, columns and pairs, allocates hundreds of thousands of objects that live
# until the work is done; at the defaults they outlive the young generations and set off full
# collections, each walking every value the standardisers and SQLAlchemy keep cached: a quarter
# of the main process's CPU at 20,000 records. Little of it is cyclic, so rarer collections
# hold no more.
BULK_GC_THRESHOLDS = (50_000, 20, 100)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the block with `BULK_GC_THRESHOLDS`, then restore the collector's thresholds."""
    thresholds = gc.get_threshold()
    gc.set_threshold(*BULK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
