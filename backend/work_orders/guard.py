"""The work-order requirements inside the sync engine (issue 5, items 5-6), on the database thread.

The generic merge rules (sync/) know the status table but not what a move needs: "repaired"
needs the three photo phases, a diagnosis and the parts; "verified" the three-level
verification; "signed" a signature or refusal. `Requirements` asks
transitions.check_transition with the facts of the record at that mutation's turn, for REST
(console.py, through `ensure_requirements`) and sync pushes alike, so both refuse exactly the
same moves.

The engine's Batch calls a `Requirements` made for its records (backend/sync_api/entities.py
CHECKS) before deciding each mutation, in the one pass that decides the batch: fields and
photo events come from the batch's in-memory state, the rest (the dispatch log, signatures) is
read once per batch and only when a move needs it. A transition whose requirements are missing
at its turn becomes a conflict card for a person (PROTOCOL.md §3: never silently dropped).
Applied status moves and assignments come back as `Move`s for the lifecycle (timestamps, SLA,
notifications).
"""

from dataclasses import dataclass
from typing import Any

import msgspec

from backend.dialect import in_list
from backend.errors import Invalid
from backend.photos.events import visible_phases
from backend.work_orders import store
from backend.work_orders.registration import Notice, from_ms, register
from backend.work_orders.transitions import (
    Diagnosis,
    PartUsed,
    Refusal,
    TransitionFacts,
    Verification,
    check_transition,
)
from sync.clock import clamp_text
from sync.decision import UNSEEN, Attempt, Decision
from sync.protocol import AssignWorkOrder, Mutation, TransitionWorkOrder

# Oldest first, so the last row read per work order is the one the log shows last.
_ASSIGNEES = (
    "SELECT work_order_id, assignee_id FROM work_order_transitions WHERE work_order_id IN {ids} "
    "ORDER BY received_at, id"
)
_SIGNED = (
    "SELECT DISTINCT record_id FROM signed_records WHERE record_kind = 'work_order' AND record_id IN {ids}"
)
_STATUS = store.DECLARATION.fields["status"]


class RequirementsMissing(Invalid):
    """A REST move refused for missing evidence; `detail.missing` lists all of it (422)."""

    code = "requirements_missing"


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


class Requirements:
    """The facts provider of one batch: `check` before each work-order mutation is decided,
    `applied` after each one that was applied."""

    def __init__(self, statements, record_ids: list[str]) -> None:
        self.statements, self.record_ids = statements, record_ids
        self._loaded = False
        self.last_assignee: dict[str, str | None] = {}
        self.signed: set[str] = set()

    def _load(self) -> None:
        """What the stored record knows beyond its merge state, for every record of the batch."""
        self._loaded = True
        fragment, params = in_list("r", self.record_ids)
        # Reassignment = assign a new technician, then move to dispatched: the one to compare
        # with is whoever the log last dispatched, not the field the assign just changed.
        for record_id, assignee in self.statements.rows(_ASSIGNEES.format(ids=fragment), params):
            self.last_assignee[record_id] = assignee
        self.signed = {r[0] for r in self.statements.rows(_SIGNED.format(ids=fragment), params)}

    def facts(self, state: dict[str, Any], reason: str) -> TransitionFacts:
        if not self._loaded:
            self._load()
        fields, record_id = state["fields"], state["id"]
        diagnosis = _convert(fields.get("diagnosis"), Diagnosis)
        parts = _convert(fields.get("parts_used"), list[PartUsed])
        if diagnosis is not None and diagnosis.parts_used is None and parts is not None:
            diagnosis = msgspec.structs.replace(diagnosis, parts_used=parts)
        return TransitionFacts(
            assignee_id=fields.get("assignee"),
            previous_assignee_id=self.last_assignee.get(record_id),
            reason=reason,
            photo_phases=visible_phases(state) & {"before", "during", "after"},  # type: ignore[arg-type]
            diagnosis=diagnosis,
            verification=_convert(fields.get("verification"), Verification),
            signed_or_refusal_recorded=record_id in self.signed,
        )

    def refusal(self, state: dict[str, Any] | None, mutation: Mutation) -> Refusal | None:
        """A refusal only for a move the generic rules would apply (seen = current, legal
        target); stale and illegal moves stay the engine's own conflicts."""
        if not isinstance(mutation, TransitionWorkOrder) or state is None or state["deleted"]:
            return None
        current, target = state["fields"]["status"], mutation.to
        seen = Attempt(mutation, store.DECLARATION, mutation.hlc, False).seen("status")
        if target == current or seen is UNSEEN or seen != current:
            return None
        if target not in _STATUS.transitions.get(current, []):  # type: ignore[union-attr]
            return None
        outcome = check_transition(current, target, self.facts(state, mutation.reason))
        if isinstance(outcome, Refusal) and outcome.code == "requirements_missing":
            return outcome
        return None

    def check(self, state: dict[str, Any] | None, mutation: Mutation, now_ms: int) -> Decision | None:
        """The conflict that replaces the generic decision, or None to decide as usual."""
        refusal = self.refusal(state, mutation)
        if refusal is None or state is None:
            return None
        hlc, clamped = clamp_text(mutation.hlc, now_ms)
        attempt = Attempt(mutation, store.DECLARATION, hlc, clamped)
        current = {"status": state["fields"]["status"]}
        return attempt.conflict(state, "illegal_transition", ["status"], current, refusal.message)

    def created(self, states: list[dict[str, Any]], now_ms: int) -> tuple[dict[str, dict], list[Notice]]:
        """The registration columns of the tickets the batch creates, written by their INSERT,
        and the notices they raise (a level-1 proposal alerts the site's technicians)."""
        tickets = [
            {
                "id": state["id"],
                "site_id": state["site_id"],
                "asset_id": state.get("asset_id"),
                "severity": state["fields"].get("severity"),
                "proposed_severity": None,
                "reported_at": None,
            }
            for state in states
        ]
        rows, notices = register(self.statements, tickets, from_ms(now_ms))
        return {row["id"]: row for row in rows}, notices

    def applied(
        self, before: dict[str, Any] | None, after: dict[str, Any], mutation: Mutation, user_id: str
    ) -> Move | None:
        move = move_of(before, after, mutation, user_id)
        if move is not None:
            # The lifecycle logs this move with its assignee: later moves compare with it.
            self.last_assignee[move.work_order_id] = move.assignee
        return move


def requirement_refusal(statements, state: dict[str, Any] | None, mutation: Mutation) -> Refusal | None:
    ids = [state["id"]] if state is not None else []
    return Requirements(statements, ids).refusal(state, mutation)


def ensure_requirements(statements, state: dict[str, Any] | None, mutation: Mutation) -> None:
    refusal = requirement_refusal(statements, state, mutation)
    if refusal is not None:
        raise RequirementsMissing(refusal.message, detail={"missing": list(refusal.missing)})


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
