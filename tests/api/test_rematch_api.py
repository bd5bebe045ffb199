"""POST /api/v1/rematch: the re-match report as a dry run, or applied, for admin keys only."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select

from mdm import match_models, matcher
from mdm.extensions import db
from mdm.models import GoldenRecord, utcnow
from tests.api import test_golden_api as golden_api
from tests.api.test_golden_api import admin, push
from tests.api.test_records_api import assert_problem, auth, snapshot
from tests.factories import make_customer

keyring = golden_api.keyring
SHIPPED = matcher.shipped_model("customer").version


def active_goldens(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(GoldenRecord)
                                 .where(GoldenRecord.status == "active"))


@pytest.fixture
def two_goldens(app, client, keyring):
    """Юлия at the web shop and at the store, pushed while a model that links nothing decided."""
    shipped = matcher.shipped_model("customer")
    cautious = dataclasses.replace(shipped, version="customer-api-cautious",
                                   thresholds=dataclasses.replace(shipped.thresholds,
                                                                  auto_link=1000.0, review=1000.0))
    with app.app_context():
        match_models.store_model(db.session, cautious, actor="test", active=True, now=utcnow())
        db.session.commit()
    push(client, keyring, "web_shop", make_customer(source_key="yulia-web"))
    push(client, keyring, "pos_store", make_customer(source_key="pos-77", first_name="Yuliya",
                                                     last_name="Ivanova", email=None))
    with app.app_context():
        match_models.activate_model(db.session, "customer", SHIPPED)
        db.session.commit()
    assert active_goldens(app) == 2


def test_a_dry_run_reports_the_merge_and_changes_nothing(app, client, keyring, two_goldens):
    before = snapshot(app)
    response = client.post("/api/v1/rematch", json={"entity_type": "customer"},
                           headers=admin(keyring))
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["model_version"], body["records"], body["applied"]) == (SHIPPED, 2, False)
    assert len(body["merges"]) == 1 and len(body["merges"][0]) == 2
    assert snapshot(app) == before


def test_applying_makes_the_reported_merge(app, client, keyring, two_goldens):
    dry = client.post("/api/v1/rematch", json={"entity_type": "customer", "dry_run": True},
                      headers=admin(keyring)).get_json()
    applied = client.post("/api/v1/rematch", json={"entity_type": "customer", "dry_run": False},
                          headers=admin(keyring)).get_json()
    assert {**applied, "applied": False} == dry and applied["applied"] is True
    assert active_goldens(app) == 1


def test_a_read_key_may_not_rematch(client, keyring):
    response = client.post("/api/v1/rematch", json={"entity_type": "customer"},
                           headers=auth(keyring["read"]))
    assert_problem(response, 403)


def test_an_unknown_entity_type_or_model_version_is_refused(client, keyring):
    assert_problem(client.post("/api/v1/rematch", json={"entity_type": "stock"},
                               headers=admin(keyring)), 422)
    assert_problem(client.post("/api/v1/rematch", json={"entity_type": "customer",
                                                        "model_version": "customer-trained-9"},
                               headers=admin(keyring)), 404)
