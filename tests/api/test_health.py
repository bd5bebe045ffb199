"""Health, readiness, metrics and the OpenAPI document."""

from __future__ import annotations

from mdm import create_app
from mdm.database import downgrade, upgrade
from tests.factories import add_source_with_key, make_customer


def test_healthz_answers_without_touching_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "pass"}


def test_readyz_passes_at_the_newest_migration(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "pass", "migrations": "pass"}


def test_readyz_fails_when_the_schema_is_behind(scratch_database_url):
    upgrade(scratch_database_url)
    downgrade(scratch_database_url, "base")
    other = create_app({"DATABASE_URL": scratch_database_url, "SECRET_KEY": "x"})
    response = other.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "fail"


def test_metrics_count_requests_and_ingested_records(app, client):
    with app.app_context():
        key = add_source_with_key("web_shop")
    client.post("/api/v1/sources/web_shop/customer", json=make_customer(),
                headers={"Authorization": f"Bearer {key}"})
    text = client.get("/metrics").get_data(as_text=True)
    ingested = 'entity_type="customer",outcome="created",source="web_shop"'
    assert f"mdm_records_ingested_total{{{ingested}}}" in text
    assert "mdm_http_request_duration_seconds_bucket" in text


def test_the_openapi_document_describes_the_push_endpoint(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/sources/{source}/{entity_type}" in spec["paths"]


def test_the_interactive_docs_load_their_assets_from_the_app_itself(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert 'src="/api/v1/docs/assets/swagger-ui-bundle.js"' in page
    assert "https://" not in page and 'src="//' not in page
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    assert asset.mimetype in ("text/javascript", "application/javascript")
