"""What a submit does beyond its status move, for submits that do not come through REST.

A REST submit (service.submit_inspection) marks the round done when every asset of its plan
has a submitted record, and with `autocreate_work_orders_from_failed_items` creates one fault
work order per failed item (fault_orders.py). A submit pushed by a phone (inspection.submit)
or made by a conflict resolution is stored by the sync engine, which knows neither rounds nor
settings; the push and resolve handlers call this module after it, in the same transaction.

Once only: a duplicate delivery comes back `duplicate`, not `applied`, so it does nothing
here; a re-submit (after a return to draft) finds the round already done and each failed
item's work order already there (its id is derived from record and item).

These are follow-ups of a submit that is already decided: if one fails with a DomainError the
submit stands, the failure is logged and rolled back to its savepoint, and the fault drafts
are still offered (GET /api/inspections/{id}/fault-drafts), rather than a push that can never
be acknowledged.
"""

import logging
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.errors import DomainError
from backend.inspections import fault_orders, service
from backend.inspections.round_service import SUBMITTED
from backend.settings import Settings
from sync.protocol import Mutation, PushResult, SubmitInspection

log = logging.getLogger("weibao.inspections")


def submitted_records(mutations: list[Mutation], results: list[PushResult]) -> list[str]:
    """The records that an applied submit of this push moved (in push order, once each)."""
    applied = {r.id for r in results if r.status == "applied"}
    ids = [m.record_id for m in mutations if isinstance(m, SubmitInspection) and m.id in applied]
    return list(dict.fromkeys(ids))


def nothing_follows(mutations: list[Mutation], results: list[PushResult]) -> bool:
    """True when `after_push` has nothing to do for these results (the push may commit)."""
    return not submitted_records(mutations, results)


async def after_push(
    db: AsyncSession,
    mutations: list[Mutation],
    results: list[PushResult],
    user: CurrentUser,
    settings: Settings,
) -> None:
    for record_id in submitted_records(mutations, results):
        await after_submit(db, record_id, user, settings.autocreate_work_orders_from_failed_items)


async def after_resolution(
    db: AsyncSession, card: dict[str, Any], user: CurrentUser, settings: Settings
) -> None:
    """A resolution that set an inspection's status to "submitted" is a submit too."""
    values = (card.get("resolution") or {}).get("values") or {}
    if card["entity"] == "inspection" and values.get("status") == "submitted":
        await after_submit(db, card["record_id"], user, settings.autocreate_work_orders_from_failed_items)


async def after_submit(db: AsyncSession, record_id: str, user: CurrentUser, autocreate: bool) -> None:
    savepoint = await db.begin_nested()
    try:
        record = await service.fresh(db, record_id)
        if record.state not in SUBMITTED:
            await savepoint.commit()
            return
        if record.round_id is not None:
            await service.refresh_round(db, record.round_id, record.submitted_at)
        if autocreate and record.failed_items:
            drafts = await service.fault_drafts(db, record_id, user)
            await fault_orders.create_fault_orders(db, drafts, user)
    except DomainError as error:
        await savepoint.rollback()
        log.warning("after the submit of inspection %s: %s", record_id, error.message)
        return
    await savepoint.commit()
