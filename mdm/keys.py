"""API keys: created once, shown once, stored only as a hash, checked per request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.errors import AuthenticationError, ForbiddenError, NotFoundError
from mdm.models import SCOPES, ApiKey, Source, utcnow
from mdm.sources import audit_admin_change

KEY_PREFIX = "mdm"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, scope and (for push keys) its source."""

    key_id: int
    scope: str
    source_name: str | None


def _hash_secret(secret: str) -> str:
    # Keys are 256-bit random strings: a fast hash is enough, unlike for passwords.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(session: Session, scope: str, source_name: str | None = None,
               label: str = "", *, actor: str = "cli") -> str:
    """Store a new key and return its full text; it cannot be shown again.

    The audit log names `actor` and the key's public prefix, never its secret.
    """
    if scope not in SCOPES:
        raise NotFoundError(f"unknown scope {scope!r}; choose one of {', '.join(SCOPES)}")
    source = None
    if scope == "push":
        if not source_name:
            raise NotFoundError("a push key needs --source")
        source = session.scalar(select(Source).where(Source.name == source_name))
        if source is None:
            raise NotFoundError(f"unknown source {source_name!r}")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(ApiKey(prefix=prefix, secret_hash=_hash_secret(secret), scope=scope,
                       source=source, label=label, created_at=utcnow()))
    audit_admin_change(session, "api_key.create", prefix, actor=actor, target_type="api_key",
                        after={"scope": scope, "source": source_name or "", "label": label})
    session.flush()
    return f"{KEY_PREFIX}_{prefix}_{secret}"


def revoke_key(session: Session, prefix: str, *, actor: str = "cli") -> bool:
    """Revoke the key whose public prefix is `prefix`; returns False when it was revoked already."""
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    if key is None:
        raise NotFoundError(f"no key with prefix {prefix!r}")
    if key.revoked_at is not None:
        return False
    key.revoked_at = utcnow()
    audit_admin_change(session, "api_key.revoke", prefix, actor=actor, target_type="api_key")
    return True


def authenticate(session: Session, authorization: str | None) -> Principal:
    """The principal of a `Bearer` header; AuthenticationError when missing or wrong."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise AuthenticationError("send an API key as 'Authorization: Bearer <key>'")
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        raise AuthenticationError("the API key is malformed")
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
    if key is None or key.revoked_at is not None:
        raise AuthenticationError("the API key is unknown or revoked")
    if not hmac.compare_digest(key.secret_hash, _hash_secret(parts[2])):
        raise AuthenticationError("the API key is unknown or revoked")
    return Principal(key.id, key.scope, key.source.name if key.source else None)


def require_scope(principal: Principal, scope: str, source_name: str | None = None) -> None:
    """ForbiddenError unless the principal may act with `scope` (and as `source_name`)."""
    if principal.scope == "admin" and scope != "push":
        return
    if principal.scope != scope:
        raise ForbiddenError(f"this key has scope {principal.scope!r}, not {scope!r}")
    if source_name is not None and principal.source_name != source_name:
        raise ForbiddenError(f"this key pushes for source {principal.source_name!r} only")
