"""Liveness and readiness, outside /api/v1 and without authentication."""

from __future__ import annotations

from flask import Blueprint, Flask, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from mdm.database import current_revision, head_revision
from mdm.extensions import db

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    """The process is up; touches nothing else."""
    return jsonify(status="pass")


@blueprint.get("/readyz")
def readyz():
    """The database answers and its schema is at the newest migration."""
    checks = {}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = current_revision(connection)
        checks["database"] = "pass"
        head = head_revision()
        checks["migrations"] = "pass" if revision == head else f"at {revision}, head is {head}"
    except SQLAlchemyError as error:
        checks["database"] = f"fail: {type(error).__name__}"
    ready = all(value == "pass" for value in checks.values()) and "migrations" in checks
    return jsonify(status="pass" if ready else "fail", checks=checks), 200 if ready else 503


def init_app(app: Flask) -> None:
    app.register_blueprint(blueprint)
