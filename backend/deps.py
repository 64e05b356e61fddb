"""Request-scoped dependencies shared by every route module."""

from collections.abc import AsyncGenerator

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.recorder import SYSTEM, Actor
from backend.db import Database, session_scope

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Db = NamedDependency[AsyncSession]


def actor_of(request: Request) -> Actor:
    user = request.scope.get("user")
    if user is None:
        return SYSTEM
    return Actor(user.id, user.display_name, request.headers.get("x-weibao-device") or None)


async def provide_db(state: State, request: Request) -> AsyncGenerator[AsyncSession, None]:
    """One transaction per request, committed before the response is sent.

    Writes start with BEGIN IMMEDIATE (see dialect.py); reads with a deferred BEGIN.
    """
    db: Database = state.db
    async with session_scope(db, write=request.method not in SAFE_METHODS) as session:
        session.info["actor"] = actor_of(request)
        yield session
