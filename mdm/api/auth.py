"""The calling principal of an API request."""

from __future__ import annotations

from flask import g, request

from mdm.extensions import db
from mdm.keys import Principal, authenticate, require_scope


def current_principal(scope: str, source_name: str | None = None) -> Principal:
    """The request's principal, checked for `scope` (401 or 403 otherwise)."""
    principal = authenticate(db.session, request.headers.get("Authorization"))
    require_scope(principal, scope, source_name)
    g.principal = principal
    return principal
