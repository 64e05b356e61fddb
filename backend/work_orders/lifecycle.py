"""What follows an applied work-order change, in the same transaction (issue 5, items 4-7).

Both ways in (REST through console.py, sync pushes through guard.push) hand their applied
status moves and assignments here: each becomes a row of the transition log with the phone's
time beside the receipt time, the trusted milestone times that SLA compliance uses, and the
push notifications of a dispatch. Deadlines are computed by sla.deadlines and stored.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.models import Asset
from backend.push.service import enqueue_notification
from backend.sites.models import Contract, Site, SiteAssignment
from backend.users.models import Role, User
from backend.work_orders.device_time import trusted_event_time
from backend.work_orders.follow_up import follow_up_window
from backend.work_orders.guard import Move
from backend.work_orders.models import WorkOrder, WorkOrderTransition
from backend.work_orders.sla import DEFAULT_POLICY, SlaPolicy, SlaTermsOverride, deadlines, merge_policy
from backend.work_orders.sla import propose_severity as propose
from backend.work_orders.transitions import Status
from sync.protocol import CreateWorkOrder, SetWorkOrderSeverity

MILESTONES = {
    Status.ACCEPTED: "responded_at",
    Status.ON_SITE: "arrived_at",
    Status.REMOTE_RESOLVED: "resolved_at",
    Status.REPAIRED: "resolved_at",
    Status.CLOSED: "closed_at",
}


def effective_severity(order: WorkOrder) -> int:
    return order.severity or order.proposed_severity or 3


def policy_of(contract: Contract | None) -> SlaPolicy:
    overrides = (contract.sla_policy or {}) if contract else {}
    try:
        parsed = {int(k): SlaTermsOverride(**_durations(v)) for k, v in overrides.items()}
        return merge_policy(DEFAULT_POLICY, parsed)
    except (TypeError, ValueError):
        return DEFAULT_POLICY  # an unreadable contract override must not block a fault report


def _durations(terms: dict) -> dict:
    """Contract JSON states minutes: {"2": {"respond": 20, "repair": null}}."""
    return {k: None if v is None else timedelta(minutes=v) for k, v in terms.items()}


async def settle(
    db: AsyncSession, work_order_id: str, now: datetime, fault_scope: str = "function_lost"
) -> None:
    await settle_many(db, {work_order_id}, now, fault_scope)


async def _by_id(db: AsyncSession, model, ids: set) -> dict:
    if not ids:
        return {}
    rows = await db.scalars(select(model).where(model.id.in_(ids)).execution_options(populate_existing=True))
    return {row.id: row for row in rows}


async def _criticalities(db: AsyncSession, asset_ids: set[str]) -> dict[str, str]:
    if not asset_ids:
        return {}
    rows = await db.execute(select(Asset.id, Asset.criticality).where(Asset.id.in_(asset_ids)))
    return {asset_id: value for asset_id, value in rows}


async def settle_many(
    db: AsyncSession, work_order_ids: set[str], now: datetime, fault_scope: str = "function_lost"
) -> None:
    """Registration facts of new tickets, then their stored deadlines; safe to call again.

    A push may create a hundred tickets: the rows they need are read with one query per table,
    not one per ticket, so the batch stays a handful of round trips (STACK-NOTES throughput).
    """
    orders = await _by_id(db, WorkOrder, set(work_order_ids))
    sites = await _by_id(db, Site, {o.site_id for o in orders.values()})
    contracts = await _by_id(db, Contract, {s.contract_id for s in sites.values()})
    criticality = await _criticalities(db, {o.asset_id for o in orders.values() if o.asset_id})
    for order in orders.values():
        site = sites[order.site_id]
        if order.reported_at is None:
            order.reported_at = now
            key = "key" if criticality.get(order.asset_id or "") == "key" else "normal"
            order.proposed_severity = int(propose(key, fault_scope))  # type: ignore[arg-type]
            if order.proposed_severity == 1:
                await _notify_site_technicians(db, order, site)
        policy = policy_of(contracts.get(site.contract_id))
        terms = deadlines(policy, effective_severity(order), site.area, order.reported_at)  # type: ignore[arg-type]
        order.respond_by, order.on_site_by, order.repaired_by = (
            terms.respond_by,
            terms.on_site_by,
            terms.repaired_by,
        )
    await db.flush()


async def _notify_site_technicians(db: AsyncSession, order: WorkOrder, site: Site) -> None:
    technicians = await db.scalars(
        select(User.id)
        .join(SiteAssignment, SiteAssignment.user_id == User.id)
        .where(SiteAssignment.site_id == site.id, User.role == Role.technician)
    )
    await enqueue_notification(db, list(technicians), "new_level1", order.id, 1, site.short_name)


async def record_moves(db: AsyncSession, moves: Iterable[Move], received_at: datetime) -> None:
    for move in moves:
        await record_move(db, move, received_at)


async def record_move(db: AsyncSession, move: Move, received_at: datetime) -> None:
    order = await db.get(WorkOrder, move.work_order_id, populate_existing=True)
    if order is None:
        return
    last = await _last_transition(db, order.id)
    previous_known = last.trusted_at if last else (order.reported_at or order.created_at)
    device_at = None if move.device_ms is None else datetime.fromtimestamp(move.device_ms / 1000, UTC)
    trusted = trusted_event_time(device_at or received_at, previous_known, received_at)
    previous_assignee = last.assignee_id if last else None
    db.add(
        WorkOrderTransition(
            work_order_id=order.id,
            from_status=move.from_status,
            to_status=move.to_status,
            by_user_id=move.by_user_id,
            mutation_id=move.mutation_id,
            assignee_id=move.assignee,
            previous_assignee_id=previous_assignee,
            reason=move.reason,
            device_at=device_at,
            received_at=received_at,
            trusted_at=trusted.at,
            clamped=trusted.clamped,
        )
    )
    _apply_milestone(order, move, trusted.at)
    changed = move.from_status != move.to_status or move.assignee != previous_assignee
    if move.to_status == Status.DISPATCHED and changed:
        await _notify_dispatch(db, order, move, previous_assignee)
    await db.flush()


async def _last_transition(db: AsyncSession, work_order_id: str) -> WorkOrderTransition | None:
    return await db.scalar(
        select(WorkOrderTransition)
        .where(WorkOrderTransition.work_order_id == work_order_id)
        .order_by(WorkOrderTransition.received_at.desc(), WorkOrderTransition.id.desc())
        .limit(1)
    )


def _apply_milestone(order: WorkOrder, move: Move, at: datetime) -> None:
    if move.from_status == move.to_status:
        return
    target = Status(move.to_status)
    column = MILESTONES.get(target)
    if column is not None and getattr(order, column) is None:
        setattr(order, column, at)
    if target is Status.REMOTE_RESOLVED:
        order.remote = True
    if target is Status.CANCELLED:
        order.cancel_reason = move.reason
    if target is Status.CLOSED:
        order.follow_up_due_by = follow_up_window(at).due_by
    if target is Status.REOPENED:
        order.resolved_at = order.closed_at = order.follow_up_due_by = None


async def _notify_dispatch(db: AsyncSession, order: WorkOrder, move: Move, previous: str | None) -> None:
    site = await db.get(Site, order.site_id)
    first = move.from_status in (Status.REPORTED, Status.REOPENED) or previous is None
    severity = effective_severity(order)
    if move.assignee:
        kind = "dispatched" if first else "reassigned"
        await enqueue_notification(db, [move.assignee], kind, order.id, severity, site.short_name)
    if not first and previous and previous != move.assignee:
        await enqueue_notification(db, [previous], "reassigned", order.id, severity, site.short_name)


def from_ms(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


SETTLING = (CreateWorkOrder, SetWorkOrderSeverity)


async def after_push(db: AsyncSession, mutations, results, moves: list[Move], at_ms: int) -> None:
    """New tickets get their registration facts and deadlines first, then the moves."""
    received_at = from_ms(at_ms)
    applied = {r.id for r in results if r.status == "applied"}
    settle_ids = {m.record_id for m in mutations if m.id in applied and isinstance(m, SETTLING)}
    await settle_many(db, settle_ids, received_at)
    await record_moves(db, moves, received_at)
