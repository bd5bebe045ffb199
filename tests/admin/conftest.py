"""Fixtures of the admin tests: people with each role, two customers waiting for review."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from mdm import ingest, sources, users
from mdm.errors import UnknownSourceError
from mdm.extensions import db
from mdm.models import ReviewTask, SourceRecord, Xref, utcnow
from tests.factories import make_customer

PASSWORD = "correct horse battery"


@pytest.fixture
def people(app):
    """A viewer, a steward and an admin, all with PASSWORD."""
    with app.app_context():
        for name, role in (("vera", "viewer"), ("stepan", "steward"), ("anna", "admin")):
            users.create_user(db.session, name, PASSWORD, role=role, now=utcnow())
        db.session.commit()
    return {"viewer": "vera", "steward": "stepan", "admin": "anna"}


def csrf_token_of(html: str) -> str:
    """The CSRF token embedded in a page."""
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def sign_in(client, username: str, password: str = PASSWORD, next_url: str | None = None):
    """Sign `username` in through the login form; returns the response to the POST."""
    page = client.get("/admin/auth/login")
    query = f"?next={next_url}" if next_url else ""
    return client.post(f"/admin/auth/login{query}", data={
        "username": username, "password": password,
        "csrf_token": csrf_token_of(page.get_data(as_text=True))})


def ingest_customers(*records, source_name: str = "web_shop") -> dict[str, SourceRecord]:
    """Store customer records of one source (registering it) and return them by source key."""
    try:
        source = sources.get_source(db.session, source_name)
    except UnknownSourceError:
        source = sources.add_source(db.session, source_name)
    ingest.ingest_records(db.session, source, "customer", list(records), now=utcnow())
    db.session.commit()
    rows = db.session.scalars(select(SourceRecord).where(SourceRecord.source_id == source.id))
    return {row.source_key: row for row in rows}


def add_review_task(left: SourceRecord, right: SourceRecord, *, priority: float = 0.5,
                    probability: float = 0.62) -> uuid.UUID:
    """Put a pair of records on the review queue, as the matcher does for doubtful pairs."""
    task = ReviewTask(
        id=uuid.uuid4(), entity_type="customer", left_record_id=left.id,
        right_record_id=right.id, match_weight=1.8, match_probability=probability,
        priority=priority, status="open", created_at=utcnow(), comment="",
        explanation={"prior_weight": -6.6, "match_weight": 1.8, "blocking_keys": [],
                     "hard_conflicts": [], "fields": [
                         {"field": "first_name", "level": "transliteration", "weight": 3.1},
                         {"field": "last_name", "level": "exact", "weight": 4.2},
                         {"field": "email", "level": "different", "weight": -2.0},
                         {"field": "birth_date", "level": "exact", "weight": 3.1}]})
    db.session.add(task)
    db.session.commit()
    return task.id


def golden_id_of(record: SourceRecord) -> uuid.UUID:
    return db.session.scalar(select(Xref.golden_id).where(Xref.source_record_id == record.id))


def unlinked_customer(city: str, **overrides) -> dict:
    """A customer sharing no blocking key with make_customer()'s: the matcher leaves it alone.

    No birth date, phone or card, another city: the tests queue such pairs themselves, so they
    do not depend on where the matcher's thresholds stand today.
    """
    return make_customer(**{"birth_date": None, "phone": None, "loyalty_card": None,
                            "address": {"country": "RU", "city": city}, **overrides})


@pytest.fixture
def doubtful_pair(app):
    """Юлия Иванова from the web shop and Yuliya Ivanova from a store: apart, on the queue."""
    with app.app_context():
        web = ingest_customers(make_customer(source_key="c-1001"))["c-1001"]
        store = ingest_customers(unlinked_customer(
            "Казань", source_key="pos-77", first_name="Yuliya", last_name="Ivanova",
            middle_name=None, email="y.ivanova@mail.example"), source_name="pos_store")["pos-77"]
        task_id = add_review_task(web, store)
        return {"task_id": task_id, "left": web.id, "right": store.id,
                "left_golden": golden_id_of(web), "right_golden": golden_id_of(store)}


BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's chromium: `playwright install` cannot download a browser on these machines.
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": BROWSER_ARGS}


@pytest.fixture
def live_server(app):
    """The app served from a thread on a free local port; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def offline_page(page, live_server):
    """A browser page that may reach the live server only, and records every dialog."""
    page.route("**/*", lambda route: route.continue_()
               if route.request.url.startswith(live_server) else route.abort())
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.set_default_timeout(5000)
    return page


def browser_sign_in(page, base_url: str, username: str, next_path: str = "/admin/") -> None:
    """Sign in through the form in the browser and wait for the page after it."""
    page.goto(f"{base_url}/admin/auth/login?next={next_path}")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}{next_path}*")
