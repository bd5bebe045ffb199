"""Write realistic multichannel records with known truth, for the matching and ingestion benchmarks.

    .venv/bin/python benchmarks/datagen.py out/1m --customer-records 1000000 --products 20000

writes `out/1m/<source>.<entity_type>.jsonl` (one record per line, each carrying `source` and
`entity_type` so that `mdm ingest out/1m/*.jsonl` needs no flags) and `out/1m/truth.csv`
(`entity_type,source,source_key,entity_id`, one row per record). Streams: memory stays flat
whatever the counts.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

# Run as a script from a checkout: make the repository importable without installing it.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdm.synthetic import (  # noqa: E402
    CUSTOMER_SOURCES,
    PRODUCT_SOURCES,
    SyntheticRecord,
    generate_customer_records,
    generate_customers,
    generate_prices,
    generate_products,
    generate_stock,
)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (created if missing)")
    counts = parser.add_mutually_exclusive_group()
    counts.add_argument("--customers", type=int, default=10_000,
                        help="true customers to generate (default 10,000)")
    counts.add_argument("--customer-records", type=int,
                        help="exactly this many customer records instead (speed benchmarks)")
    parser.add_argument("--products", type=int, default=2_000,
                        help="true products (variants) to generate (default 2,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duplicate-rate", type=float, default=0.2,
                        help="share of customer records that duplicate another (default 0.2)")
    parser.add_argument("--product-duplicate-rate", type=float, default=0.5,
                        help="share of product records that duplicate another (default 0.5)")
    parser.add_argument("--sources", nargs="+", choices=CUSTOMER_SOURCES,
                        help="only these sources (default: all)")
    parser.add_argument("--no-inventory", action="store_true",
                        help="skip stock and price records")
    return parser.parse_args(argv)


def synthetic_records(options: argparse.Namespace) -> Iterator[SyntheticRecord]:
    """Every record to write: customers, products, then stock and prices of those products."""
    sources = options.sources
    if options.customer_records is not None:
        yield from generate_customer_records(options.customer_records, seed=options.seed,
                                             duplicate_rate=options.duplicate_rate, sources=sources)
    else:
        yield from generate_customers(options.customers, seed=options.seed,
                                      duplicate_rate=options.duplicate_rate, sources=sources)
    product_sources = None if sources is None else [s for s in sources if s in PRODUCT_SOURCES]
    if options.products == 0 or product_sources == []:
        return

    def products() -> Iterator[SyntheticRecord]:
        # Regenerated for each pass (same seed, same records) instead of kept in memory.
        return generate_products(options.products, seed=options.seed,
                                 duplicate_rate=options.product_duplicate_rate,
                                 sources=product_sources)

    yield from products()
    if not options.no_inventory:
        yield from generate_stock(products(), seed=options.seed)
        yield from generate_prices(products(), seed=options.seed)


def write_records(records: Iterator[SyntheticRecord], out: Path) -> dict[str, int]:
    """Write `records` as JSON Lines per source and entity type plus `truth.csv`; return counts
    per file name."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[tuple[str, str], IO[str]] = {}
    counts: dict[str, int] = {}
    with (out / "truth.csv").open("w", newline="", encoding="utf-8") as truth_file:
        truth = csv.writer(truth_file)
        truth.writerow(["entity_type", "source", "source_key", "entity_id"])
        try:
            for synthetic in records:
                source, entity_type = synthetic.source, synthetic.entity_type
                target = files.get((source, entity_type))
                if target is None:
                    target = (out / f"{source}.{entity_type}.jsonl").open("w", encoding="utf-8")
                    files[(source, entity_type)] = target
                line = {"source": source, "entity_type": entity_type, **synthetic.record}
                target.write(json.dumps(line, ensure_ascii=False) + "\n")
                truth.writerow([entity_type, source, synthetic.record["source_key"],
                                synthetic.entity_id])
                name = f"{source}.{entity_type}.jsonl"
                counts[name] = counts.get(name, 0) + 1
        finally:
            for target in files.values():
                target.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    """Generate, write, report counts and speed on stdout; exit status 0."""
    options = parse_arguments(argv)
    started = time.perf_counter()
    counts = write_records(synthetic_records(options), options.out)
    seconds = time.perf_counter() - started
    total = sum(counts.values())
    for name, count in sorted(counts.items()):
        sys.stdout.write(f"{count:>10,}  {options.out / name}\n")
    sys.stdout.write(f"{total:>10,}  records in {seconds:.1f} s "
                     f"({total / seconds:,.0f} records/s), truth in {options.out / 'truth.csv'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
