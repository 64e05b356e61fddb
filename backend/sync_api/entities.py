"""The syncable entities the server stores: entity name → its table module.

A table module has ENTITY, DECLARATION, load(statements, ids), save(statements, states,
dirty_events, now_ms, columns) (columns: extra row values of the records the batch creates, by
id, from the facts provider's `created`; tables without such columns ignore it),
create_site(mutation), and MOVES / EVENTS / SET_MUTATION naming the
mutations that set each kind of field (used to turn a conflict resolution into mutations).

CHECKS (passed to engine.push by the push service): entity name → the domain's facts
provider for one batch, `make(statements, ids)` giving an object with `check(state, mutation,
now_ms) -> Decision | None` (asked before the generic rules decide, state None for a record
that does not exist yet; a Decision replaces theirs) and `applied(before, after, mutation,
user_id) -> effect | None` (each effect is handed back to the caller of engine.push), and
optionally `created(states, now_ms) -> (columns by id, effects)` for the records the batch
creates, asked once before they are written (a new ticket's registration and deadlines go
into its INSERT instead of a read-back and an UPDATE).
"""

from types import ModuleType

from backend.inspections import sync_records as inspection_records
from backend.sync_api import asset_records
from backend.work_orders import guard
from backend.work_orders import store as work_order_store

TABLES: dict[str, ModuleType] = {
    work_order_store.ENTITY: work_order_store,
    asset_records.ENTITY: asset_records,
    inspection_records.ENTITY: inspection_records,
}

CHECKS = {work_order_store.ENTITY: guard.Requirements, inspection_records.ENTITY: inspection_records.Checks}
