"""Idempotency: what the server remembers about each mutation id it has decided.

Spec (PROTOCOL.md, "Push" steps 2 and 4): an id seen before with the same body gets its
stored result back as `duplicate`; with a different body the whole push is refused (422).
"""

from msgspec import Struct

from sync.decision import Decision
from sync.protocol import IdReusedError, Mutation, PushResult, fingerprint


class Recorded(Struct, frozen=True):
    fingerprint: str
    result: PushResult


def recall(recorded: Recorded | None, mutation: Mutation) -> PushResult | None:
    """The duplicate answer for an id already decided, or None if the id is new."""
    if recorded is None:
        return None
    if recorded.fingerprint != fingerprint(mutation):
        raise IdReusedError(f"mutation id {mutation.id} was already used for a different body")
    first = recorded.result
    return PushResult(id=first.id, status="duplicate", message=first.message,
                      conflict_id=first.conflict_id, original_status=first.status)


def result_of(mutation: Mutation, decision: Decision) -> PushResult:
    conflict_id = decision.conflict.id if decision.conflict else None
    message = decision.message
    if decision.status == "applied" and decision.losers:
        lost = ", ".join(sorted({loser.field for loser in decision.losers}))
        message = f"applied; older values kept as losers: {lost}"
    return PushResult(id=mutation.id, status=decision.status, message=message,
                      conflict_id=conflict_id)


def record(mutation: Mutation, result: PushResult) -> Recorded:
    return Recorded(fingerprint=fingerprint(mutation), result=result)
