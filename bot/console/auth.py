"""Operators' passwords, sessions and the audit trail of the console.

Passwords are argon2id hashes (argon2-cffi). A sign-in makes a `ConsoleSession` row with a random
id and its own CSRF token; the cookie carries that id signed (itsdangerous), so a forged or
altered cookie is refused before the database is asked, and signing out ends the row, so a
copied cookie cannot be used again. Wrong passwords lock the account for a while after
`MAX_FAILURES` in a row. Every sign-in, sign-out and action is written to `console_audit` and
logged.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.console.models import AuditEntry, ConsoleSession, Operator
from bot.i18n import N_
from bot.storage.base import aware, utcnow

log = logging.getLogger("bot.console.audit")

MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=12)  # a console left this long asks for the password again
MIN_PASSWORD_CHARS = 10
_hasher = PasswordHasher()
# Compared against when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class OperatorError(ValueError):
    """An operator account that cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class SignedIn:
    session_id: str
    operator: str
    csrf_token: str


def add_operator(session: Session, name: str, password: str) -> Operator:
    name = name.strip()
    if not name or len(name) > 64 or any(ch.isspace() for ch in name):
        raise OperatorError("the name must be one word of at most 64 characters")
    if len(password) < MIN_PASSWORD_CHARS:
        raise OperatorError(f"the password needs at least {MIN_PASSWORD_CHARS} characters")
    if session.scalar(select(Operator.id).where(Operator.name == name)) is not None:
        raise OperatorError(f"there is already an operator {name!r}")
    operator = Operator(name=name, password_hash=_hasher.hash(password), failed_attempts=0)
    session.add(operator)
    session.flush()
    audit(session, name, N_("operator added"))
    return operator


def sign_in(session: Session, name: str, password: str, now: datetime | None = None):
    """A new session for the operator, or the reason it was refused ("wrong", "locked")."""
    now = now or utcnow()
    operator = session.scalar(select(Operator).where(Operator.name == name.strip()))
    if operator is None:
        _verify(_DUMMY_HASH, password)
        log.info("console sign-in refused: unknown operator")
        return "wrong"
    locked = aware(operator.locked_until)
    if locked is not None and locked > now:
        audit(session, operator.name, N_("sign-in refused"), detail="locked")
        return "locked"
    if not _verify(operator.password_hash, password):
        operator.failed_attempts = (operator.failed_attempts or 0) + 1
        if operator.failed_attempts >= MAX_FAILURES:
            operator.failed_attempts, operator.locked_until = 0, now + LOCK_FOR
            audit(session, operator.name, N_("locked"), detail=f"{MAX_FAILURES} wrong passwords")
            return "locked"
        audit(session, operator.name, N_("sign-in refused"), detail="wrong password")
        return "wrong"
    operator.failed_attempts, operator.locked_until = 0, None
    if _hasher.check_needs_rehash(operator.password_hash):
        operator.password_hash = _hasher.hash(password)
    row = ConsoleSession(
        id=secrets.token_urlsafe(32),
        operator_id=operator.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    audit(session, operator.name, N_("signed in"))
    return SignedIn(row.id, operator.name, row.csrf_token)


def current(session: Session, session_id: str, now: datetime | None = None) -> SignedIn | None:
    """The signed-in operator of a session id, or None when it ended or sat idle too long."""
    now = now or utcnow()
    row = session.get(ConsoleSession, session_id)
    if row is None or row.ended_at is not None:
        return None
    if aware(row.last_seen_at) + SESSION_IDLE < now:
        row.ended_at = now
        return None
    if now - aware(row.last_seen_at) > timedelta(minutes=1):  # not a write on every refresh
        row.last_seen_at = now
    operator = session.get(Operator, row.operator_id)
    return SignedIn(row.id, operator.name, row.csrf_token) if operator else None


def sign_out(session: Session, signed_in: SignedIn) -> None:
    row = session.get(ConsoleSession, signed_in.session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        audit(session, signed_in.operator, N_("signed out"))


def csrf_ok(expected: str, given: object) -> bool:
    """`given` is a form field as Starlette reads it: a file upload is never a token."""
    return (
        isinstance(given, str)
        and bool(given)
        and hmac.compare_digest(expected.encode(), given.encode())
    )


def audit(
    session: Session,
    operator: str,
    action: str,
    target: str | None = None,
    detail: str | None = None,
) -> None:
    session.add(AuditEntry(operator=operator, action=action, target=target, detail=detail))
    log.info(
        "console: %s %s%s%s",
        operator,
        action,
        f" {target}" if target else "",
        f" ({detail})" if detail else "",
        extra={"operator": operator, "action": action, "target": target},
    )


def recent_audit(session: Session, limit: int = 300) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))


class CookieSigner:
    """The session id in the cookie, signed with the console secret (and dated)."""

    def __init__(self, secret: str | None) -> None:
        if not secret:
            log.warning(
                "SADEEQ_CONSOLE_SECRET is not set: console sessions end when the server stops"
            )
        self._serializer = URLSafeTimedSerializer(
            secret or secrets.token_urlsafe(32), salt="sadeeq-console"
        )

    def dumps(self, value: str) -> str:
        return self._serializer.dumps(value)

    def loads(self, cookie: str | None, max_age: timedelta = SESSION_IDLE * 2) -> str | None:
        if not cookie:
            return None
        try:
            value = self._serializer.loads(cookie, max_age=int(max_age.total_seconds()))
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
