"""What follows an applied work-order change, in the same transaction (issue 5, items 4-7).

Both ways in (REST through console.py, sync pushes through the engine's Requirements check)
hand their applied status moves and assignments here: each becomes a row of the transition
log with the phone's time beside the receipt time, the trusted milestone times that SLA
compliance uses, and the push notifications of a dispatch. Deadlines are computed by
sla.deadlines and stored.

The work runs as plain statements on the database thread (backend/dialect.run_statements),
batched per push: a push of a hundred tickets costs a handful of statements, not an ORM
round trip per ticket (issue 4's throughput goal). Notifications are queued afterwards through
the push domain's `enqueue_notification`, only for the pushes that produce one.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import new_id
from backend.dialect import in_list, run_statements
from backend.push.service import enqueue_notification
from backend.work_orders.device_time import trusted_event_time
from backend.work_orders.follow_up import follow_up_window
from backend.work_orders.guard import Move
from backend.work_orders.order_rows import aware, load_orders, load_sites, rows_by_id
from backend.work_orders.registration import Notice, effective_severity, from_ms, register
from backend.work_orders.transitions import Status
from sync.protocol import SetWorkOrderSeverity

MILESTONES = {
    Status.ACCEPTED: "responded_at",
    Status.ON_SITE: "arrived_at",
    Status.REMOTE_RESOLVED: "resolved_at",
    Status.REPAIRED: "resolved_at",
    Status.CLOSED: "closed_at",
}

_SETTLING = (
    "SELECT id, site_id, asset_id, severity, proposed_severity, reported_at "  # what settling reads
    "FROM work_orders WHERE id IN {ids}"
)
_SETTLING_KEYS = ("id", "site_id", "asset_id", "severity", "proposed_severity", "reported_at")
SET_DEADLINES = """UPDATE work_orders SET reported_at = :reported_at, proposed_severity = :proposed_severity,
    respond_by = :respond_by, on_site_by = :on_site_by, repaired_by = :repaired_by WHERE id = :id"""


def settle_rows(
    statements, work_order_ids: Iterable[str], now: datetime, fault_scope: str = "function_lost"
) -> list[Notice]:
    """Registration facts of stored tickets not yet registered, then their stored deadlines
    (again after a severity change); safe to call again."""
    orders = rows_by_id(statements, _SETTLING, work_order_ids, _SETTLING_KEYS)
    rows, notices = register(statements, list(orders.values()), now, fault_scope)
    statements.many(SET_DEADLINES, rows)
    return notices


INSERT_TRANSITION = """INSERT INTO work_order_transitions (id, work_order_id, from_status, to_status,
    by_user_id, mutation_id, assignee_id, previous_assignee_id, reason, device_at, received_at,
    trusted_at, clamped)
VALUES (:id, :work_order_id, :from_status, :to_status, :by_user_id, :mutation_id, :assignee_id,
    :previous_assignee_id, :reason, :device_at, :received_at, :trusted_at, :clamped)"""
SET_MILESTONES = """UPDATE work_orders SET responded_at = :responded_at, arrived_at = :arrived_at,
    resolved_at = :resolved_at, closed_at = :closed_at, remote = :remote, cancel_reason = :cancel_reason,
    follow_up_due_by = :follow_up_due_by WHERE id = :id"""
_LAST = (
    "SELECT work_order_id, trusted_at, assignee_id FROM work_order_transitions "
    "WHERE work_order_id IN {ids} ORDER BY received_at, id"
)


def record_move_rows(statements, moves: list[Move], received_at: datetime) -> list[Notice]:
    """The transition log rows, milestones and dispatch notices of a batch's moves, in order;
    each move's trusted time is the lower bound of the next (device_time.py)."""
    orders = load_orders(statements, (m.work_order_id for m in moves))
    if not orders:
        return []
    last: dict[str, tuple[datetime, str | None]] = {}
    fragment, params = in_list("i", sorted(orders))
    for work_order_id, trusted_at, assignee in statements.rows(_LAST.format(ids=fragment), params):
        last[work_order_id] = (aware(trusted_at), assignee)  # type: ignore[assignment]
    sites = load_sites(statements, (o["site_id"] for o in orders.values()))
    # UUIDv7 is random inside a millisecond: sorted, the log's (received_at, id) order is batch order.
    ids = sorted(new_id() for _ in moves)
    rows, notices, touched = [], [], {}
    for move, row_id in zip(moves, ids, strict=True):
        order = orders.get(move.work_order_id)
        if order is None:
            continue
        before = last.get(order["id"])
        previous_known = before[0] if before else (order["reported_at"] or order["created_at"])
        device_at = None if move.device_ms is None else from_ms(move.device_ms)
        trusted = trusted_event_time(device_at or received_at, previous_known, received_at)
        previous_assignee = before[1] if before else None
        rows.append(
            _transition_row(statements, row_id, move, previous_assignee, device_at, received_at, trusted)
        )
        last[order["id"]] = (trusted.at, move.assignee)
        if _apply_milestone(order, move, trusted.at):
            touched[order["id"]] = order
        changed = move.from_status != move.to_status or move.assignee != previous_assignee
        if move.to_status == Status.DISPATCHED and changed:
            notices += _dispatch_notices(
                order, move, previous_assignee, sites[order["site_id"]]["short_name"]
            )
    statements.many(INSERT_TRANSITION, rows)
    statements.many(SET_MILESTONES, [_milestone_row(statements, order) for order in touched.values()])
    return notices


def _transition_row(
    statements, row_id, move: Move, previous_assignee, device_at, received_at, trusted
) -> dict:
    return {
        "id": row_id,
        "work_order_id": move.work_order_id,
        "from_status": move.from_status,
        "to_status": move.to_status,
        "by_user_id": move.by_user_id,
        "mutation_id": move.mutation_id,
        "assignee_id": move.assignee,
        "previous_assignee_id": previous_assignee,
        "reason": move.reason,
        "device_at": statements.timestamp(device_at),
        "received_at": statements.timestamp(received_at),
        "trusted_at": statements.timestamp(trusted.at),
        "clamped": trusted.clamped,
    }


def _apply_milestone(order: dict, move: Move, at: datetime) -> bool:
    """The order's milestone columns after the move; False when the move sets none."""
    if move.from_status == move.to_status:
        return False
    target = Status(move.to_status)
    column = MILESTONES.get(target)
    if column is not None and order[column] is None:
        order[column] = at
    if target is Status.REMOTE_RESOLVED:
        order["remote"] = True
    if target is Status.CANCELLED:
        order["cancel_reason"] = move.reason
    if target is Status.CLOSED:
        order["follow_up_due_by"] = follow_up_window(at).due_by
    if target is Status.REOPENED:
        order["resolved_at"] = order["closed_at"] = order["follow_up_due_by"] = None
    return True


def _milestone_row(statements, order: dict) -> dict:
    stamp = statements.timestamp
    return {
        "id": order["id"],
        **{name: stamp(order[name]) for name in ("responded_at", "arrived_at", "resolved_at", "closed_at")},
        "remote": bool(order["remote"]),
        "cancel_reason": order["cancel_reason"],
        "follow_up_due_by": stamp(order["follow_up_due_by"]),
    }


def _dispatch_notices(order: dict, move: Move, previous: str | None, short_name: str) -> list[Notice]:
    first = move.from_status in (Status.REPORTED, Status.REOPENED) or previous is None
    severity = effective_severity(order)
    notices: list[Notice] = []
    if move.assignee:
        kind = "dispatched" if first else "reassigned"
        notices.append(([move.assignee], kind, order["id"], severity, short_name))
    if not first and previous and previous != move.assignee:
        notices.append(([previous], "reassigned", order["id"], severity, short_name))
    return notices


def after_push_rows(statements, mutations, results, effects: list, at_ms: int) -> list[Notice]:
    """The batch's effects (guard.Requirements: `Move`s, and the notices of the tickets it
    created and registered), then severity changes re-time their tickets."""
    received_at = from_ms(at_ms)
    moves = [e for e in effects if isinstance(e, Move)]
    notices = [e for e in effects if not isinstance(e, Move)]
    applied = {r.id for r in results if r.status == "applied"}
    retimed = {m.record_id for m in mutations if m.id in applied and isinstance(m, SetWorkOrderSeverity)}
    if retimed:
        notices += settle_rows(statements, retimed, received_at)
    return notices + (record_move_rows(statements, moves, received_at) if moves else [])


async def notify(db: AsyncSession, notices: list[Notice]) -> None:
    """Queue the notifications in the caller's transaction (they commit with the change)."""
    for user_ids, kind, work_order_id, severity, short_name in notices:
        await enqueue_notification(db, user_ids, kind, work_order_id, severity, short_name)  # type: ignore[arg-type]


async def settle(
    db: AsyncSession, work_order_id: str, now: datetime, fault_scope: str = "function_lost"
) -> None:
    await settle_many(db, {work_order_id}, now, fault_scope)


async def settle_many(
    db: AsyncSession, work_order_ids: set[str], now: datetime, fault_scope: str = "function_lost"
) -> None:
    await notify(db, await run_statements(db, lambda s: settle_rows(s, work_order_ids, now, fault_scope)))


async def record_moves(db: AsyncSession, moves: Iterable[Move], received_at: datetime) -> None:
    moves = list(moves)
    if moves:
        await notify(db, await run_statements(db, lambda s: record_move_rows(s, moves, received_at)))
