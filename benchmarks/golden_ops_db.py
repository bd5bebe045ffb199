"""Merge and unmerge of golden records of up to 50 members on PostgreSQL, with N stored.

    .venv/bin/python -m benchmarks.golden_ops_db \
        --database-url postgresql://postgres@127.0.0.1:5432/mdm_bench \
        --stored 100000 --rounds 200

The database is created (dropped first if it exists) and dropped at the end. N background
golden records of one member each are bulk-loaded; then each round merges two golden records
of 25 members (50 together) through `mdm.stewardship.merge_golden` and splits them again with
`unmerge_records`, each in its own committed transaction. Prints p50/p99 in ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
import uuid

from sqlalchemy import create_engine, insert, text

from mdm import create_app, ingest, sources, stewardship
from mdm.database import upgrade
from mdm.extensions import db
from mdm.models import GoldenRecord, GoldenRecordVersion, SourceRecord, Xref

T0 = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)


def recreate_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def drop_database(url: str) -> None:
    base, _, name = url.rpartition("/")
    admin = create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def load_background(session, source_id: int, stored: int, chunk: int = 10_000) -> None:
    """Bulk-insert `stored` one-member golden records, as ingestion would have left them."""
    for start in range(0, stored, chunk):
        records, goldens, versions, xref = [], [], [], []
        for number in range(start, min(stored, start + chunk)):
            record_id, golden_id = uuid.uuid4(), uuid.uuid4()
            payload = {"source_key": f"bg-{number}", "first_name": "Анна",
                       "last_name": f"Фон-{number}", "email": f"anna.{number}@example.ru"}
            records.append({"id": record_id, "source_id": source_id, "entity_type": "customer",
                            "source_key": f"bg-{number}", "payload": payload,
                            "content_hash": f"{number:064d}", "version": 1,
                            "updated_at": None, "received_at": T0})
            attributes = {k: v for k, v in payload.items() if k != "source_key"}
            goldens.append({"id": golden_id, "entity_type": "customer", "status": "active",
                            "version": 1, "attributes": attributes, "lineage": {},
                            "merged_into": None, "created_at": T0, "updated_at": T0,
                            "pins": [], "member_ids": [str(record_id)], "absorbed_ids": []})
            versions.append({"golden_id": golden_id, "version": 1, "status": "active",
                             "attributes": attributes, "lineage": {},
                             "member_ids": [str(record_id)], "cause": "golden.created",
                             "recorded_at": T0})
            xref.append({"source_record_id": record_id, "golden_id": golden_id,
                         "linked_at": T0})
        for model, rows in ((SourceRecord, records), (GoldenRecord, goldens),
                            (GoldenRecordVersion, versions), (Xref, xref)):
            session.execute(insert(model.__table__), rows)
        session.commit()


def make_pair(session, source, round_number: int) -> tuple[uuid.UUID, uuid.UUID]:
    """Two golden records of 25 members each, linked by shared e-mails through ingestion."""
    goldens = []
    for side in ("a", "b"):
        records = [{"source_key": f"r{round_number}{side}{i}", "first_name": "Юлия",
                    "last_name": "Иванова", "email": f"yulia.{round_number}{side}@example.ru",
                    "phone": f"+7 912 {round_number % 1000:03d}-{i:02d}-{ord(side) % 100:02d}"}
                   for i in range(25)]
        summary = ingest.ingest_records(session, source, "customer", records, now=T0)
        session.commit()
        goldens.append(uuid.UUID(summary.outcomes[0].golden_id))
    return goldens[0], goldens[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run(url: str, stored: int, rounds: int) -> dict[str, list[float]]:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    timings: dict[str, list[float]] = {"merge": [], "unmerge": []}
    with app.app_context():
        session = db.session
        source = sources.add_source(session, "web_shop")
        session.commit()
        started = time.perf_counter()
        load_background(session, source.id, stored)
        # A live database has planner statistics; a fresh bulk load has none until analysed.
        session.execute(text("ANALYZE"))
        session.commit()
        print(f"loaded {stored} golden records in {time.perf_counter() - started:.1f} s")  # noqa: T201
        now = T0
        for round_number in range(rounds):
            a, b = make_pair(session, source, round_number)
            absorbed_members = [r for (r,) in session.execute(
                text("SELECT source_record_id FROM xref WHERE golden_id = :g"), {"g": b})]
            now += dt.timedelta(seconds=1)
            began = time.perf_counter()
            survivor = stewardship.merge_golden(session, a, b, actor="bench", now=now)
            session.commit()
            timings["merge"].append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            stewardship.unmerge_records(session, survivor, absorbed_members, actor="bench",
                                        now=now + dt.timedelta(milliseconds=1))
            session.commit()
            timings["unmerge"].append((time.perf_counter() - began) * 1000)
        db.session.remove()
        db.engine.dispose()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://")
    recreate_database(url)
    try:
        upgrade(url)
        timings = run(url, args.stored, args.rounds)
    finally:
        drop_database(url)
    for name, values in timings.items():
        print(f"{name} (50 members): p50 {statistics.median(values):.1f} ms, "  # noqa: T201
              f"p99 {percentile(values, 0.99):.1f} ms over {len(values)} rounds")


if __name__ == "__main__":
    main()
