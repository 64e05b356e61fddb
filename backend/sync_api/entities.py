"""The syncable entities the server stores: entity name → its table module.

A table module has ENTITY, DECLARATION, load(statements, ids), save(statements, states,
dirty_events, now_ms), create_site(mutation), and MOVES / EVENTS / SET_MUTATION naming the
mutations that set each kind of field (used to turn a conflict resolution into mutations).
"""

from types import ModuleType

from backend.sync_api import asset_records
from backend.work_orders import store as work_order_store

TABLES: dict[str, ModuleType] = {
    work_order_store.ENTITY: work_order_store,
    asset_records.ENTITY: asset_records,
}
