"""The work-order status machine: one table, used by REST handlers and sync mutations alike.

Happy path (DOMAIN.md, "The repair flow"):

    reported → dispatched → accepted → en_route → on_site → repaired → verified → signed → closed
                      ╰──────────┴──────────┴→ remote_resolved → verified

Decisions, so that REST and sync refuse exactly the same moves:

- ``escalated`` is NOT a status. Escalation is orthogonal to progress: an escalated ticket
  still has to be accepted, travelled to and repaired. As a status it would hide where the work
  stood and need a copy of every outgoing move. The SLA clock records it as events and an
  ``escalation_tier`` (0-3) on the ticket (see ``escalation.py``).
- ``reassigned`` is NOT a status either: reassignment is the move "→ dispatched" with a new
  assignee from any pre-repair state (dispatched→dispatched included). The new technician
  must accept again; the transition log keeps who had it before.
- ``remote_resolved`` (repair flow step 2, remote diagnosis first) is legal from reported,
  reopened, dispatched, accepted and en_route, but not from on_site: once someone stands at
  the device the fix is an on-site repair and needs its three photos.
- ``cancelled`` (with a reason) from any state before work is recorded. After a repair the
  work happened and is evidence, so such a ticket is closed, never cancelled. Terminal: a
  recurrence of a cancelled fault is a new ticket.
- ``reopened`` only from closed (follow-up dissatisfaction or the fault came back). It waits
  for dispatch like ``reported`` but stays distinguishable for repeat-fault statistics.
- Rework: repaired → on_site when verification fails; remote_resolved → dispatched when the
  remote fix did not hold and someone must go.
- accepted → on_site skips en_route for resident (驻场) technicians who are already there.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Literal

import msgspec


class Status(StrEnum):
    REPORTED = "reported"
    DISPATCHED = "dispatched"
    ACCEPTED = "accepted"
    EN_ROUTE = "en_route"
    ON_SITE = "on_site"
    REMOTE_RESOLVED = "remote_resolved"
    REPAIRED = "repaired"
    VERIFIED = "verified"
    SIGNED = "signed"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    REOPENED = "reopened"


S = Status
_BEFORE_WORK = (S.REPORTED, S.REOPENED, S.DISPATCHED, S.ACCEPTED, S.EN_ROUTE, S.ON_SITE)

TRANSITIONS: Mapping[Status, frozenset[Status]] = MappingProxyType(
    {
        S.REPORTED: frozenset({S.DISPATCHED, S.REMOTE_RESOLVED, S.CANCELLED}),
        S.REOPENED: frozenset({S.DISPATCHED, S.REMOTE_RESOLVED, S.CANCELLED}),
        S.DISPATCHED: frozenset({S.DISPATCHED, S.ACCEPTED, S.REMOTE_RESOLVED, S.CANCELLED}),
        S.ACCEPTED: frozenset({S.DISPATCHED, S.EN_ROUTE, S.ON_SITE, S.REMOTE_RESOLVED, S.CANCELLED}),
        S.EN_ROUTE: frozenset({S.DISPATCHED, S.ON_SITE, S.REMOTE_RESOLVED, S.CANCELLED}),
        S.ON_SITE: frozenset({S.DISPATCHED, S.REPAIRED, S.CANCELLED}),
        S.REMOTE_RESOLVED: frozenset({S.VERIFIED, S.DISPATCHED}),
        S.REPAIRED: frozenset({S.VERIFIED, S.ON_SITE}),
        S.VERIFIED: frozenset({S.SIGNED}),
        S.SIGNED: frozenset({S.CLOSED}),
        S.CLOSED: frozenset({S.REOPENED}),
        S.CANCELLED: frozenset(),
    }
)

OPEN_STATUSES = frozenset(_BEFORE_WORK)
RESOLVED_STATUSES = frozenset({S.REMOTE_RESOLVED, S.REPAIRED, S.VERIFIED, S.SIGNED, S.CLOSED})
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED})


def transition_table() -> dict[str, list[str]]:
    """The table as plain JSON-able data, for the sync engine's entity declaration."""
    return {str(state): sorted(str(t) for t in targets) for state, targets in TRANSITIONS.items()}


PhotoPhase = Literal["before", "during", "after"]
PHOTO_PHASES: tuple[PhotoPhase, ...] = ("before", "during", "after")


class CauseCategory(StrEnum):
    EXTERNAL_POWER = "external_power"
    EXTERNAL_FIBRE = "external_fibre"
    EXTERNAL_CABLE = "external_cable"
    EXTERNAL_GROUNDING = "external_grounding"
    EXTERNAL_ENVIRONMENT = "external_environment"
    MISOPERATION = "misoperation"
    AGEING_DAMAGE = "ageing_damage"
    SOFTWARE = "software"


class PartUsed(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    item: str  # catalogue item or the spare's unique code
    quantity: int = 1


class Diagnosis(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    cause: CauseCategory
    findings: str
    actions: str
    # None = not stated; [] = stated "no parts used". Only the first may be refused.
    parts_used: list[PartUsed] | None = None


AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class Verification(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Three levels (repair flow step 5): self-check, functional test, stable ≥ 30 minutes."""

    self_check_in_range: bool
    functional_test_passed: bool
    stable_from: AwareDatetime | None = None
    stable_until: AwareDatetime | None = None


STABLE_FOR = timedelta(minutes=30)


class TransitionFacts(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What the caller knows about the ticket at the moment of the move."""

    assignee_id: str | None = None
    previous_assignee_id: str | None = None
    reason: str = ""
    photo_phases: frozenset[PhotoPhase] = frozenset()
    diagnosis: Diagnosis | None = None
    verification: Verification | None = None
    signed_or_refusal_recorded: bool = False


class Allowed(msgspec.Struct, frozen=True, tag=True):
    pass


class Refusal(msgspec.Struct, frozen=True, tag=True):
    """``code`` is stable for clients; ``missing`` lists every unmet requirement at once."""

    code: Literal["illegal_transition", "requirements_missing"]
    message: str
    missing: tuple[str, ...] = ()


ALLOWED = Allowed()


def check_transition(
    current: Status | str, target: Status | str, facts: TransitionFacts
) -> Allowed | Refusal:
    current, target = Status(current), Status(target)
    if target not in TRANSITIONS[current]:
        return Refusal(
            code="illegal_transition",
            message=f"A work order cannot go from {current} to {target}.",
        )
    missing = _missing_requirements(current, target, facts)
    if missing:
        return Refusal(
            code="requirements_missing",
            message=f"Cannot mark {target}: missing " + ", ".join(missing) + ".",
            missing=tuple(missing),
        )
    return ALLOWED


def _missing_requirements(current: Status, target: Status, facts: TransitionFacts) -> list[str]:
    match target:
        case S.DISPATCHED:
            return _dispatch_requirements(current, facts)
        case S.CANCELLED | S.REOPENED:
            return [] if facts.reason.strip() else ["reason"]
        case S.REMOTE_RESOLVED:
            return _diagnosis_requirements(facts.diagnosis, need_parts=False)
        case S.REPAIRED:
            photos = [f"photo.{p}" for p in PHOTO_PHASES if p not in facts.photo_phases]
            return photos + _diagnosis_requirements(facts.diagnosis, need_parts=True)
        case S.VERIFIED:
            return _verification_requirements(facts.verification)
        case S.SIGNED:
            return [] if facts.signed_or_refusal_recorded else ["signature_or_refusal"]
        case S.ON_SITE if current is S.REPAIRED:
            return [] if facts.reason.strip() else ["reason"]  # why verification failed
    return []


def _dispatch_requirements(current: Status, facts: TransitionFacts) -> list[str]:
    if not facts.assignee_id:
        return ["assignee"]
    reassigning = current not in (S.REPORTED, S.REOPENED)
    if reassigning and facts.assignee_id == facts.previous_assignee_id:
        return ["different_assignee"]
    return []


def _diagnosis_requirements(diagnosis: Diagnosis | None, *, need_parts: bool) -> list[str]:
    if diagnosis is None:
        return ["diagnosis"]
    missing = []
    if not diagnosis.findings.strip():
        missing.append("diagnosis.findings")
    if not diagnosis.actions.strip():
        missing.append("diagnosis.actions")
    if need_parts and diagnosis.parts_used is None:
        missing.append("diagnosis.parts_used")
    return missing


def _verification_requirements(verification: Verification | None) -> list[str]:
    if verification is None:
        return ["verification"]
    missing = []
    if not verification.self_check_in_range:
        missing.append("verification.self_check")
    if not verification.functional_test_passed:
        missing.append("verification.functional_test")
    start, end = verification.stable_from, verification.stable_until
    if start is None or end is None or end - start < STABLE_FOR:
        missing.append("verification.stable_30_minutes")
    return missing
