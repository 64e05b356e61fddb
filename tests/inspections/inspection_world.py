"""World extension: on each side an inspection plan, one of its rounds and a draft record."""

from datetime import UTC, date, datetime

from backend.inspections.models import InspectionPlan, InspectionRecord, InspectionRound


async def add_inspections(session, world) -> None:
    for tag, side in (("a", world.a), ("b", world.b)):
        plan = InspectionPlan(
            site_id=side.site_id,
            name=f"Monthly cameras {tag}",
            device_type="fixed_camera",
            frequency="monthly",
            starts_on=date(2026, 1, 1),
        )
        session.add(plan)
        await session.flush()
        round_ = InspectionRound(
            plan_id=plan.id,
            site_id=side.site_id,
            key=f"{plan.id}:2026-11",
            period="2026-11",
            due_start=datetime(2026, 10, 31, 16, tzinfo=UTC),
            due_end=datetime(2026, 11, 30, 16, tzinfo=UTC),
            asset_count=1,
        )
        session.add(round_)
        await session.flush()
        record = InspectionRecord(
            site_id=side.site_id,
            asset_id=world.extra[tag]["asset_id"],
            round_id=round_.id,
            template_id="fixed_camera.v1",
            template_key="fixed_camera",
            template_version=1,
            inspector_id=world.user_ids[f"technician_{tag}"],
            answers={},
            results={},
        )
        session.add(record)
        await session.flush()
        world.extra[tag].update(plan_id=plan.id, round_id=round_.id, inspection_id=record.id)
