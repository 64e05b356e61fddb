"""An in-memory reference server: the push algorithm of PROTOCOL.md without a database.

The real service stores the same things in one transaction; tests, conformance vectors
and property tests use this to check the rules end to end (dedupe, merge, losers, conflicts).
"""

from typing import Any

from msgspec import Struct

from sync.declaration import Declaration
from sync.ledger import Recorded, recall, record, result_of
from sync.merge import apply_mutation, mark_author
from sync.protocol import Conflict, Loser, Mutation, PushRequest, PushResponse, PushResult


class KeptLoser(Struct, frozen=True):
    entity: str
    record_id: str
    mutation_id: str
    loser: Loser


class Replica:
    def __init__(self, declarations: dict[str, Declaration]):
        self.declarations = declarations
        self.records: dict[tuple[str, str], dict[str, Any]] = {}
        self.ledger: dict[str, Recorded] = {}
        self.conflicts: list[Conflict] = []
        self.losers: list[KeptLoser] = []
        self.clamped: list[str] = []

    def push(self, request: PushRequest, server_now_ms: int, user_id: str = "") -> PushResponse:
        # Step 2 first for the whole batch, so a reused id refuses the push before any effect.
        for mutation in request.mutations:
            recall(self.ledger.get(mutation.id), mutation)
        return PushResponse(results=[self.push_one(m, server_now_ms, user_id) for m in request.mutations])

    def push_one(self, mutation: Mutation, server_now_ms: int, user_id: str = "") -> PushResult:
        duplicate = recall(self.ledger.get(mutation.id), mutation)
        if duplicate is not None:
            return duplicate
        key = (mutation.entity, mutation.record_id)
        decision = apply_mutation(self.records.get(key), mutation,
                                  self.declarations[mutation.entity], server_now_ms)
        op = mutation.op()
        if user_id and decision.status == "applied" and op.kind == "add_event":
            mark_author(decision.state, op, user_id)  # type: ignore[arg-type]
        if decision.state is not None:
            self.records[key] = decision.state
        self.losers += [KeptLoser(*key, mutation.id, loser) for loser in decision.losers]
        if decision.conflict is not None:
            self.conflicts.append(decision.conflict)
        if decision.clamped:
            self.clamped.append(mutation.id)
        result = result_of(mutation, decision)
        self.ledger[mutation.id] = record(mutation, result)
        return result
