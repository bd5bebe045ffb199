"""Microseconds per call of build_golden_record, merge and unmerge (pure core only).

Each golden record is built from `--members` customer records (50 by default)
from four sources, with repeated names, several phones and e-mails, addresses
of varying completeness and two pins; merge joins two such records, unmerge
splits the absorbed side off again, restoring its former id. No database.

    .venv/bin/python benchmarks/golden_ops.py [--members 50] [--repeat 300] [--seed 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections.abc import Callable

from golden_records.merge import create_golden, edit, merge, unmerge
from golden_records.survivorship import build_golden_record, load_default_config
from golden_records.types import GoldenState, MemberRecord

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
SOURCES = ["web_shop", "mobile_app", "pos_store", "marketplace_ozon"]
FIRST = ["Юлия", "Yulia", "Юля", "Julia"]
LAST = ["Иванова", "Ivanova"]
STREETS = ["ул. Тверская", "Тверская ул.", "Tverskaya st."]


def make_members(prefix: str, count: int, rng: random.Random) -> list[MemberRecord]:
    """`count` customer members of one person, as several channels describe her."""
    members = []
    for n in range(count):
        address = {"city": "Москва", "street": rng.choice(STREETS),
                   "house": rng.choice(["12", "", None]), "flat": rng.choice(["45", None])}
        attributes = {"first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
                      "middle_name": rng.choice(["Сергеевна", None]),
                      "email": f"yulia.ivanova{rng.randint(1, 5)}@example.ru",
                      "phone": f"+7912345678{rng.randint(0, 9)}",
                      "birth_date": rng.choice(["1987-03-05", "1987-05-03"]),
                      "address": address, "loyalty_card": f"770012345{rng.randint(0, 3)}"}
        members.append(MemberRecord(
            f"{prefix}-{n:03d}", rng.choice(SOURCES), f"{prefix}-key-{n}", "customer",
            attributes, T0 - dt.timedelta(days=rng.randint(0, 400)),
            {"phone": rng.random() > 0.1}))
    return members


def pinned(golden_id: str, members: list[MemberRecord], created: dt.datetime,
           config) -> GoldenState:
    """A golden record of `members` with two steward pins."""
    state = create_golden(golden_id, "customer", members, config=config, now=created).state
    for attribute, value in (("first_name", "Юлия"), ("middle_name", "Сергеевна")):
        state = edit(state, attribute, value, actor="steward.petrova", reason="паспорт",
                     config=config, now=created).state
    return state


def microseconds_per_call(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 99th percentile of `repeat` timed calls, in µs."""
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1e6)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(0.99 * len(timings)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng, config = random.Random(args.seed), load_default_config()
    older = pinned("g-older", make_members("a", args.members, rng), T0, config)
    newer = pinned("g-newer", make_members("b", args.members, rng), T0 + dt.timedelta(1), config)
    merged = merge(older, newer, config=config, actor="bench", reason="", now=T0)
    leaving = newer.member_ids
    calls = {
        "build_golden_record": lambda: build_golden_record(
            "g-older", "customer", older.members, older.record.pins, config, version=2, now=T0),
        "merge": lambda: merge(older, newer, config=config, actor="bench", reason="", now=T0),
        "unmerge": lambda: unmerge(
            merged.state, leaving, former_golden_ids=dict.fromkeys(leaving, "g-newer"),
            former_goldens={"g-newer": merged.absorbed}, new_id=lambda: "g-new",
            config=config, actor="bench", reason="", now=T0),
    }
    print(f"{args.members} members per golden record, {args.repeat} calls each")  # noqa: T201
    for name, call in calls.items():
        median, p99 = microseconds_per_call(call, args.repeat)
        print(f"{name:>20}: median {median:8.0f} µs   p99 {p99:8.0f} µs")  # noqa: T201


if __name__ == "__main__":
    main()
