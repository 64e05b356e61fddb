"""Demo fault tickets: one in every status across the demo sites, some breaching their SLA,
each with its transition history (issue 5, "Demo data")."""

import itertools
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import new_id, utcnow
from backend.sites.models import Site, SiteAssignment
from backend.users.models import Role, User
from backend.work_orders.models import TechnicianStatus, WorkOrder, WorkOrderTransition
from backend.work_orders.sla import DEFAULT_POLICY, deadlines
from backend.work_orders.transitions import Status

S = Status
HAPPY = [
    S.REPORTED,
    S.DISPATCHED,
    S.ACCEPTED,
    S.EN_ROUTE,
    S.ON_SITE,
    S.REPAIRED,
    S.VERIFIED,
    S.SIGNED,
    S.CLOSED,
]
# (title, target status, severity, hours since report): the older open ones breach.
TICKETS = [
    ("卡口抓拍机离线", S.REPORTED, 2, 0.2),
    ("球机云台卡死", S.DISPATCHED, 2, 3.0),
    ("监控中心大屏黑屏", S.ACCEPTED, 1, 0.1),
    ("门禁控制器无响应", S.EN_ROUTE, 2, 0.5),
    ("NVR 录像丢失", S.ON_SITE, 1, 2.5),
    ("图像偏色", S.REPAIRED, 3, 5.0),
    ("UPS 告警", S.VERIFIED, 3, 9.0),
    ("对讲分机杂音", S.SIGNED, 4, 30.0),
    ("交换机端口故障", S.CLOSED, 2, 48.0),
    ("信号灯倒计时错误", S.CANCELLED, 3, 6.0),
    ("报警主机误报", S.REOPENED, 3, 72.0),
    ("网络抖动", S.REMOTE_RESOLVED, 4, 1.0),
]
DIAGNOSIS = {
    "cause": "ageing_damage",
    "findings": "电源模块老化",
    "actions": "更换电源模块",
    "parts_used": [],
}


def _path(target: Status) -> list[Status]:
    if target in HAPPY:
        return HAPPY[: HAPPY.index(target) + 1]
    tail = {S.CANCELLED: [S.DISPATCHED, S.CANCELLED], S.REMOTE_RESOLVED: [S.REMOTE_RESOLVED]}
    return [S.REPORTED, *tail.get(target, [*HAPPY[1:], S.REOPENED])]


async def load_demo_work_orders(db: AsyncSession, sites: list[Site]) -> None:
    now = utcnow()
    techs = list(
        await db.scalars(select(User.id).where(User.role == Role.technician).order_by(User.username))
    )
    for tech, site in zip(techs, sites, strict=False):
        db.add(
            TechnicianStatus(
                user_id=tech, on_shift=True, home_latitude=site.latitude, home_longitude=site.longitude
            )
        )
    for index, (title, target, severity, hours) in enumerate(TICKETS):
        site = sites[index % len(sites)]
        tech = await db.scalar(
            select(User.id)
            .join(SiteAssignment, SiteAssignment.user_id == User.id)
            .where(SiteAssignment.site_id == site.id, User.role == Role.technician)
            .limit(1)
        )
        await _ticket(db, site, tech, title, target, severity, now - timedelta(hours=hours))
    await db.flush()


async def _ticket(db, site: Site, tech: str | None, title, target: Status, severity: int, reported) -> None:
    terms = deadlines(DEFAULT_POLICY, severity, site.area, reported)  # type: ignore[arg-type]
    path = _path(target)
    order = WorkOrder(
        id=new_id(),
        site_id=site.id,
        title=title,
        status=str(target),
        severity=severity,
        proposed_severity=severity,
        reported_at=reported,
        respond_by=terms.respond_by,
        on_site_by=terms.on_site_by,
        repaired_by=terms.repaired_by,
        source="hotline",
        assignee_id=tech if len(path) > 1 else None,
        version=len(path),
        merge_meta={},
        diagnosis=DIAGNOSIS if S.REPAIRED in path or S.REMOTE_RESOLVED in path else None,
        cancel_reason="重复报修" if target is S.CANCELLED else "",
        remote=target is S.REMOTE_RESOLVED,
        signed=target in (S.SIGNED, S.CLOSED),
    )
    db.add(order)
    await db.flush()
    step = timedelta(minutes=12)
    for n, (before, after) in enumerate(itertools.pairwise(path), start=1):
        at = reported + step * n
        column = {
            S.ACCEPTED: "responded_at",
            S.ON_SITE: "arrived_at",
            S.REPAIRED: "resolved_at",
            S.REMOTE_RESOLVED: "resolved_at",
            S.CLOSED: "closed_at",
        }.get(after)
        if column:
            setattr(order, column, at)
        db.add(
            WorkOrderTransition(
                work_order_id=order.id,
                from_status=str(before),
                to_status=str(after),
                by_user_id=tech,
                assignee_id=tech,
                device_at=at,
                received_at=at,
                trusted_at=at,
                clamped=False,
            )
        )
