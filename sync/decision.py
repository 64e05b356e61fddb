"""What the merge engine decides about one mutation, and the context it decides in."""

from typing import Any, Literal

from msgspec import Struct

from sync.declaration import Declaration
from sync.protocol import Base, Conflict, ConflictKind, Loser, Mutation, Op

# Marks "the user's base did not mention this field"; never equal to any stored value.
UNSEEN: Any = object()


class Decision(Struct, frozen=True, kw_only=True):
    """The outcome of one mutation: the record after it and anything a person must see.

    On a conflict or rejection `state` is the record unchanged.
    """

    status: Literal["applied", "conflict", "rejected"]
    state: dict[str, Any] | None
    hlc: str
    clamped: bool = False
    changed: list[str] = []
    losers: list[Loser] = []
    conflict: Conflict | None = None
    message: str | None = None


def _by_field(loser: Loser) -> tuple[str, str]:
    return (loser.field, loser.hlc or "")


class Attempt:
    """One mutation being decided: its generic operation and its effective (clamped) clock."""

    def __init__(self, mutation: Mutation, declaration: Declaration, hlc: str, clamped: bool):
        self.mutation = mutation
        self.declaration = declaration
        self.op: Op = mutation.op()
        self.hlc = hlc
        self.clamped = clamped

    def seen(self, field: str) -> Any:
        base: Base = self.mutation.base
        if field == "status" and base.status is not None:
            return base.status
        return base.values.get(field, UNSEEN)

    def applied(self, state: dict[str, Any], changed: list[str], losers: list[Loser]) -> Decision:
        if changed:
            state["version"] += 1
        # Sorted so that every implementation reports the same lists (conformance vectors).
        return Decision(status="applied", state=state, hlc=self.hlc, clamped=self.clamped,
                        changed=sorted(changed), losers=sorted(losers, key=_by_field))

    def rejected(self, state: dict[str, Any] | None, message: str) -> Decision:
        return Decision(status="rejected", state=state, hlc=self.hlc, clamped=self.clamped,
                        message=message)

    def conflict(self, state: dict[str, Any], kind: ConflictKind, fields: list[str],
                 current: dict[str, Any], message: str) -> Decision:
        mutation = self.mutation
        seen = {f: v for f in fields if (v := self.seen(f)) is not UNSEEN}
        record = Conflict(
            id=mutation.id, kind=kind, entity=mutation.entity, record_id=mutation.record_id,
            mutation_id=mutation.id, client_id=mutation.client_id, hlc=self.hlc, fields=fields,
            current=current, proposed=self.proposal(), seen=seen, message=message,
        )
        return Decision(status="conflict", state=state, hlc=self.hlc, clamped=self.clamped,
                        conflict=record, message=message)

    def touched(self) -> list[str]:
        op = self.op
        if op.kind in ("create", "set"):
            return list(op.values)
        if op.kind == "delete":
            return ["deleted"]
        return [op.field or ""]

    def proposal(self) -> dict[str, Any]:
        op = self.op
        match op.kind:
            case "create" | "set":
                return dict(op.values)
            case "move":
                return {op.field: op.to}
            case "add_event":
                return {op.field: {"add": op.event_id, **(op.data or {})}}
            case "remove_event":
                return {op.field: {"remove": op.event_id}}
        return {"deleted": True}
