"""Failed checklist items → fault work orders (issue 5, item 3).

Without the setting the drafts are only offered (GET /api/inspections/{id}/fault-drafts); with
`autocreate_work_orders_from_failed_items` a submit creates one work order per failed item,
through the work-order service and so through the sync engine (it syncs like any other). The
work order's id is derived from the record and the item, so a second submit of the same
record (after a return to draft) creates none twice.
"""

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.inspections.schemas import FaultDraft
from backend.work_orders import service as work_orders
from backend.work_orders.models import WorkOrder
from backend.work_orders.schemas import WorkOrderCreate
from backend.work_orders.sla import FAULT_SCOPES, FaultScope


def work_order_id(inspection_id: str, item_key: str) -> str:
    return "insp-" + hashlib.sha256(f"{inspection_id}:{item_key}".encode()).hexdigest()[:32]


def order_from(draft: FaultDraft) -> WorkOrderCreate:
    scope = FAULT_SCOPES.get(draft.fault_type) or FaultScope(draft.fault_type)
    return WorkOrderCreate(
        site_id=draft.site_id,
        title=draft.title[:200],
        notes=draft.description,
        asset_id=draft.asset_id,
        id=work_order_id(draft.inspection_id, draft.item_key),
        source="inspection",
        symptom=draft.description,
        fault_scope=scope.value,  # type: ignore[arg-type]
    )


async def create_fault_orders(db: AsyncSession, drafts: list[FaultDraft], user: CurrentUser) -> list[str]:
    """The ids of the work orders created now (an item's existing order is left alone)."""
    created = []
    for draft in drafts:
        order = order_from(draft)
        if await db.get(WorkOrder, order.id) is None:
            await work_orders.create_work_order(db, order, user)
            created.append(order.id)
    return created
