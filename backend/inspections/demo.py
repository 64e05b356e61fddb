"""Demo inspection plans, rounds and records (invented), relative to today.

Plans started two months ago, so last month's rounds exist: some done (every asset has a
submitted record, one with an out-of-range reading), the rest overdue; this period's rounds
are due, one with a draft in progress; a pre-event plan opens its round now.
"""

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assets.models import Asset
from backend.auth.schemas import CurrentUser
from backend.db import utcnow
from backend.inspections import plan_service, service, template_service
from backend.inspections.models import InspectionPlan, InspectionRound
from backend.inspections.schemas import AnswerIn, InspectionPatch, InspectionStart, InspectionSubmit
from backend.inspections.templates import ChecklistTemplate, ReadingItem
from backend.sites.models import Site, SiteAssignment
from backend.users.models import Role, User

# site kind -> (plan name, frequency, device type, how many assets by explicit list or None = all)
PLANS = {
    "detention": [
        ("监室摄像机月度巡检", "monthly", "fixed_camera", 4),
        ("报警主机每季三次巡检", "three_per_quarter", "alarm_host", None),
        ("UPS 季度巡检", "quarterly", "ups", None),
        ("球机双周巡检", "biweekly", "dome_camera", 3),
    ],
    "custody": [
        ("摄像机每周巡检", "weekly", "fixed_camera", 3),
        ("门禁月度巡检", "monthly", "access_controller", 2),
    ],
    "correction": [("机柜每两月巡检", "bimonthly", "cabinet", None)],
    "intersection": [
        ("卡口抓拍机月度巡检", "monthly", "checkpoint_camera", 2),
        ("信号灯每周两次巡检", "twice_weekly", "signal_head", 2),
    ],
}


def demo_answers(template: ChecklistTemplate, failing: str | None = None) -> dict[str, AnswerIn]:
    answers = {}
    for item in template.items:
        photos = ["d" * 64] if item.photo_required else []
        tag = type(item).__struct_config__.tag
        value: bool | float | str | None = {"pass_fail_na": True, "text": "正常"}.get(tag)
        if isinstance(item, ReadingItem):
            low, high = item.min if item.min is not None else 0.0, item.max if item.max is not None else 100.0
            value = round((low + high) / 2, 1) if item.key != failing else high + 1
        if tag == "choice":
            value = next(o.key for o in item.options if o.key not in item.failing)  # type: ignore[attr-defined]
        if tag == "photo":
            photos = ["d" * 64]
        answers[item.key] = AnswerIn(value=value, photos=photos)
    return answers


async def add_plans(
    db: AsyncSession, site: Site, starts_on: date, assignee: str | None
) -> list[InspectionPlan]:
    plans = []
    for name, frequency, device_type, count in PLANS.get(site.kind, []):
        assets = await db.scalars(
            select(Asset.id)
            .where(Asset.site_id == site.id, Asset.device_type == device_type)
            .order_by(Asset.name)
        )
        ids = list(assets)[:count] if count else None
        if count and not ids:
            continue
        plan = InspectionPlan(
            site_id=site.id, name=name, frequency=frequency, starts_on=starts_on,
            device_type=device_type, asset_ids=ids, assignee_id=assignee,
        )  # fmt: skip
        db.add(plan)
        plans.append(plan)
    await db.flush()
    return plans


async def inspect_round(db: AsyncSession, round_: InspectionRound, failing: str | None) -> None:
    plan = await db.get(InspectionPlan, round_.plan_id)
    user = await inspector_for(db, round_.site_id)
    for index, asset in enumerate(await plan_service.plan_assets(db, plan)):
        record = await service.start_inspection(
            db, InspectionStart(asset_id=asset.id, round_id=round_.id), user
        )
        template = template_service.decode(await template_service.get_row(db, record.template_id))
        answers = demo_answers(
            template, failing if index == 0 and failing in {i.key for i in template.items} else None
        )
        await service.update_inspection(db, record.id, InspectionPatch(answers=answers), user)
        await service.submit_inspection(
            db, record.id, InspectionSubmit(), user, now=round_.due_end - timedelta(days=1)
        )


async def inspector_for(db: AsyncSession, site_id: str) -> CurrentUser:
    """The demo technician assigned to the site (tech1 first)."""
    tech = await db.scalar(
        select(User)
        .join(SiteAssignment, SiteAssignment.user_id == User.id)
        .where(SiteAssignment.site_id == site_id, User.role == Role.technician)
        .order_by(User.username)
        .limit(1)
    )
    return CurrentUser(tech.id, tech.username, tech.display_name, tech.role, tech.locale, "demo")


async def load_demo_inspections(db: AsyncSession, sites: list[Site]) -> None:
    tech = await db.scalar(select(User).where(User.username == "tech1"))
    today = utcnow().date()
    starts_on = (today.replace(day=1) - timedelta(days=40)).replace(day=1)
    for site in sites:
        await add_plans(db, site, starts_on, tech.id if site.kind == "detention" else None)
    event_site = next(s for s in sites if s.kind == "detention")
    event = InspectionPlan(
        site_id=event_site.id, name="春节前安防系统全面巡检", frequency="event", starts_on=today,
        event_date=today + timedelta(days=10), lead_days=14, device_type="nvr", asset_ids=None,
    )  # fmt: skip
    db.add(event)
    await db.flush()
    await plan_service.generate_rounds(db, today + timedelta(days=7))
    await complete_some_closed_rounds(db)
    await start_a_draft(db)


async def start_a_draft(db: AsyncSession) -> None:
    """One inspection of a currently due round is half filled in, as if the phone is at it."""
    now = utcnow()
    round_ = await db.scalar(
        select(InspectionRound)
        .where(
            InspectionRound.due_start <= now, InspectionRound.due_end > now, InspectionRound.asset_count > 0
        )
        .order_by(InspectionRound.due_end, InspectionRound.id)
        .limit(1)
    )
    if round_ is None:
        return
    user = await inspector_for(db, round_.site_id)
    asset = (await plan_service.plan_assets(db, await db.get(InspectionPlan, round_.plan_id)))[0]
    record = await service.start_inspection(db, InspectionStart(asset_id=asset.id, round_id=round_.id), user)
    template = template_service.decode(await template_service.get_row(db, record.template_id))
    half = dict(list(demo_answers(template).items())[: len(template.items) // 2])
    await service.update_inspection(db, record.id, InspectionPatch(answers=half), user)


async def complete_some_closed_rounds(db: AsyncSession) -> None:
    """Every other closed round with an explicit asset list is done; the rest stay overdue."""
    closed = await db.scalars(
        select(InspectionRound)
        .join(InspectionPlan, InspectionPlan.id == InspectionRound.plan_id)
        .where(InspectionRound.due_end <= utcnow(), InspectionPlan.asset_ids.is_not(None))
        .order_by(InspectionRound.due_end, InspectionRound.id)
    )
    for index, round_ in enumerate(list(closed)):
        if index % 2 == 0:
            await inspect_round(db, round_, failing="supply_voltage" if index % 4 == 0 else None)
