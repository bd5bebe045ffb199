"""`mdm demo`: a database with realistic multichannel data, loaded, matched and ready to serve."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import func, select, update

from mdm import database, ingest, keys, sources, users
from mdm.extensions import db
from mdm.models import ApiKey, GoldenRecord, Source, User, utcnow
from mdm.synthetic import generate_demo_records

DEMO_LABEL = "demo"
# Demo sign-ins for the admin, one per role; printed by `mdm demo`, never used in production.
DEMO_USERS = {"admin": ("demo-admin-pass", "admin"), "steward": ("demo-steward-pass", "steward"),
              "viewer": ("demo-viewer-pass", "viewer")}
# Channels that check what customers type rank above those that take dictation.
DEMO_TRUST = {
    "web_shop": {"*": 6, "email": 8},
    "mobile_app": {"*": 6, "phone": 8},
    "marketplace_ozon": {"*": 3},
    "marketplace_wb": {"*": 3},
    "pos_store": {"*": 4, "loyalty_card": 9},
    "call_centre": {"*": 2},
}


@dataclass
class DemoReport:
    records: Counter = field(default_factory=Counter)
    golden: dict[str, int] = field(default_factory=dict)
    push_keys: dict[str, str] = field(default_factory=dict)
    admin_key: str = ""


def load(app: Flask, *, seed: int = 7) -> DemoReport:
    """Create or upgrade the database and load the demo data; safe to run again."""
    database.upgrade(app.config["DATABASE_URL"])
    report = DemoReport()
    batches: dict[tuple[str, str], list] = defaultdict(list)
    for item in generate_demo_records(seed=seed):
        batches[(item.source, item.entity_type)].append(item.record)
    for name in sorted({source for source, _ in batches}):
        _ensure_source(name)
    # Products before stock and prices, which refer to them.
    order = {"product": 0, "customer": 1, "stock": 2, "price": 3}
    for (name, entity_type), records in sorted(batches.items(), key=lambda b: order[b[0][1]]):
        summary = ingest.ingest_records(db.session, _source(name), entity_type, records,
                                        now=utcnow())
        db.session.commit()
        report.records[(name, entity_type)] += len(summary.outcomes)
    report.golden = _golden_counts()
    report.push_keys, report.admin_key = _fresh_demo_keys(sorted(DEMO_TRUST))
    _ensure_demo_users()
    return report


def _ensure_demo_users() -> None:
    for username, (password, role) in DEMO_USERS.items():
        if db.session.scalar(select(User).where(User.username == username)) is None:
            users.create_user(db.session, username, password, role=role, actor="demo",
                              now=utcnow())
    db.session.commit()


def _ensure_source(name: str) -> None:
    if db.session.scalar(select(Source).where(Source.name == name)) is None:
        sources.add_source(db.session, name, DEMO_TRUST.get(name, {"*": 1}),
                           description="demo channel")
        db.session.commit()


def _source(name: str) -> Source:
    return sources.get_source(db.session, name)


def _golden_counts() -> dict[str, int]:
    rows = db.session.execute(select(GoldenRecord.entity_type, func.count())
                              .where(GoldenRecord.status == "active")
                              .group_by(GoldenRecord.entity_type))
    return {entity_type: count for entity_type, count in rows}


def _fresh_demo_keys(source_names: Iterable[str]) -> tuple[dict[str, str], str]:
    """Revoke the previous run's demo keys and make new ones (a key is shown only once)."""
    db.session.execute(update(ApiKey).where(ApiKey.label == DEMO_LABEL,
                                            ApiKey.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    push = {name: keys.create_key(db.session, "push", name, DEMO_LABEL) for name in source_names}
    admin = keys.create_key(db.session, "admin", None, DEMO_LABEL)
    db.session.commit()
    return push, admin


def print_report(report: DemoReport, host: str, port: int, echo: Callable[[str], None]) -> None:
    """Tell the user what was loaded, where it is served and how to sign in."""
    base = f"http://{host}:{port}"
    echo("Loaded demo channel data:")
    for (source, entity_type), count in sorted(report.records.items()):
        echo(f"  {source:18} {entity_type:9} {count:6}")
    echo("Golden records: " + ", ".join(f"{n} {t}" for t, n in sorted(report.golden.items())))
    echo("")
    echo(f"Admin:     {base}/admin   sign in as "
         + ", ".join(f"{name} / {password}" for name, (password, _) in DEMO_USERS.items()))
    echo(f"API:       {base}/api/v1/openapi.json")
    echo(f"Health:    {base}/readyz    Metrics: {base}/metrics")
    echo(f"Admin key: {report.admin_key}")
    for source, key in report.push_keys.items():
        echo(f"Push key for {source:18} {key}")
    echo("")
    echo(f"Example:   curl -H 'Authorization: Bearer {report.push_keys.get('web_shop', '')}' "
         f"-H 'Content-Type: application/json' -d '{{\"source_key\": \"c-1\", "
         f"\"first_name\": \"Юлия\", \"email\": \"yulia@example.ru\"}}' "
         f"{base}/api/v1/sources/web_shop/customer")
