"""The HTTP API under /api/v1, described by the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from mdm.api import decisions, golden, problems, records, review_tasks

BLUEPRINTS = [records.blp, golden.blp, review_tasks.blp, decisions.blp]


def init_app(app: Flask) -> None:
    api = Api(app, spec_kwargs={
        "info": {"description": "mdm: master data for multichannel retail."},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "mdm API key"}}},
        "security": [{"bearer": []}],
    })
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    # Registered after flask-smorest's own handler, so problem+json wins.
    problems.init_app(app)
