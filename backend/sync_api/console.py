"""Console writes (REST) go through the same engine as phone mutations.

A REST call becomes a server-made mutation, decided by the same rules and stored by the same
code; only the framing differs: the dispatcher acts on the live record, so the server fills
`base` with what is current and gives the mutation a clock after every clock it has seen, and
a refusal is an HTTP error (nothing stored) instead of a conflict card.
"""

import threading
from typing import Any

import msgspec

from backend.errors import Conflict, Invalid, NotFound
from backend.sync_api.engine import Batch, Caller
from backend.work_orders import guard
from sync.clock import Hlc, parse, receive, tick
from sync.decision import Decision
from sync.protocol import Base, Mutation

SERVER_NODE = "server"


class ServerClock:
    """The server's own HLC: ticks per write and never runs behind a clock it has stored."""

    def __init__(self) -> None:
        self.last = Hlc(0, 0, SERVER_NODE)
        self.lock = threading.Lock()

    def next(self, now_ms: int, seen: list[str]) -> str:
        with self.lock:
            local = tick(self.last, now_ms)
            if seen:
                local = receive(local, parse(max(seen)), now_ms)
            self.last = local
            return local.encode()


CLOCK = ServerClock()


def console_mutation(mutation: Mutation, state: dict[str, Any] | None, now_ms: int) -> Mutation:
    base = mutation.base
    values, status = dict(base.values), base.status
    seen: list[str] = []
    if state is not None:
        seen = list(state["clocks"].values())
        op, fields = mutation.op(), state["fields"]
        touched = [op.field] if op.kind == "move" else list(op.values) if op.kind == "set" else []
        for name in touched:
            if name == "status" and status is None:
                status = fields["status"]
            elif name != "status" and name not in values:
                values[name] = fields.get(name)
    return msgspec.structs.replace(
        mutation,
        hlc=CLOCK.next(now_ms, seen),
        base=Base(version=base.version, status=status, values=values),
    )


def apply_console(
    statements, mutation: Mutation, caller: Caller, now_ms: int, moves: list | None = None
) -> dict[str, Any]:
    """Decide and store one console mutation; the record after it, or a DomainError.
    An applied work-order status move or assignment is appended to `moves` (lifecycle)."""
    batch = Batch(statements, caller, now_ms)
    batch.load([mutation])
    key = (mutation.entity, mutation.record_id)
    before = batch.states.get(key)
    mutation = console_mutation(mutation, before, now_ms)
    guard.ensure_requirements(statements, before, mutation)
    decision = batch.decide(mutation)
    refuse(decision)
    batch.write()
    move = guard.move_of(before, batch.states[key], mutation, caller.user_id)
    if move is not None and moves is not None:
        moves.append(move)
    return batch.states[key]


def refuse(decision: Decision) -> None:
    """The HTTP form of a decision that was not applied (the transaction is rolled back)."""
    message = decision.message or "not applied"
    if decision.status == "rejected":
        if message.startswith("no "):
            raise NotFound(message[0].upper() + message[1:] + ".")
        raise Invalid(message, code="rejected")
    if decision.status == "conflict" and decision.conflict is not None:
        raise Conflict(message, detail=msgspec.to_builtins(decision.conflict), code=decision.conflict.kind)
