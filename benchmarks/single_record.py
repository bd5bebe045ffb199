"""Single-record matching latency on API ingestion, with N customer records already stored.

    .venv/bin/python benchmarks/single_record.py --stored 10000 --probes 300

Loads N synthetic multichannel customers into a fresh PostgreSQL database through the bulk
path (as `mdm ingest` buffers them: 1,000 records of one source a transaction), then pushes
`--probes` further records of the same stream one at a time, as the API does
(`ingest.ingest_records` + commit per record), and prints p50/p99 milliseconds per record:
store, standardise, candidate lookup, scoring, placement and golden record writes, no HTTP.
The issue's target: 1,000,000 stored, p50 < 5 ms, p99 < 25 ms.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdm import create_app, database, ingest, sources  # noqa: E402
from mdm.extensions import db  # noqa: E402
from mdm.models import Source, utcnow  # noqa: E402
from mdm.synthetic.customers import generate_customer_records  # noqa: E402

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"


def fresh_database() -> str:
    name = f"mdm_single_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return f"{PG_BASE}/{name}"


def source_of(name: str, known: dict) -> Source:
    if name not in known:
        known[name] = (db.session.scalar(sa.select(Source).where(Source.name == name))
                       or sources.add_source(db.session, name))
    return known[name]


def load(records, known: dict, chunk: int = 1000) -> None:
    """Store `records` as `mdm ingest` does: a buffer per source, `chunk` records a transaction."""
    pending = defaultdict(list)
    for item in records:
        pending[item.source].append(item.record)
        if len(pending[item.source]) == chunk:
            _store(item.source, pending.pop(item.source), known)
    for name, raw in pending.items():
        _store(name, raw, known)


def _store(name: str, raw: list, known: dict) -> None:
    ingest.ingest_records(db.session, source_of(name, known), "customer", raw, now=utcnow())
    db.session.commit()


def probe(records, known: dict) -> list[float]:
    timings = []
    for item in records:
        source = source_of(item.source, known)
        started = time.perf_counter()
        ingest.ingest_records(db.session, source, "customer", [item.record], now=utcnow())
        db.session.commit()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    url = fresh_database()
    database.upgrade(url)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    stream = generate_customer_records(args.stored + args.probes, seed=args.seed)
    stored = list(itertools.islice(stream, args.stored))
    probes = list(stream)
    with app.app_context():
        known: dict = {}
        started = time.perf_counter()
        load(stored, known)
        load_seconds = time.perf_counter() - started
        timings = probe(probes, known)
    cuts = statistics.quantiles(timings, n=100)
    sys.stdout.write(
        f"postgresql stored={args.stored:,} (loaded in {load_seconds:.0f} s) "
        f"probes={len(timings)} p50={cuts[49]:.1f} ms p99={cuts[98]:.1f} ms "
        f"max={max(timings):.1f} ms\n")


if __name__ == "__main__":
    main()
