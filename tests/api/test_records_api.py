"""POST /api/v1/sources/{source}/{entity_type}: per-record answers, problem+json for bad input."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from sqlalchemy import select

from mdm import keys, sources
from mdm.extensions import db
from mdm.models import Base, GoldenRecord
from tests.factories import add_source_with_key, make_customer

URL = "/api/v1/sources/web_shop/customer"


@pytest.fixture
def push_key(app):
    with app.app_context():
        return add_source_with_key("web_shop")


@pytest.fixture
def other_key(app):
    with app.app_context():
        return add_source_with_key("pos_store")


def auth(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}


def snapshot(app) -> str:
    """A digest of every row of every table: equal digests, nothing changed."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            digest.update(repr(sorted(map(repr, rows))).encode())
    return digest.hexdigest()


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert body["title"] and body["type"].startswith("https://")
    return body


def test_one_record_is_created_and_answered_with_its_golden_id(client, push_key):
    response = client.post(URL, json=make_customer(), headers=auth(push_key))
    assert response.status_code == 200
    body = response.get_json()
    assert body["created"] == 1
    assert body["results"][0]["outcome"] == "created"
    assert body["results"][0]["golden_id"]


def test_a_batch_answers_per_record_and_stores_the_good_ones(client, push_key):
    batch = [make_customer(source_key="c-1"), make_customer(source_key="c-2", phone=12345),
             make_customer(source_key="c-3", email="pyotr@example.ru", phone=None)]
    response = client.post(URL, json=batch, headers=auth(push_key))
    body = response.get_json()
    assert [r["outcome"] for r in body["results"]] == ["created", "rejected", "created"]
    assert body["results"][1]["errors"] == {"phone": ["Not a valid string."]}
    again = client.post(URL, json=batch, headers=auth(push_key)).get_json()
    assert [r["outcome"] for r in again["results"]] == ["unchanged", "rejected", "unchanged"]


def test_one_invalid_record_gets_422_with_field_errors(client, push_key, app):
    before = snapshot(app)
    response = client.post(URL, json=make_customer(birth_date=19870305), headers=auth(push_key))
    body = assert_problem(response, 422)
    assert "birth_date" in body["errors"]
    assert snapshot(app) == before


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": "Bearer nonsense"}, 401),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
    ({"Authorization": "Bearer mdm_000000000000_secret"}, 401),
])
def test_a_missing_or_wrong_key_gets_401(client, push_key, app, headers, status):
    client.post(URL, json=make_customer(), headers=auth(push_key))
    before = snapshot(app)
    response = client.post(URL, json=make_customer(first_name="Взлом"), headers=headers)
    assert_problem(response, status)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert snapshot(app) == before


def test_a_wrong_secret_with_a_real_prefix_gets_401(client, push_key):
    prefix = push_key.split("_")[1]
    assert_problem(client.post(URL, json=make_customer(),
                               headers=auth(f"mdm_{prefix}_guessed")), 401)


def test_a_revoked_key_gets_401(client, push_key, app):
    with app.app_context():
        keys.revoke_key(db.session, push_key.split("_")[1])
        db.session.commit()
    assert_problem(client.post(URL, json=make_customer(), headers=auth(push_key)), 401)


def test_a_key_of_another_source_gets_403_and_writes_nothing(client, push_key, other_key, app):
    before = snapshot(app)
    assert_problem(client.post(URL, json=make_customer(), headers=auth(other_key)), 403)
    assert snapshot(app) == before


def test_a_read_key_cannot_push(client, push_key, app):
    with app.app_context():
        read_key = keys.create_key(db.session, "read")
        db.session.commit()
    assert_problem(client.post(URL, json=make_customer(), headers=auth(read_key)), 403)


def test_an_unknown_source_gets_404(client, push_key):
    body = assert_problem(client.post("/api/v1/sources/nowhere/customer",
                                      json=make_customer(), headers=auth(push_key)), 404)
    assert "nowhere" in body["detail"]


def test_an_unknown_entity_type_gets_404(client, push_key):
    body = assert_problem(client.post("/api/v1/sources/web_shop/supplier",
                                      json=make_customer(), headers=auth(push_key)), 404)
    assert "supplier" in body["detail"]


def test_malformed_json_gets_400_and_writes_nothing(client, push_key, app):
    before = snapshot(app)
    response = client.post(URL, data='{"source_key": "c-1", "first_name": "Юл',
                           content_type="application/json", headers=auth(push_key))
    assert_problem(response, 400)
    assert snapshot(app) == before


@pytest.mark.parametrize("body", ['"just a string"', "42", "null"])
def test_a_body_that_is_neither_object_nor_array_gets_400(client, push_key, body):
    assert_problem(client.post(URL, data=body, content_type="application/json",
                               headers=auth(push_key)), 400)


def test_a_body_that_is_not_json_gets_415(client, push_key):
    assert_problem(client.post(URL, data="source_key=c-1", headers=auth(push_key),
                               content_type="application/x-www-form-urlencoded"), 415)


def test_a_body_over_the_size_limit_gets_413_and_writes_nothing(client, push_key, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    before = snapshot(app)
    big = [make_customer(source_key=f"c-{i}") for i in range(200)]
    response = client.post(URL, data=json.dumps(big), content_type="application/json",
                           headers=auth(push_key))
    assert_problem(response, 413)
    assert snapshot(app) == before


def test_a_batch_over_the_record_limit_gets_413(client, push_key, app):
    app.config["MAX_BATCH_RECORDS"] = 3
    batch = [make_customer(source_key=f"c-{i}") for i in range(4)]
    body = assert_problem(client.post(URL, json=batch, headers=auth(push_key)), 413)
    assert "at most 3" in body["detail"]


def test_a_wrong_method_gets_405_as_problem_json(client, push_key):
    assert_problem(client.get(URL, headers=auth(push_key)), 405)


def test_an_unknown_route_gets_404_as_problem_json(client):
    assert_problem(client.get("/api/v1/nothing-here"), 404)


def test_json_nested_too_deeply_gets_400_not_a_crash(client, push_key, app):
    before = snapshot(app)
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(URL, data=body, content_type="application/json",
                           headers=auth(push_key))
    assert assert_problem(response, 400)["detail"] == "the JSON is nested too deeply"
    assert snapshot(app) == before


@pytest.mark.parametrize("text", ['"Ю\\u0000лия"', '"\\ud800"'])
def test_text_no_database_can_store_is_rejected_per_record(client, push_key, text):
    body = ('[{"source_key": "c-1", "first_name": ' + text + '}, '
            '{"source_key": "c-2", "first_name": "Юлия", "address": {"city": ' + text + '}}, '
            '{"source_key": "c-3", "first_name": "Пётр"}]')
    response = client.post(URL, data=body, content_type="application/json",
                           headers=auth(push_key))
    results = response.get_json()["results"]
    assert [r["outcome"] for r in results] == ["rejected", "rejected", "created"]
    assert "first_name" in results[0]["errors"]
    assert "address.city" in results[1]["errors"]


def golden_first_name(app, golden_id: str) -> str:
    with app.app_context():
        return db.session.get(GoldenRecord, uuid.UUID(golden_id)).attributes["first_name"]


def test_a_source_added_after_a_push_takes_pushes_at_once(client, push_key, app):
    assert client.post(URL, json=make_customer(), headers=auth(push_key)).status_code == 200
    with app.app_context():
        pos_key = add_source_with_key("pos_store")
    response = client.post("/api/v1/sources/pos_store/customer",
                           json=make_customer(source_key="pos-1"), headers=auth(pos_key))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_trust_change_decides_the_golden_record_of_the_next_push(client, push_key, other_key,
                                                                    app):
    pos_url = "/api/v1/sources/pos_store/customer"
    client.post(URL, json=make_customer(first_name="Юлия"), headers=auth(push_key))
    pushed = client.post(pos_url, json=make_customer(source_key="pos-1", first_name="Юля"),
                         headers=auth(other_key)).get_json()
    golden_id = pushed["results"][0]["golden_id"]
    assert golden_first_name(app, golden_id) == "Юлия"  # the web shop is trusted more
    with app.app_context():
        sources.update_source(db.session, "pos_store", trust={"*": 9}, description="",
                              actor="cli")
        db.session.commit()
    client.post(pos_url, json=make_customer(source_key="pos-1", first_name="Юля",
                                            updated_at="2026-11-02T10:00:00+03:00"),
                headers=auth(other_key))
    assert golden_first_name(app, golden_id) == "Юля"
