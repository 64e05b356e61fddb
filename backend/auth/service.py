"""Logging in and out. Sessions are rows; the cookie carries a random token."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import recorder
from backend.auth.models import UserSession
from backend.auth.passwords import MIN_LENGTH, PasswordVerifier
from backend.auth.schemas import CurrentUser
from backend.auth.throttle import LoginThrottle
from backend.db import utcnow
from backend.errors import Invalid, NotAuthenticated, RateLimited
from backend.users.models import User

SESSION_LIFETIME = timedelta(days=30)  # a technician may stay offline for a whole shift or more


@dataclass(frozen=True)
class ClientInfo:
    address: str
    device: str | None
    user_agent: str | None
    old_token: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def current_user(user: User, session_id: str) -> CurrentUser:
    return CurrentUser(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        locale=user.locale,
        session_id=session_id,
    )


async def resolve_session(db: AsyncSession, token: str, now: datetime) -> CurrentUser | None:
    row = (
        await db.execute(
            select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.token_hash == token_hash(token), UserSession.expires_at > now)
        )
    ).first()
    if row is None or row.User.disabled:
        return None
    return current_user(row.User, row.UserSession.id)


async def start_session(db: AsyncSession, user: User, client: ClientInfo) -> tuple[str, str]:
    """A fresh session (new id and token): rotation defeats session fixation."""
    if client.old_token:
        await db.execute(
            delete(UserSession).where(UserSession.token_hash == token_hash(client.old_token))
        )
    token = secrets.token_urlsafe(32)
    row = UserSession(
        token_hash=token_hash(token),
        user_id=user.id,
        expires_at=utcnow() + SESSION_LIFETIME,
        device=client.device,
        user_agent=(client.user_agent or "")[:300],
        address=client.address,
    )
    db.add(row)
    await db.flush()
    return token, row.id


async def log_in(
    db: AsyncSession,
    verifier: PasswordVerifier,
    throttle: LoginThrottle,
    username: str,
    password: str,
    client: ClientInfo,
    now: float,
) -> tuple[CurrentUser, str]:
    account = username.strip().lower()
    wait = throttle.wait_seconds(account, client.address, now)
    if wait is not None:
        raise RateLimited(f"Too many failed logins; try again in {wait} seconds.", retry_after=wait)
    user = await db.scalar(select(User).where(User.username == account))
    ok = await verifier.verify(user.password_hash if user else None, password)
    if user is None or user.disabled or not ok:
        throttle.record_failure(account, client.address, now)
        # One answer for unknown user, wrong password and disabled account.
        raise NotAuthenticated("Wrong username or password.", code="bad_credentials")
    throttle.record_success(account)
    token, session_id = await start_session(db, user, client)
    recorder.record(db.sync_session, "login", "users", user.id, {"session": session_id})
    return current_user(user, session_id), token


async def log_out(db: AsyncSession, user: CurrentUser) -> None:
    await db.execute(delete(UserSession).where(UserSession.id == user.session_id))
    recorder.record(db.sync_session, "logout", "users", user.id, {"session": user.session_id})


async def end_all_sessions(db: AsyncSession, user_id: str, reason: str) -> None:
    await db.execute(delete(UserSession).where(UserSession.user_id == user_id))
    recorder.record(db.sync_session, "logout_everywhere", "users", user_id, {"reason": reason})


async def change_password(
    db: AsyncSession,
    verifier: PasswordVerifier,
    me: CurrentUser,
    current: str,
    new: str,
    client: ClientInfo,
) -> str:
    """Ends every session of the user, then opens a new one for this device."""
    user = await db.get_one(User, me.id)
    if not await verifier.verify(user.password_hash, current):
        raise Invalid("The current password is wrong.", code="bad_credentials")
    check_new_password(new)
    user.password_hash = await verifier.hash(new)
    await end_all_sessions(db, user.id, "password_changed")
    token, _ = await start_session(
        db, user, ClientInfo(client.address, client.device, client.user_agent, None)
    )
    return token


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid(f"A password needs at least {MIN_LENGTH} characters.", code="weak_password")
