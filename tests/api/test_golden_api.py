"""/api/v1/golden/...: reads with ETag and redirects, and steward writes guarded by If-Match."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from mdm import keys
from mdm.extensions import db
from mdm.models import SourceRecord
from tests.api.test_records_api import assert_problem, auth, snapshot
from tests.factories import add_source_with_key, make_customer, make_product


@pytest.fixture
def keyring(app):
    """Push keys for the web shop and the shop till, a read key and an admin key."""
    with app.app_context():
        ring = {"web_shop": add_source_with_key("web_shop"),
                "pos_store": add_source_with_key("pos_store"),
                "read": keys.create_key(db.session, "read"),
                "admin": keys.create_key(db.session, "admin")}
        db.session.commit()
    return ring


def push(client, keyring, source: str, record: dict, entity_type: str = "customer") -> str:
    response = client.post(f"/api/v1/sources/{source}/{entity_type}", json=record,
                           headers=auth(keyring[source]))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"][0]["golden_id"]


@pytest.fixture
def yulia_and_pyotr(client, keyring):
    """Two golden records: Юлия Иванова from the web shop, Пётр Сидоров from the shop till."""
    yulia = push(client, keyring, "web_shop", make_customer(source_key="yulia-web"))
    pyotr = push(client, keyring, "pos_store", make_customer(
        source_key="pyotr-pos", first_name="Пётр", last_name="Сидоров", middle_name="Ильич",
        email="p.sidorov@example.ru", phone="+7 916 000-11-22", loyalty_card="7700999888"))
    return yulia, pyotr


def admin(keyring, version: int | str | None = None) -> dict:
    headers = auth(keyring["admin"])
    if version is not None:
        headers["If-Match"] = f'"{version}"'
    return headers


def record_id(app, source_key: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(SourceRecord.id)
                                     .where(SourceRecord.source_key == source_key)))


def test_a_golden_record_is_read_with_lineage_and_its_version_as_etag(
        client, keyring, yulia_and_pyotr):
    response = client.get(f"/api/v1/golden/{yulia_and_pyotr[0]}", headers=auth(keyring["read"]))
    assert response.status_code == 200
    body = response.get_json()
    assert response.headers["ETag"] == '"1"' and body["version"] == 1
    assert body["attributes"]["last_name"] == "Иванова"
    assert body["lineage"]["last_name"]["source"] == "web_shop"
    assert body["attributes"]["phone"] == ["+79123456789"]


def test_a_golden_record_is_found_by_its_source_key(client, keyring, yulia_and_pyotr):
    response = client.get("/api/v1/sources/pos_store/customer/pyotr-pos/golden",
                          headers=auth(keyring["read"]))
    assert response.get_json()["golden_id"] == yulia_and_pyotr[1]
    assert_problem(client.get("/api/v1/sources/pos_store/customer/nobody/golden",
                              headers=auth(keyring["read"])), 404)


@pytest.mark.parametrize("path", ["/api/v1/golden/{id}", "/api/v1/golden/{id}/history"])
def test_reads_need_a_key_with_the_read_scope(client, keyring, yulia_and_pyotr, path):
    url = path.format(id=yulia_and_pyotr[0])
    assert_problem(client.get(url), 401)
    assert_problem(client.get(url, headers=auth(keyring["web_shop"])), 403)


def test_an_unknown_or_malformed_golden_id_is_404(client, keyring):
    for golden_id in (uuid.uuid4(), "не-uuid"):
        assert_problem(client.get(f"/api/v1/golden/{golden_id}",
                                  headers=auth(keyring["read"])), 404)


def test_merge_answers_the_survivor_and_the_absorbed_id_redirects(
        client, keyring, yulia_and_pyotr):
    yulia, pyotr = yulia_and_pyotr
    response = client.post(f"/api/v1/golden/{pyotr}/merge", headers=admin(keyring, 1),
                           json={"other_id": yulia, "other_version": 1, "reason": "one person"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"survivor_id": yulia, "absorbed_id": pyotr, "version": 2}
    moved = client.get(f"/api/v1/golden/{pyotr}", headers=auth(keyring["read"]))
    assert moved.status_code == 308
    assert moved.get_json()["merged_into"] == yulia
    assert moved.headers["Location"].endswith(f"/api/v1/golden/{yulia}")


def test_merge_without_if_match_is_428_and_changes_nothing(client, app, keyring,
                                                           yulia_and_pyotr):
    before = snapshot(app)
    assert_problem(client.post(f"/api/v1/golden/{yulia_and_pyotr[0]}/merge",
                               headers=admin(keyring),
                               json={"other_id": yulia_and_pyotr[1], "other_version": 1}), 428)
    assert snapshot(app) == before


@pytest.mark.parametrize("path_version, other_version", [(2, 1), (1, 5)])
def test_merge_with_either_version_stale_is_412_and_changes_nothing(
        client, app, keyring, yulia_and_pyotr, path_version, other_version):
    before = snapshot(app)
    assert_problem(client.post(f"/api/v1/golden/{yulia_and_pyotr[0]}/merge",
                               headers=admin(keyring, path_version),
                               json={"other_id": yulia_and_pyotr[1],
                                     "other_version": other_version}), 412)
    assert snapshot(app) == before


def test_merge_needs_the_admin_scope(client, keyring, yulia_and_pyotr):
    body = {"other_id": yulia_and_pyotr[1], "other_version": 1}
    url = f"/api/v1/golden/{yulia_and_pyotr[0]}/merge"
    assert_problem(client.post(url, json=body), 401)
    headers = {**auth(keyring["read"]), "If-Match": '"1"'}
    assert_problem(client.post(url, json=body, headers=headers), 403)


def test_merging_a_merged_away_id_again_is_a_conflict(client, keyring, yulia_and_pyotr):
    yulia, pyotr = yulia_and_pyotr
    client.post(f"/api/v1/golden/{yulia}/merge", headers=admin(keyring, 1),
                json={"other_id": pyotr, "other_version": 1})
    assert_problem(client.post(f"/api/v1/golden/{yulia}/merge", headers=admin(keyring, 2),
                               json={"other_id": pyotr, "other_version": 2}), 409)


def test_merging_an_unknown_golden_record_is_404(client, keyring, yulia_and_pyotr):
    assert_problem(client.post(f"/api/v1/golden/{yulia_and_pyotr[0]}/merge",
                               headers=admin(keyring, 1),
                               json={"other_id": str(uuid.uuid4()), "other_version": 1}), 404)


def test_unmerge_gives_the_former_golden_id_back(client, app, keyring, yulia_and_pyotr):
    yulia, pyotr = yulia_and_pyotr
    client.post(f"/api/v1/golden/{yulia}/merge", headers=admin(keyring, 1),
                json={"other_id": pyotr, "other_version": 1})
    response = client.post(f"/api/v1/golden/{yulia}/unmerge", headers=admin(keyring, 2),
                           json={"record_ids": [record_id(app, "pyotr-pos")]})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == {"golden_id": yulia, "split_off": [pyotr]}
    back = client.get(f"/api/v1/golden/{pyotr}", headers=auth(keyring["read"]))
    assert back.status_code == 200 and back.get_json()["attributes"]["first_name"] == "Пётр"


def test_unmerge_of_a_record_that_is_not_a_member_is_a_conflict(client, app, keyring,
                                                                yulia_and_pyotr):
    assert_problem(client.post(f"/api/v1/golden/{yulia_and_pyotr[0]}/unmerge",
                               headers=admin(keyring, 1),
                               json={"record_ids": [record_id(app, "pyotr-pos")]}), 409)


def test_unmerge_with_a_stale_version_is_412(client, app, keyring, yulia_and_pyotr):
    assert_problem(client.post(f"/api/v1/golden/{yulia_and_pyotr[0]}/unmerge",
                               headers=admin(keyring, 9),
                               json={"record_ids": [record_id(app, "yulia-web")]}), 412)


def test_a_pin_is_set_and_removed_under_if_match(client, keyring, yulia_and_pyotr):
    url = f"/api/v1/golden/{yulia_and_pyotr[0]}/pins/first_name"
    pinned = client.put(url, headers=admin(keyring, 1),
                        json={"value": "Юлия-Мария", "reason": "паспорт"})
    assert pinned.status_code == 200 and pinned.headers["ETag"] == '"2"'
    assert pinned.get_json()["attributes"]["first_name"] == "Юлия-Мария"
    assert_problem(client.delete(url, headers=admin(keyring, 1)), 412)
    assert_problem(client.delete(url, headers=admin(keyring)), 428)
    unpinned = client.delete(url, headers=admin(keyring, 2))
    assert unpinned.get_json()["attributes"]["first_name"] == "Юлия"
    assert_problem(client.delete(url, headers=admin(keyring, 3)), 409)


def test_a_pin_on_an_unknown_attribute_is_422(client, keyring, yulia_and_pyotr):
    assert_problem(client.put(f"/api/v1/golden/{yulia_and_pyotr[0]}/pins/shoe_size",
                              headers=admin(keyring, 1), json={"value": 38}), 422)


def test_pins_need_the_admin_scope(client, keyring, yulia_and_pyotr):
    url = f"/api/v1/golden/{yulia_and_pyotr[0]}/pins/first_name"
    headers = {**auth(keyring["read"]), "If-Match": '"1"'}
    assert_problem(client.put(url, headers=headers, json={"value": "Юля"}), 403)
    assert_problem(client.delete(url, headers=headers), 403)


def test_history_as_of_and_diff_are_served(client, keyring, yulia_and_pyotr):
    golden_id = yulia_and_pyotr[0]
    client.put(f"/api/v1/golden/{golden_id}/pins/last_name", headers=admin(keyring, 1),
               json={"value": "Иванова-Петрова"})
    read = auth(keyring["read"])
    history = client.get(f"/api/v1/golden/{golden_id}/history", headers=read).get_json()
    assert [v["version"] for v in history] == [1, 2]
    then = client.get(f"/api/v1/golden/{golden_id}",
                      query_string={"as_of": history[0]["recorded_at"]}, headers=read)
    assert then.get_json()["version"] in (1, 2)
    before_all = client.get(f"/api/v1/golden/{golden_id}",
                            query_string={"as_of": "2000-01-01T00:00:00+00:00"}, headers=read)
    assert_problem(before_all, 404)
    diff = client.get(f"/api/v1/golden/{golden_id}/diff", query_string={"from": 1, "to": 2},
                      headers=read).get_json()
    assert [c["attribute"] for c in diff["changes"]] == ["last_name"]
    assert_problem(client.get(f"/api/v1/golden/{golden_id}/diff",
                              query_string={"from": 1, "to": 9}, headers=read), 404)


def test_erase_removes_the_customer_and_refuses_the_key_on_push(client, keyring,
                                                                yulia_and_pyotr):
    golden_id = yulia_and_pyotr[0]
    assert_problem(client.post(f"/api/v1/golden/{golden_id}/erase", headers=admin(keyring),
                               json={"reason": "GDPR request 17"}), 428)
    response = client.post(f"/api/v1/golden/{golden_id}/erase", headers=admin(keyring, 1),
                           json={"reason": "GDPR request 17"})
    assert response.get_json() == {"golden_id": golden_id, "status": "erased"}
    again = client.post("/api/v1/sources/web_shop/customer",
                        json=[make_customer(source_key="yulia-web")],
                        headers=auth(keyring["web_shop"])).get_json()
    assert again["results"][0]["outcome"] == "rejected"
    assert "source_key" in again["results"][0]["errors"]


def erase_yulia(client, keyring, golden_id: str) -> None:
    response = client.post(f"/api/v1/golden/{golden_id}/erase", headers=admin(keyring, 1),
                           json={"reason": "GDPR request 17"})
    assert response.status_code == 200, response.get_data(as_text=True)


@pytest.mark.parametrize("query", [{}, {"as_of": "2030-01-01T00:00:00+00:00"}])
def test_an_erased_golden_record_is_410_gone_with_its_tombstone_and_no_personal_data(
        client, app, keyring, yulia_and_pyotr, query):
    golden_id = yulia_and_pyotr[0]
    yulia_record = record_id(app, "yulia-web")
    erase_yulia(client, keyring, golden_id)
    response = client.get(f"/api/v1/golden/{golden_id}", query_string=query,
                          headers=auth(keyring["read"]))
    body = assert_problem(response, 410)
    assert body["tombstone"]["golden_id"] == golden_id
    assert body["tombstone"]["record_ids"] == [yulia_record]
    assert body["tombstone"]["erased_at"].startswith("20")
    text = response.get_data(as_text=True)
    assert "Иванова" not in text and "yulia" not in text.lower()


def test_a_readmitted_source_key_is_accepted_on_push_again(client, keyring, yulia_and_pyotr):
    erase_yulia(client, keyring, yulia_and_pyotr[0])
    url = "/api/v1/sources/web_shop/customer/yulia-web/readmit"
    response = client.post(url, headers=admin(keyring), json={"reason": "she signed up again"})
    assert response.status_code == 204, response.get_data(as_text=True)
    again = client.post("/api/v1/sources/web_shop/customer",
                        json=[make_customer(source_key="yulia-web")],
                        headers=auth(keyring["web_shop"])).get_json()
    assert again["results"][0]["outcome"] == "created"
    assert_problem(client.post(url, headers=admin(keyring), json={"reason": "twice"}), 404)


def test_readmitting_needs_the_admin_scope_and_a_reason(client, keyring, yulia_and_pyotr):
    erase_yulia(client, keyring, yulia_and_pyotr[0])
    url = "/api/v1/sources/web_shop/customer/yulia-web/readmit"
    assert_problem(client.post(url, headers=auth(keyring["read"]), json={"reason": "x"}), 403)
    assert_problem(client.post(url, headers=admin(keyring), json={}), 422)


def test_as_of_on_a_merged_away_id_redirects_to_the_survivor_keeping_as_of(
        client, keyring, yulia_and_pyotr):
    yulia, pyotr = yulia_and_pyotr
    client.post(f"/api/v1/golden/{pyotr}/merge", headers=admin(keyring, 1),
                json={"other_id": yulia, "other_version": 1})
    when = "2030-01-01T00:00:00+00:00"
    moved = client.get(f"/api/v1/golden/{pyotr}", query_string={"as_of": when},
                       headers=auth(keyring["read"]))
    assert moved.status_code == 308
    assert moved.get_json()["merged_into"] == yulia
    assert f"/api/v1/golden/{yulia}?as_of=2030-01-01" in moved.headers["Location"]


def test_not_a_match_between_golden_records_stops_their_merge(client, keyring, yulia_and_pyotr):
    yulia, pyotr = yulia_and_pyotr
    url = f"/api/v1/golden/{yulia}/not-a-match"
    body = {"other_id": pyotr, "reason": "namesakes"}
    first = client.post(url, headers=admin(keyring), json=body)
    assert first.status_code == 201, first.get_data(as_text=True)
    assert first.get_json() == {"golden_ids": [yulia, pyotr], "pairs_added": 1}
    assert client.post(url, headers=admin(keyring), json=body).get_json()["pairs_added"] == 0
    assert_problem(client.post(f"/api/v1/golden/{pyotr}/merge", headers=admin(keyring, 1),
                               json={"other_id": yulia, "other_version": 1}), 409)


def test_golden_not_a_match_needs_admin_two_records_and_known_ids(client, keyring,
                                                                  yulia_and_pyotr):
    yulia, pyotr = yulia_and_pyotr
    url = f"/api/v1/golden/{yulia}/not-a-match"
    assert_problem(client.post(url, headers=auth(keyring["read"]), json={"other_id": pyotr}),
                   403)
    assert_problem(client.post(url, headers=admin(keyring), json={"other_id": yulia}), 409)
    assert_problem(client.post(url, headers=admin(keyring), json={"other_id": str(uuid.uuid4())}),
                   404)


def test_erasing_a_product_is_a_conflict(client, keyring):
    golden_id = push(client, keyring, "web_shop", make_product(), "product")
    assert_problem(client.post(f"/api/v1/golden/{golden_id}/erase", headers=admin(keyring, 1),
                               json={"reason": "not a person"}), 409)


def test_erase_needs_the_admin_scope(client, keyring, yulia_and_pyotr):
    headers = {**auth(keyring["read"]), "If-Match": '"1"'}
    assert_problem(client.post(f"/api/v1/golden/{yulia_and_pyotr[0]}/erase", headers=headers,
                               json={"reason": "GDPR"}), 403)
