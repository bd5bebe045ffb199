"""People who sign in to the admin: accounts, Argon2id password hashes, sign-in."""

from __future__ import annotations

import datetime as dt
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from mdm.errors import BadRequestError, ConflictError
from mdm.models import ROLES, AuditEntry, User

# argon2-cffi's defaults are Argon2id with RFC 9106's low-memory profile (OWASP's first choice).
PASSWORD_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


def has_role(user: User, role: str) -> bool:
    """Return whether `user` holds `role` or a higher one (viewer < steward < admin)."""
    return ROLE_RANK.get(user.role, -1) >= ROLE_RANK[role]


def create_user(session: Session, username: str, password: str, *, role: str = "viewer",
                actor: str = "cli", now: dt.datetime) -> User:
    """Return a new active user; BadRequestError for a bad role or short password."""
    username = username.strip()
    if not username:
        raise BadRequestError("a username must not be blank")
    if role not in ROLES:
        raise BadRequestError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ConflictError(f"user {username!r} exists already")
    user = User(username=username, password_hash=_hash(password), role=role, active=True,
                session_token=secrets.token_hex(32), created_at=now)
    session.add(user)
    session.flush()
    _audit(session, actor, "user.create", user, now, after={"role": role})
    return user


def set_password(session: Session, user: User, password: str, *, actor: str,
                 now: dt.datetime) -> None:
    """Give `user` a new password; every session signed in before stops working."""
    user.password_hash = _hash(password)
    user.session_token = secrets.token_hex(32)
    _audit(session, actor, "user.set_password", user, now)


def update_user(session: Session, user: User, *, role: str, active: bool, actor: str,
                now: dt.datetime) -> None:
    """Change the role and active flag of `user`; an inactive user is signed out at once."""
    if role not in ROLES:
        raise BadRequestError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    before = {"role": user.role, "active": user.active}
    user.role, user.active = role, active
    if before != {"role": role, "active": active}:
        _audit(session, actor, "user.update", user, now, before=before,
               after={"role": role, "active": active})


def authenticate(session: Session, username: str, password: str, *,
                 now: dt.datetime) -> User | None:
    """Return the active user with these credentials, or None; rehashes outdated hashes."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active:
        # Spend the same time as a real check, so timing does not reveal usernames.
        _verify(_DUMMY_HASH, password)
        return None
    if not _verify(user.password_hash, password):
        return None
    if PASSWORD_HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _hash(password)
    user.last_login_at = now
    return user


def load_user_by_session_token(session: Session, token: str) -> User | None:
    """Return the active user whose current session token is `token`, or None."""
    user = session.scalar(select(User).where(User.session_token == token))
    return user if user is not None and user.active else None


def _hash(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequestError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    return PASSWORD_HASHER.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return PASSWORD_HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


_DUMMY_HASH = PASSWORD_HASHER.hash(secrets.token_hex(16))


def _audit(session: Session, actor: str, action: str, user: User, now: dt.datetime,
           before: dict | None = None, after: dict | None = None) -> None:
    session.add(AuditEntry(occurred_at=now, actor=actor, action=action, target_type="user",
                           target_id=str(user.id), reason="", before=before, after=after))
