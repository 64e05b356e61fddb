"""Wakes the push workers of this process as soon as a transaction with new outbox rows commits.

Other processes' workers find the rows on their next poll; this only shortens the wait in the
common one-process case, so a dispatched fault leaves within milliseconds, not a poll interval.
"""

import asyncio

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

_BELLS: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
_ARMED = "push_doorbell_armed"


def install(bell: asyncio.Event) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
    entry = (asyncio.get_running_loop(), bell)
    _BELLS.add(entry)
    return entry


def uninstall(entry: tuple[asyncio.AbstractEventLoop, asyncio.Event]) -> None:
    _BELLS.discard(entry)


def ring_after_commit(db: AsyncSession) -> None:
    """Ring once this session commits; a rollback rings nothing (the rows are gone too)."""
    session = db.sync_session
    if session.info.get(_ARMED):
        return
    session.info[_ARMED] = True
    event.listen(session, "after_commit", _ring, once=True)
    event.listen(session, "after_rollback", _disarm, once=True)


def _ring(session) -> None:
    session.info.pop(_ARMED, None)
    for loop, bell in list(_BELLS):
        if not loop.is_closed():
            loop.call_soon_threadsafe(bell.set)


def _disarm(session) -> None:
    session.info.pop(_ARMED, None)
