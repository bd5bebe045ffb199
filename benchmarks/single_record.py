"""Single-record matching latency on API ingestion, with N customer records already stored.

    .venv/bin/python benchmarks/single_record.py --stored 10000 --probes 300

Loads N synthetic multichannel customers into a fresh PostgreSQL database through `mdm ingest`'s
own path (`bulk_ingest.ingest_files` on a JSON Lines file: 1,000 records of one source a
transaction, planner statistics refreshed as it grows), then pushes `--probes` further records of
the same stream one at a time, as the API does (`ingest.ingest_records` + commit per record), and
prints p50/p99 milliseconds per record: store, standardise, candidate lookup, scoring, placement
and golden record writes, no HTTP. Also CPU milliseconds of this process per record (the Python
share, less inflated by other load than wall time) and SQL statements per record.
The issue's target: 1,000,000 stored, p50 < 5 ms, p99 < 25 ms.

`--keep` leaves the loaded database as a template (`mdm_single_base_<N>_<seed>`); `--reuse`
probes a fresh copy of it (`CREATE DATABASE ... TEMPLATE`, upgraded to this tree's schema), so
every run starts from the same stored state and a million-record load is paid once. Every copy
is dropped after its run.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import json
import pstats
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mdm import bulk_ingest, create_app, database, ingest, sources  # noqa: E402
from mdm.extensions import db  # noqa: E402
from mdm.models import Source, utcnow  # noqa: E402
from mdm.synthetic.customers import CUSTOMER_SOURCES, generate_customer_records  # noqa: E402

PG_BASE = "postgresql+psycopg://postgres@127.0.0.1:5432"


def _admin_engine() -> sa.Engine:
    return sa.create_engine(f"{PG_BASE}/postgres", isolation_level="AUTOCOMMIT")


def create_database(name: str, template: str | None = None) -> str:
    with _admin_engine().connect() as connection:
        clause = f' TEMPLATE "{template}"' if template else ""
        connection.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
    return f"{PG_BASE}/{name}"


def drop_database(name: str) -> None:
    with _admin_engine().connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def database_exists(name: str) -> bool:
    with _admin_engine().connect() as connection:
        return bool(connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                       {"n": name}).scalar())


def load(records, workdir: Path) -> None:
    """Store `records` through `mdm ingest`'s path, then refresh the planner's statistics."""
    for name in CUSTOMER_SOURCES:
        if db.session.scalar(sa.select(Source).where(Source.name == name)) is None:
            sources.add_source(db.session, name)
    db.session.commit()
    path = workdir / "stored.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        for item in records:
            line = {"source": item.source, "entity_type": "customer", **item.record}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    bulk_ingest.ingest_files(db.session, [path], source_name=None, entity_type=None)
    # As autovacuum would have by the time single records arrive in production.
    db.session.execute(sa.text("ANALYZE"))
    db.session.commit()


def source_of(name: str, known: dict) -> sources.SourceRef:
    """The source as the API's push finds it (`sources.pushing_source`), added when missing."""
    if name not in known:
        if db.session.scalar(sa.select(Source).where(Source.name == name)) is None:
            sources.add_source(db.session, name)
        known[name] = sources.pushing_source(db.session, name)
    return known[name]


class StatementCounter:
    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args) -> None:
        self.count += 1


def probe(records, known: dict, profiler: cProfile.Profile | None):
    """Wall and CPU milliseconds per record pushed alone, and statements in all."""
    for item in records:  # sources added before timing
        source_of(item.source, known)
    db.session.commit()
    counter = StatementCounter(db.engine)
    wall, cpu = [], []
    for item in records:
        if profiler:
            profiler.enable()
        started, started_cpu = time.perf_counter(), time.process_time()
        # As the API's push: the source by name (from the process's cache), then ingestion.
        source = sources.pushing_source(db.session, item.source)
        ingest.ingest_records(db.session, source, "customer", [item.record], now=utcnow())
        db.session.commit()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if profiler:
            profiler.disable()
    return wall, cpu, counter.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the loaded database for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="probe a copy of the database a --keep run left (no load)")
    parser.add_argument("--profile", type=Path, help="write a CPU-time cProfile of the probes here")
    args = parser.parse_args()
    base = f"mdm_single_base_{args.stored}_{args.seed}"
    run_name = f"mdm_single_{uuid.uuid4().hex[:8]}"
    stream = generate_customer_records(args.stored + args.probes, seed=args.seed)
    stored = itertools.islice(stream, args.stored)
    reuse = args.reuse and database_exists(base)
    load_seconds = 0.0
    if not reuse:
        url = create_database(base if args.keep else run_name)
        database.upgrade(url)
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        with app.app_context(), tempfile.TemporaryDirectory() as workdir:
            started = time.perf_counter()
            load(stored, Path(workdir))
            load_seconds = time.perf_counter() - started
            db.session.remove()
            db.engine.dispose()
    else:
        for _ in stored:
            pass
    if args.keep or reuse:
        url = create_database(run_name, template=base)
        database.upgrade(url)  # a base loaded by older code gets this tree's indexes
    probes = list(stream)
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    # CPU time, not wall: what this process spends, apart from waiting on the server.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    try:
        with app.app_context():
            wall, cpu, statements = probe(probes, {}, profiler)
            db.session.remove()
            db.engine.dispose()
    finally:
        drop_database(run_name)
    calls = ""
    if profiler:
        profiler.dump_stats(args.profile)
        # Python calls per record: a measure of the work that load on the machine cannot blur.
        calls = f" calls/record={pstats.Stats(profiler).total_calls / len(wall):,.0f}"
    cuts = statistics.quantiles(wall, n=100, method="inclusive")
    cpu_cuts = statistics.quantiles(cpu, n=100, method="inclusive")
    loaded = f"reused {base}" if reuse else f"loaded in {load_seconds:.0f} s"
    sys.stdout.write(
        f"postgresql stored={args.stored:,} ({loaded}) probes={len(wall)} "
        f"p50={cuts[49]:.1f} ms p99={cuts[98]:.1f} ms max={max(wall):.1f} ms "
        f"cpu p50={cpu_cuts[49]:.1f} ms cpu p99={cpu_cuts[98]:.1f} ms "
        f"statements/record={statements / len(wall):.1f}{calls}\n")


if __name__ == "__main__":
    main()
