"""World extension: on each side a work order with a comment, an open conflict card on it,
and a technician's phone (sync client) that has pushed."""

from backend.dialect import run_statements
from backend.sync_api import engine
from backend.sync_api.service import now_ms
from sync.protocol import mutation_from_builtins
from tests.sync_api.sync_api_builders import mutation


async def add_sync_records(session, world) -> None:
    for tag, side in (("a", world.a), ("b", world.b)):
        tech = world.user_ids[f"technician_{tag}"]
        phone = f"phone-{tag}"
        wo, comment = f"wo-{tag}-1", f"comment-{tag}-1"
        bodies = [
            mutation("work_order.create", wo, phone, seq=1, title=f"Fault {tag}", site_id=side.site_id),
            mutation("work_order.add_comment", wo, phone, seq=2, comment_id=comment, body="seen"),
            # reported → on_site is not a legal move: a conflict card for the dispatcher.
            mutation("work_order.transition", wo, phone, seq=3, base={"status": "reported"}, to="on_site"),
        ]
        mutations = [mutation_from_builtins(b) for b in bodies]
        caller = engine.Caller(tech, frozenset({side.site_id}))
        at = now_ms()
        await run_statements(session, lambda s, m=mutations, c=caller, t=at: engine.push(s, m, c, t))
        world.extra[tag].update(
            work_order_id=wo, comment_id=comment, conflict_id=bodies[2]["id"], sync_client_id=phone
        )
