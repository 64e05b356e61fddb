"""A named lease in the database: one holder at a time across every app process.

A holder renews before `expires_at`; when it dies the lease simply runs out and the next
process takes it. Works on SQLite (writes serialise behind BEGIN IMMEDIATE) and PostgreSQL
(the conditional UPDATE is atomic; a racing INSERT fails on the primary key).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.push.models import WorkerLease


@dataclass(frozen=True)
class Lease:
    held: bool
    taken_over: bool  # true when this holder did not hold it just before: recover its work


async def acquire_lease(db: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta) -> Lease:
    """Take or renew the lease; commits nothing itself (the caller's transaction does)."""
    current = await db.get(WorkerLease, name, populate_existing=True)
    if current is None:
        return await _insert(db, name, holder, now + ttl)
    if current.holder != holder and current.expires_at > now:
        return Lease(held=False, taken_over=False)
    taken_over = current.holder != holder
    result = await db.execute(
        update(WorkerLease)
        .where(WorkerLease.name == name, WorkerLease.holder == current.holder)
        .where(WorkerLease.expires_at == current.expires_at)
        .values(holder=holder, expires_at=now + ttl)
    )
    return Lease(held=result.rowcount == 1, taken_over=taken_over and result.rowcount == 1)


async def _insert(db: AsyncSession, name: str, holder: str, expires_at: datetime) -> Lease:
    try:
        async with db.begin_nested():
            db.add(WorkerLease(name=name, holder=holder, expires_at=expires_at))
    except IntegrityError:
        return Lease(held=False, taken_over=False)
    return Lease(held=True, taken_over=True)


async def release_lease(db: AsyncSession, name: str, holder: str) -> None:
    await db.execute(delete(WorkerLease).where(WorkerLease.name == name, WorkerLease.holder == holder))


async def lease_holder(db: AsyncSession, name: str, now: datetime) -> str | None:
    lease = await db.scalar(select(WorkerLease).where(WorkerLease.name == name))
    return lease.holder if lease and lease.expires_at > now else None
