"""Admin settings and sign-in: audit rows written by the services, failed sign-ins limited."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time

import pytest
import redis
from sqlalchemy import select

from mdm import create_app, keys, sources
from mdm.cli import cli
from mdm.extensions import db
from mdm.models import ApiKey, AuditEntry, Source
from tests.admin.conftest import PASSWORD, csrf_token_of, sign_in


def audit_rows(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_five_failed_sign_ins_then_429_with_a_readable_message(client, people):
    for _attempt in range(5):
        assert sign_in(client, people["steward"], "wrong password").status_code == 200
    refused = sign_in(client, people["steward"], PASSWORD)
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "60"
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)


def test_failed_sign_ins_of_one_user_do_not_lock_out_another(client, people):
    for _attempt in range(6):
        sign_in(client, people["steward"], "wrong password")
    assert sign_in(client, people["admin"]).status_code == 302


def test_successful_sign_ins_are_not_counted_as_failures(client, people):
    for _attempt in range(7):
        assert sign_in(client, people["viewer"]).status_code == 302
        client.post("/admin/auth/logout")


def test_the_limit_message_is_russian_for_a_russian_interface(client, people):
    client.get("/admin/auth/login?lang=ru")
    for _attempt in range(6):
        refused = sign_in(client, people["steward"], "неверный пароль")
    assert refused.status_code == 429
    assert "Слишком много неудачных попыток входа" in refused.get_data(as_text=True)


def test_a_source_changed_by_an_admin_is_audited_by_the_service(app, client, people):
    sign_in(client, people["admin"])
    form = client.get("/admin/sources/new/").get_data(as_text=True)
    client.post("/admin/sources/new/", data={
        "name": "marketplace_ozon", "description": "Ozon", "trust": '{"*": 2, "phone": 5}',
        "csrf_token": csrf_token_of(form)})
    with app.app_context():
        source_id = db.session.scalar(select(Source.id).where(Source.name == "marketplace_ozon"))
    form = client.get(f"/admin/sources/edit/?id={source_id}").get_data(as_text=True)
    client.post(f"/admin/sources/edit/?id={source_id}", data={
        "description": "Ozon, FBS", "trust": '{"*": 3}', "csrf_token": csrf_token_of(form)})
    created, = audit_rows(app, "source.create")
    updated, = audit_rows(app, "source.update")
    assert created.actor == updated.actor == "anna"
    assert updated.before["trust"] == {"*": 2, "phone": 5} and updated.after["trust"] == {"*": 3}


def test_api_keys_created_and_revoked_by_an_admin_are_audited_without_the_secret(
        app, client, people):
    sign_in(client, people["admin"])
    form = client.get("/admin/api_keys/create-key/").get_data(as_text=True)
    page = client.post("/admin/api_keys/create-key/", data={
        "scope": "read", "source": "", "label": "Склад", "csrf_token": csrf_token_of(form)})
    key_text = page.get_data(as_text=True).split('id="new-key-text">')[1].split("<")[0]
    prefix, secret = key_text.split("_", 2)[1:]
    with app.app_context():
        key_id = db.session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix))
    listing = client.get("/admin/api_keys/").get_data(as_text=True)
    client.post("/admin/api_keys/action/", data={
        "action": "revoke", "rowid": str(key_id), "csrf_token": csrf_token_of(listing)})
    created, = audit_rows(app, "api_key.create")
    revoked, = audit_rows(app, "api_key.revoke")
    assert created.actor == revoked.actor == "anna"
    assert created.target_id == revoked.target_id == prefix
    assert secret not in str(created.after)


def test_the_command_line_still_adds_sources_and_keys_audited_as_cli(app, runner):
    added = runner.invoke(cli, ["sources", "add", "pos_store", "--trust", '{"*": 4}'])
    assert added.exit_code == 0, added.output
    created = runner.invoke(cli, ["keys", "create", "--scope", "push", "--source", "pos_store"])
    assert created.exit_code == 0, created.output
    with app.app_context():
        prefix = db.session.scalar(select(ApiKey.prefix))
    revoked = runner.invoke(cli, ["keys", "revoke", prefix])
    assert revoked.exit_code == 0, revoked.output
    with app.app_context():
        assert keys.revoke_key(db.session, prefix) is False
        assert sources.get_source(db.session, "pos_store").trust == {"*": 4}
    actions = {row.action: row.actor for action in ("source.create", "api_key.create",
                                                    "api_key.revoke")
               for row in audit_rows(app, action)}
    assert actions == {"source.create": "cli", "api_key.create": "cli", "api_key.revoke": "cli"}


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis server on a free local port, as several web workers would share."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as client, contextlib.suppress(OSError):
            client.connect(("127.0.0.1", port))
            break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def test_two_workers_sharing_redis_count_failed_sign_ins_together(database_url, redis_url,
                                                                     people):
    workers = [create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                           "TESTING": True, "RATELIMIT_STORAGE_URI": redis_url})
               for _worker in range(2)]
    clients = [worker.test_client() for worker in workers]
    for attempt in range(5):
        assert sign_in(clients[attempt % 2], people["steward"], "wrong").status_code == 200
    assert sign_in(clients[1], people["steward"]).status_code == 429
    # The count lives in Redis, not in either worker's memory.
    assert redis.Redis.from_url(redis_url).keys("*stepan*")
    for worker in workers:
        with worker.app_context():
            db.session.remove()
            db.engine.dispose()
