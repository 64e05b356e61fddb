"""The work-order requirements inside the sync engine (issue 5, items 5-6), on the database thread.

The generic merge rules (sync/) know the status table but not what a move needs: "repaired"
needs the three photo phases, a diagnosis and the parts; "verified" the three-level
verification; "signed" a signature or refusal. `requirement_refusal` asks
transitions.check_transition with the facts stored for the record, for REST (console.py) and
sync pushes (`push` below) alike, so both refuse exactly the same moves.

`push` wraps engine.push without changing it: the batch's work-order mutations are first
decided in order on a scratch Batch (the same deterministic rules, nothing written); a
transition whose requirements are missing at its turn is taken out and stored as a conflict
card for a person (PROTOCOL.md §3: never silently dropped), and the rest go to the engine,
which then decides them exactly as the scratch run did. The applied status moves and
assignments come back as `Move`s for the lifecycle service (timestamps, SLA, notifications).
"""

from dataclasses import dataclass
from typing import Any

import msgspec

from backend.dialect import in_list
from backend.errors import Invalid
from backend.sync_api import engine
from backend.work_orders import store
from backend.work_orders.transitions import (
    Diagnosis,
    PartUsed,
    Refusal,
    TransitionFacts,
    Verification,
    check_transition,
)
from sync.clock import clamp_text
from sync.decision import UNSEEN, Attempt
from sync.ledger import record
from sync.protocol import AssignWorkOrder, Mutation, PushResult, TransitionWorkOrder

_PHASES = "SELECT DISTINCT phase FROM photos WHERE record_kind = 'work_order' AND record_id = :id"
_LAST_ASSIGNEE = (
    "SELECT assignee_id FROM work_order_transitions WHERE work_order_id = :id "
    "ORDER BY received_at DESC, id DESC LIMIT 1"
)
_SIGNED = "SELECT 1 FROM signed_records WHERE record_kind = 'work_order' AND record_id = :id LIMIT 1"


class RequirementsMissing(Invalid):
    """A REST move refused for missing evidence; `detail.missing` lists all of it (422)."""

    code = "requirements_missing"


def ensure_requirements(statements, state: dict[str, Any] | None, mutation: Mutation) -> None:
    refusal = requirement_refusal(statements, state, mutation)
    if refusal is not None:
        raise RequirementsMissing(refusal.message, detail={"missing": list(refusal.missing)})


@dataclass(frozen=True)
class Move:
    """An applied status move or (re)assignment; `device_ms` is the phone's clock (HLC wall)."""

    work_order_id: str
    site_id: str
    mutation_id: str
    from_status: str
    to_status: str
    previous_assignee: str | None
    assignee: str | None
    reason: str
    device_ms: int | None
    by_user_id: str


def _convert(value: Any, kind: type) -> Any:
    try:
        return None if value is None else msgspec.convert(value, kind)
    except msgspec.ValidationError:
        return None  # unreadable stored value: reported as missing, never a 500


def facts_for(statements, state: dict[str, Any], reason: str) -> TransitionFacts:
    fields, record_id = state["fields"], state["id"]
    diagnosis = _convert(fields.get("diagnosis"), Diagnosis)
    parts = _convert(fields.get("parts_used"), list[PartUsed])
    if diagnosis is not None and diagnosis.parts_used is None and parts is not None:
        diagnosis = msgspec.structs.replace(diagnosis, parts_used=parts)
    phases = frozenset(r[0] for r in statements.rows(_PHASES, {"id": record_id}))
    # Reassignment = assign a new technician, then move to dispatched: the one to compare
    # with is whoever the log last dispatched, not the field the assign just changed.
    last = statements.rows(_LAST_ASSIGNEE, {"id": record_id})
    return TransitionFacts(
        assignee_id=fields.get("assignee"),
        previous_assignee_id=last[0][0] if last else None,
        reason=reason,
        photo_phases=phases & {"before", "during", "after"},  # type: ignore[arg-type]
        diagnosis=diagnosis,
        verification=_convert(fields.get("verification"), Verification),
        signed_or_refusal_recorded=bool(statements.rows(_SIGNED, {"id": record_id})),
    )


def requirement_refusal(statements, state: dict[str, Any] | None, mutation: Mutation) -> Refusal | None:
    """A refusal only for a move the generic rules would apply (seen = current, legal target);
    stale and illegal moves stay the engine's own conflicts."""
    if not isinstance(mutation, TransitionWorkOrder) or state is None or state["deleted"]:
        return None
    current, target = state["fields"]["status"], mutation.to
    seen = Attempt(mutation, store.DECLARATION, mutation.hlc, False).seen("status")
    if target == current or seen is UNSEEN or seen != current:
        return None
    if target not in store.DECLARATION.fields["status"].transitions.get(current, []):  # type: ignore[union-attr]
        return None
    outcome = check_transition(current, target, facts_for(statements, state, mutation.reason))
    if isinstance(outcome, Refusal) and outcome.code == "requirements_missing":
        return outcome
    return None


def move_of(
    before: dict[str, Any] | None, after: dict[str, Any], mutation: Mutation, user_id: str
) -> Move | None:
    if before is None or not isinstance(mutation, TransitionWorkOrder | AssignWorkOrder):
        return None
    old, new = before["fields"], after["fields"]
    if old["status"] == new["status"] and old["assignee"] == new["assignee"]:
        return None
    wall = int(mutation.hlc.split(":", 1)[0])
    return Move(
        work_order_id=after["id"],
        site_id=after["site_id"],
        mutation_id=mutation.id,
        from_status=old["status"],
        to_status=new["status"],
        previous_assignee=old["assignee"],
        assignee=new["assignee"],
        reason=getattr(mutation, "reason", ""),
        device_ms=None if mutation.client_id == "server" else wall,
        by_user_id=user_id,
    )


def push(statements, mutations: list[Mutation], caller: engine.Caller, now_ms: int):
    """engine.push plus the work-order requirements; returns (results, moves)."""
    relevant = [m for m in mutations if isinstance(m, TransitionWorkOrder | AssignWorkOrder)]
    if not relevant:
        return engine.push(statements, mutations, caller, now_ms), []
    refused, moves = _rehearse(statements, mutations, caller, now_ms)
    passed = [m for m in mutations if m.id not in refused]
    results = engine.push(statements, passed, caller, now_ms) if passed else []
    if not passed:
        _claim_client(statements, mutations[0].client_id, caller.user_id)
    by_id = {r.id: r for r in results}
    by_id.update(_store_refusals(statements, refused, caller, now_ms))
    statements.run(engine.ADVANCE_CLIENT, _advance_row(mutations[-1], caller, now_ms))
    applied = [move for move in moves if by_id[move.mutation_id].status == "applied"]
    return [by_id[m.id] for m in mutations], applied


def _rehearse(statements, mutations, caller, now_ms):
    ids = [m.id for m in mutations if m.entity == store.ENTITY]
    fragment, params = in_list("m", ids)
    known = {r[0] for r in statements.rows(f"SELECT id FROM sync_applied WHERE id IN {fragment}", params)}
    fresh = [m for m in mutations if m.entity == store.ENTITY and m.id not in known]
    scratch = engine.Batch(statements, caller, now_ms)
    scratch.load(fresh)
    refused: dict[str, tuple[Mutation, dict, Refusal]] = {}
    moves: list[Move] = []
    for mutation in fresh:
        before = scratch.states.get((mutation.entity, mutation.record_id))
        refusal = requirement_refusal(statements, before, mutation)
        if refusal is not None:
            refused[mutation.id] = (mutation, before, refusal)  # type: ignore[assignment]
            continue
        decision = scratch.decide(mutation)
        if decision.status == "applied" and decision.state is not None:
            move = move_of(before, decision.state, mutation, caller.user_id)
            if move is not None:
                moves.append(move)
    return refused, moves


def _store_refusals(statements, refused, caller, now_ms) -> dict[str, PushResult]:
    results, ledger, cards, changes = {}, [], [], []
    for mutation, state, refusal in refused.values():
        hlc, clamped = clamp_text(mutation.hlc, now_ms)
        attempt = Attempt(mutation, store.DECLARATION, hlc, clamped)
        status = state["fields"]["status"]
        decision = attempt.conflict(
            state, "illegal_transition", ["status"], {"status": status}, refusal.message
        )
        conflict = decision.conflict
        result = PushResult(
            id=mutation.id, status="conflict", message=refusal.message, conflict_id=conflict.id
        )
        results[mutation.id] = result
        ledger.append(_ledger_row(mutation, result, caller, now_ms))
        cards.append(_card_row(conflict, state["site_id"], caller, now_ms))
        changes.append(engine.conflict_change(conflict, state["site_id"], "open", None, now_ms))
    statements.many(engine.INSERT_APPLIED, ledger)
    statements.many(engine.INSERT_CONFLICT, cards)
    statements.many(engine.INSERT_CHANGE, changes)
    return results


def _ledger_row(mutation, result, caller, now_ms) -> dict:
    return {
        "id": mutation.id,
        "client_id": mutation.client_id,
        "user_id": caller.user_id,
        "seq": mutation.seq,
        "fingerprint": record(mutation, result).fingerprint,
        "result": msgspec.json.encode(result).decode(),
        "at_ms": now_ms,
    }


def _card_row(conflict, site_id, caller, now_ms) -> dict:
    return {
        "id": conflict.id,
        "entity": conflict.entity,
        "record_id": conflict.record_id,
        "site_id": site_id,
        "kind": conflict.kind,
        "user_id": caller.user_id,
        "body": msgspec.json.encode(conflict).decode(),
        "at_ms": now_ms,
    }


def _advance_row(last: Mutation, caller, now_ms) -> dict:
    return {
        "client_id": last.client_id,
        "user_id": caller.user_id,
        "seq": last.seq,
        "mutation_id": last.id,
        "now": now_ms,
    }


def _claim_client(statements, client_id: str, user_id: str) -> None:
    rows = statements.rows("SELECT user_id FROM sync_clients WHERE client_id = :c", {"c": client_id})
    if rows and rows[0][0] != user_id:
        raise engine.ClientTaken("This client id belongs to another user; use a new one for this login.")
