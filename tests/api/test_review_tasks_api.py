"""/api/v1/review-tasks and /api/v1/decisions: the queue by priority, decisions, not-a-match."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from mdm.extensions import db
from mdm.models import ReviewTask
from tests.api import test_golden_api as golden_api
from tests.api.test_golden_api import admin, push, record_id
from tests.api.test_records_api import assert_problem, auth
from tests.factories import make_customer

T0 = dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC)
# The golden-record API tests' fixtures: keys of every scope, Юлия and Пётр pushed.
keyring = golden_api.keyring
yulia_and_pyotr = golden_api.yulia_and_pyotr


def add_task(app, left: str, right: str, priority: float, entity_type="customer") -> str:
    with app.app_context():
        task = ReviewTask(id=uuid.uuid4(), entity_type=entity_type,
                          left_record_id=uuid.UUID(record_id(app, left)),
                          right_record_id=uuid.UUID(record_id(app, right)),
                          match_weight=7.2, match_probability=0.93, priority=priority,
                          explanation={"fields": {"last_name": "exact"}}, created_at=T0)
        db.session.add(task)
        db.session.commit()
        return str(task.id)


@pytest.fixture
def tasks(app, client, keyring, yulia_and_pyotr):
    # The mobile app's Юлия shares the web shop's e-mail: one golden record for both.
    push(client, keyring, "web_shop", make_customer(source_key="yulia-app",
                                                    phone="+7 912 345-67-00"))
    return {"urgent": add_task(app, "yulia-web", "pyotr-pos", 0.9),
            "later": add_task(app, "yulia-app", "pyotr-pos", 0.2)}


def test_the_queue_lists_open_tasks_by_priority(client, keyring, tasks):
    response = client.get("/api/v1/review-tasks", headers=auth(keyring["read"]),
                          query_string={"entity_type": "customer"})
    # The matcher may open tasks of its own on ingestion; ours keep their priority order.
    listed = [t["id"] for t in response.get_json() if t["id"] in tasks.values()]
    assert listed == [tasks["urgent"], tasks["later"]]
    priorities = [t["priority"] for t in response.get_json()]
    assert priorities == sorted(priorities, reverse=True)
    none = client.get("/api/v1/review-tasks", headers=auth(keyring["read"]),
                      query_string={"entity_type": "product"})
    assert none.get_json() == []


def test_the_queue_needs_a_read_key(client, keyring, tasks):
    assert_problem(client.get("/api/v1/review-tasks"), 401)
    assert_problem(client.get("/api/v1/review-tasks", headers=auth(keyring["web_shop"])), 403)


def test_a_merge_decision_merges_and_a_second_decision_is_a_conflict(client, keyring, tasks,
                                                                     yulia_and_pyotr):
    url = f"/api/v1/review-tasks/{tasks['urgent']}/decision"
    response = client.post(url, headers=admin(keyring), json={"decision": "merge",
                                                              "comment": "один человек"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "merged"
    moved = client.get(f"/api/v1/golden/{yulia_and_pyotr[1]}", headers=auth(keyring["read"]))
    assert moved.get_json()["merged_into"] == yulia_and_pyotr[0]
    assert_problem(client.post(url, headers=admin(keyring), json={"decision": "skip"}), 409)


def test_a_skip_closes_the_task_without_touching_golden_records(client, keyring, tasks):
    response = client.post(f"/api/v1/review-tasks/{tasks['later']}/decision",
                           headers=admin(keyring), json={"decision": "skip"})
    assert response.get_json()["status"] == "skipped"
    assert response.get_json()["decided_by"].startswith("api-key:")


def test_deciding_needs_the_admin_scope_and_a_known_task_and_decision(client, keyring, tasks):
    url = f"/api/v1/review-tasks/{tasks['urgent']}/decision"
    assert_problem(client.post(url, headers=auth(keyring["read"]), json={"decision": "skip"}),
                   403)
    assert_problem(client.post(url, json={"decision": "skip"}), 401)
    assert_problem(client.post(url, headers=admin(keyring), json={"decision": "perhaps"}), 422)
    assert_problem(client.post(f"/api/v1/review-tasks/{uuid.uuid4()}/decision",
                               headers=admin(keyring), json={"decision": "skip"}), 404)


def test_not_a_match_between_records_of_one_golden_record_splits_them(
        app, client, keyring, tasks):
    body = {"left_record_id": record_id(app, "yulia-web"),
            "right_record_id": record_id(app, "yulia-app"), "reason": "тёзки"}
    response = client.post("/api/v1/decisions/not-a-match", headers=admin(keyring), json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(response.get_json()["split_off"]) == 1
    listed = client.get("/api/v1/decisions", headers=auth(keyring["read"]),
                        query_string={"kind": "not_a_match"}).get_json()
    assert [d["reason"] for d in listed] == ["тёзки"]


def test_a_merge_decision_against_a_not_a_match_pair_is_a_conflict(app, client, keyring, tasks):
    client.post("/api/v1/decisions/not-a-match", headers=admin(keyring),
                json={"left_record_id": record_id(app, "yulia-web"),
                      "right_record_id": record_id(app, "pyotr-pos")})
    assert_problem(client.post(f"/api/v1/review-tasks/{tasks['urgent']}/decision",
                               headers=admin(keyring), json={"decision": "merge"}), 409)


def test_not_a_match_needs_admin_and_known_records(app, client, keyring, tasks):
    body = {"left_record_id": record_id(app, "yulia-web"),
            "right_record_id": str(uuid.uuid4())}
    assert_problem(client.post("/api/v1/decisions/not-a-match", headers=admin(keyring),
                               json=body), 404)
    assert_problem(client.post("/api/v1/decisions/not-a-match", headers=auth(keyring["read"]),
                               json=body), 403)
    assert_problem(client.get("/api/v1/decisions"), 401)
