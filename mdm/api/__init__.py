"""The HTTP API under /api/v1, described by the OpenAPI document at /api/v1/openapi.json."""

from __future__ import annotations

from flask import Flask, send_from_directory
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path

from mdm.api import decisions, golden, matching, problems, records, review_tasks

BLUEPRINTS = [records.blp, golden.blp, review_tasks.blp, decisions.blp, matching.blp]


def init_app(app: Flask) -> None:
    api = Api(app, spec_kwargs={
        "info": {"description": "mdm: master data for multichannel retail."},
        "components": {"securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "mdm API key"}}},
        "security": [{"bearer": []}],
    })
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.add_url_rule("/api/v1/docs/assets/<path:filename>", "swagger_ui_assets",
                     _swagger_ui_asset)
    # Registered after flask-smorest's own handler, so problem+json wins.
    problems.init_app(app)


def _swagger_ui_asset(filename: str):
    return send_from_directory(swagger_ui_path, filename, max_age=86400)
