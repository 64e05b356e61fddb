"""Async entry points of the sync engine: each does all its database work in ONE call on the
database thread (backend/dialect.run_statements) and audits it once."""

import time
from collections.abc import Callable
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.recorder import SYSTEM
from backend.audit.recorder import record as audit
from backend.auth.schemas import CurrentUser
from backend.dialect import run_statements
from backend.errors import Invalid
from backend.settings import Settings
from backend.sync_api import commands, conflicts, engine, pull
from backend.sync_api.console import apply_console
from backend.sync_api.entities import CHECKS, TABLES
from backend.users.models import Role
from backend.work_orders import lifecycle
from sync.protocol import Mutation, PushRequest, PushResponse, PushResult

DAY_MS = 86_400_000


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def _caller(statements, user: CurrentUser) -> engine.Caller:
    return engine.caller_of(statements, user.id, user.role == Role.admin)


# Given by the caller of `push`: whether the transaction may end with the push, judged on the
# WHOLE batch and all its results (the caller has nothing to add to it for those).
Ends = Callable[[list[Mutation], list[PushResult]], bool]


async def push(
    db: AsyncSession, request: PushRequest, user: CurrentUser, ends: Ends | None = None
) -> PushResponse:
    """`ends`: see `push_merge`; without it the caller's session commits as usual."""
    at = now_ms()
    mutations = list(request.mutations)
    results: list[PushResult] = []
    runs = list(commands.runs(mutations))
    for index, run in enumerate(runs):
        if commands.is_command(run):
            results.append(await commands.decide(db, run[0], user, at))
            continue
        last = ends is not None and index == len(runs) - 1  # only the last run may end it
        ending = _judged_on_the_batch(ends, mutations, list(results)) if last else None
        results += await push_merge(db, request.client_id, run, user, at, ending)
    return PushResponse(results=results)


def _judged_on_the_batch(ends, mutations: list[Mutation], earlier: list[PushResult]):
    """The last run's `ends`, asked about the whole batch: a submit in an earlier run still
    needs its follow-up after the last run."""
    return lambda run_results: ends(mutations, earlier + run_results)


async def push_merge(
    db: AsyncSession,
    client_id: str,
    mutations: list[Mutation],
    user: CurrentUser,
    at: int,
    ends: Callable[[list[PushResult]], bool] | None = None,
) -> list[PushResult]:
    """A run of mutations the generic merge rules decide, in one call on the database thread.

    When `ends(results of this run)` says nothing follows and the run queued no notification
    (those go through the ORM), it commits in that same call: a durable ack one trip to the
    database thread sooner."""
    actor = db.info.get("actor", SYSTEM)

    def work(statements) -> tuple:
        moves: list = []  # the work-order moves the batch applied (guard.Requirements)
        results = engine.push(statements, mutations, _caller(statements, user), at, CHECKS, moves)
        engine.audit_push(statements, actor, client_id, results)  # with the batch, not the ORM
        return results, lifecycle.after_push_rows(statements, mutations, results, moves, at)

    def commits(out: tuple) -> bool:
        return ends is not None and not out[1] and ends(out[0])

    results, notices = await run_statements(db, work, commit=commits)
    await lifecycle.notify(db, notices)
    return results


def declarations() -> dict[str, Any]:
    """Every syncable entity's declaration, for clients to replay their outbox with (§2)."""
    return {name: msgspec.to_builtins(table.DECLARATION) for name, table in TABLES.items()}


async def apply(db: AsyncSession, mutation: Mutation, user: CurrentUser) -> dict[str, Any]:
    """One console (REST) write through the sync engine; the record state after it."""
    at = now_ms()
    moves: list = []
    state = await run_statements(db, lambda s: apply_console(s, mutation, _caller(s, user), at, moves))
    await lifecycle.record_moves(db, moves, lifecycle.from_ms(at))
    audit(
        db, "update", mutation.entity + "s", mutation.record_id, {"mutation": msgspec.to_builtins(mutation)}
    )
    return state


async def pull_changes(
    db: AsyncSession,
    user: CurrentUser,
    settings: Settings,
    cursor: str | None,
    limit: int,
    client_id: str | None,
) -> pull.RawPull:
    try:
        position = pull.parse_cursor(cursor)
    except pull.BadCursor as error:
        raise Invalid(str(error), code="bad_cursor") from None
    retention = settings.sync_tombstone_retention_days * DAY_MS
    at = now_ms()
    return await run_statements(
        db, lambda s: pull.pull(s, _caller(s, user), position, limit, client_id, at, retention)
    )


async def list_conflicts(db: AsyncSession, user: CurrentUser, status: str) -> list[dict[str, Any]]:
    return await run_statements(db, lambda s: conflicts.list_conflicts(s, _caller(s, user), status))


async def resolve_conflict(
    db: AsyncSession, conflict_id: str, choice: str, values: dict[str, Any] | None, user: CurrentUser
) -> dict[str, Any]:
    at = now_ms()
    card = await run_statements(
        db, lambda s: conflicts.resolve_conflict(s, conflict_id, choice, values, _caller(s, user), at)
    )
    await lifecycle.record_moves(db, card.pop("effects", []), lifecycle.from_ms(at))
    audit(db, "resolve", "sync_conflicts", conflict_id, {"choice": choice, "values": values})
    return card


async def list_clamps(db: AsyncSession, limit: int = 500) -> list[dict[str, Any]]:
    sql = (
        "SELECT mutation_id, client_id, user_id, sent_hlc, clamped_hlc, at_ms FROM sync_clamps "
        "ORDER BY at_ms DESC LIMIT :n"
    )
    keys = ("mutation_id", "client_id", "user_id", "sent_hlc", "clamped_hlc", "at_ms")
    rows = await run_statements(db, lambda s: s.rows(sql, {"n": limit}))
    return [dict(zip(keys, r, strict=True)) for r in rows]


async def site_left_scope(db: AsyncSession, site_id: str, user_id: str) -> None:
    """Log an `evict` for every record of the site for this user (PROTOCOL.md §5). The CAST:
    under SELECT DISTINCT PostgreSQL types a bare parameter as text (tests/postgres)."""
    sql = """INSERT INTO sync_changes (entity, record_id, site_id, op, data, for_user_id, at_ms)
    SELECT DISTINCT entity, record_id, site_id, 'evict', NULL, :u, CAST(:now AS BIGINT) FROM sync_changes
    WHERE site_id = :site AND for_user_id IS NULL ORDER BY entity, record_id"""
    params = {"u": user_id, "now": now_ms(), "site": site_id}
    await run_statements(db, lambda s: s.run(sql, params))


async def site_entered_scope(db: AsyncSession, site_id: str, user_id: str) -> None:
    """Replay the newest state of every record of the site for a newly assigned user: their
    cursor may be past those changes (e.g. after an earlier unassignment evicted them)."""
    sql = """INSERT INTO sync_changes (entity, record_id, site_id, op, data, for_user_id, at_ms)
    SELECT c.entity, c.record_id, c.site_id, c.op, c.data, :u, :now FROM sync_changes c
    WHERE c.site_id = :site AND c.for_user_id IS NULL AND c.seq = (SELECT MAX(d.seq)
        FROM sync_changes d WHERE d.entity = c.entity AND d.record_id = c.record_id
        AND d.for_user_id IS NULL)
    ORDER BY c.seq"""
    params = {"u": user_id, "now": now_ms(), "site": site_id}
    await run_statements(db, lambda s: s.run(sql, params))
