"""`work_order.sign` and `inspection.sign`: the sync commands of the signature domain.

backend/sync_api/commands.py runs each alone, inside a savepoint of the push transaction, after
every mutation pushed before it (so the photos and fields of the same batch are there):

1. the record must exist where the caller may see it (else `rejected`, as for any mutation);
2. the status move must be one the generic rules apply (base.status = what the signer saw);
   otherwise their conflict (`stale_base`, `illegal_transition`, ...) is stored as usual;
3. the server recomputes the record hash from its state (signable.py, PROTOCOL.md §9);
   different from `record_hash` → a `stale_signature` card for a person, nothing signed;
4. the signature (or refusal) joins the chain, then the status moves through the engine
   (for a work order with the same requirement check as any move, and the lifecycle's
   timestamps and notifications).

The REST route (routes.py) runs the same function with `rest=True`: a refusal is an HTTP
error and nothing is stored.
"""

import hashlib
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.schemas import CurrentUser
from backend.dialect import run_statements
from backend.errors import Conflict, Invalid, NotFound
from backend.signatures import chain, service
from backend.signatures.canonical import canonical
from backend.signatures.signable import signable_form
from backend.sync_api import commands, engine
from backend.sync_api.entities import TABLES
from backend.users.models import Role
from backend.work_orders import lifecycle
from sync import protocol
from sync.clock import clamp_text
from sync.ledger import result_of
from sync.merge import apply_mutation
from sync.protocol import PushResult, SignInspection, SignWorkOrder, TransitionWorkOrder

Sign = SignWorkOrder | SignInspection


class StaleSignature(service.StaleSignature):
    pass


def install(secrets_dir: Path) -> None:
    """Register both commands (app wiring); the chain key is read from the data directory."""

    async def handler(db: AsyncSession, mutation: Any, user: CurrentUser, at_ms: int) -> PushResult:
        return await sign_record(db, chain.load_key(secrets_dir), mutation, user, at_ms)

    commands.register("work_order.sign", handler)
    commands.register("inspection.sign", handler)


def status_move(mutation: Sign) -> protocol.Mutation:
    """The engine's form of the sign: for a work order the plain transition, so the same
    requirement check and lifecycle apply as to any other move."""
    if isinstance(mutation, SignWorkOrder):
        return TransitionWorkOrder(
            id=mutation.id,
            client_id=mutation.client_id,
            seq=mutation.seq,
            hlc=mutation.hlc,
            record_id=mutation.record_id,
            base=mutation.base,
            to="signed",
        )
    return mutation


async def sign_record(
    db: AsyncSession, key, mutation: Sign, user: CurrentUser, at_ms: int, rest: bool = False
) -> PushResult:
    kind, move = mutation.entity, status_move(mutation)
    table = TABLES.get(kind)
    if table is None:
        raise Invalid(f"{kind} records cannot be signed by sync yet")
    state = await run_statements(db, lambda s: _visible_state(s, move, user, at_ms))
    if state is None:
        raise NotFound(f"no {kind} {mutation.record_id}")
    decision = apply_mutation(state, move, table.DECLARATION, at_ms)
    if decision.status != "applied":
        return await _refused_move(db, move, user, at_ms, rest)
    if not decision.changed:
        raise Conflict(f"This {kind} is already {state['fields']['status']}.", code="record_locked")
    text = canonical(signable_form(kind, state))
    actual = hashlib.sha256(text).hexdigest()
    if actual != mutation.record_hash:
        return await _stale(db, mutation, state, actual, user, at_ms, rest)
    await service.ensure_editable(db, kind, mutation.record_id, "This record is already signed.")
    await service.append_signature(db, key, kind, state["id"], state["site_id"], text, mutation.capture, user)
    effects = await run_statements(db, lambda s: _apply_move(s, move, user, at_ms))
    await lifecycle.record_moves(db, effects, lifecycle.from_ms(at_ms))
    return PushResult(id=mutation.id, status="applied")


def _caller(statements, user: CurrentUser) -> engine.Caller:
    return engine.caller_of(statements, user.id, user.role == Role.admin)


def _visible_state(statements, move, user: CurrentUser, at_ms: int) -> dict | None:
    batch = engine.Batch(statements, _caller(statements, user), at_ms)
    batch.load([move])
    return batch.states.get((move.entity, move.record_id))


def _apply_move(statements, move, user: CurrentUser, at_ms: int) -> list:
    batch = engine.Batch(statements, _caller(statements, user), at_ms)
    batch.load([move])
    decision = batch.decide(move)
    if decision.status != "applied":
        # Rolls the savepoint back, signature included: never signed without the move.
        raise Invalid(decision.message or "the status could not move", code="rejected")
    batch.write()
    return batch.effects


async def _refused_move(db: AsyncSession, move, user: CurrentUser, at_ms: int, rest: bool) -> PushResult:
    """Whatever the generic rules (and the work-order requirements) say instead of applying."""

    def decide(statements):
        batch = engine.Batch(statements, _caller(statements, user), at_ms)
        batch.load([move])
        decision = batch.decide(move)
        if rest:
            from backend.sync_api.console import refuse

            refuse(decision)
        batch.write()
        return decision

    return result_of(move, await run_statements(db, decide))


async def _stale(
    db: AsyncSession, mutation: Sign, state: dict, actual: str, user: CurrentUser, at_ms: int, rest: bool
) -> PushResult:
    message = "The record changed after it was shown to the signer; show it again and re-sign."
    if rest:
        raise StaleSignature(message, detail={"signed_hash": mutation.record_hash, "current_hash": actual})
    hlc, _clamped = clamp_text(mutation.hlc, at_ms)
    conflict = protocol.Conflict(
        id=mutation.id,
        kind="stale_signature",
        entity=mutation.entity,
        record_id=mutation.record_id,
        mutation_id=mutation.id,
        client_id=mutation.client_id,
        hlc=hlc,
        fields=["status"],
        current={"status": state["fields"]["status"], "record_hash": actual},
        proposed={
            "status": mutation.op().to,
            "record_hash": mutation.record_hash,
            "capture": msgspec.to_builtins(mutation.capture),
        },
        seen={"status": mutation.base.status},
        message=message,
    )

    def store(statements) -> None:
        site_id = state["site_id"]
        statements.run(engine.INSERT_CONFLICT, engine.conflict_row(conflict, site_id, user.id, at_ms))
        statements.run(engine.INSERT_CHANGE, engine.conflict_change(conflict, site_id, "open", None, at_ms))

    await run_statements(db, store)
    return PushResult(id=mutation.id, status="conflict", message=message, conflict_id=conflict.id)
