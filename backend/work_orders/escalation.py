"""The SLA clock: warnings, tiered escalation, breach flags and urgency (issue 5, item 8).

Everything is computed from an injected ``now`` and the keys of events already emitted, so
the scheduler can run every minute, in several processes, or after an outage and still
emit each event exactly once (the service stores the keys under a unique constraint).

Rules:
- Windows respond / on_site / repair all run from ``reported_at`` (the documents count
  "1 h on site" from the report). A window with no deadline ("as planned") has no clock.
- The current handler is warned at 80 % of each window still unmet, as long as its deadline
  has not passed yet (after that the escalation says more than a late warning would).
- Each deadline passing unmet raises the ticket one tier: 1 on-site lead, 2 regional
  engineers, 3 vendor / HQ experts. A ticket still unrepaired keeps climbing one tier per
  further repair window, so a fault that only misses its repair deadline still reaches
  tier 3 instead of idling at tier 1.
- A ticket that is no longer open (resolved, closed, cancelled) has a stopped clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

import msgspec

from backend.work_orders.sla import Deadlines, require_aware
from backend.work_orders.transitions import OPEN_STATUSES, Status

WARNING_FRACTION = 0.8
TOP_TIER = 3
TIER_RECIPIENTS = {1: "on_site_lead", 2: "regional_engineers", 3: "vendor_experts"}


class Window(StrEnum):
    RESPOND = "respond"
    ON_SITE = "on_site"
    REPAIR = "repair"


class TicketSnapshot(msgspec.Struct, frozen=True):
    """Milestone times are trusted times (see device_time.py); None = not reached yet."""

    id: str
    severity: int
    status: Status
    reported_at: datetime
    deadlines: Deadlines
    handler_id: str | None = None
    responded_at: datetime | None = None
    arrived_at: datetime | None = None
    resolved_at: datetime | None = None
    emitted: frozenset[str] = frozenset()


class SlaWarning(msgspec.Struct, frozen=True, tag="sla_warning"):
    key: str
    ticket_id: str
    window: Window
    due_at: datetime
    deadline: datetime
    recipient_id: str | None  # None: nobody assigned yet, the service desk gets it


class SlaEscalation(msgspec.Struct, frozen=True, tag="sla_escalation"):
    key: str
    ticket_id: str
    tier: int
    window: Window
    due_at: datetime
    recipient_role: str


Event = SlaWarning | SlaEscalation


class _Clock(msgspec.Struct, frozen=True):
    window: Window
    deadline: datetime
    met_at: datetime | None


def _earliest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return min(known) if known else None


def _clocks(ticket: TicketSnapshot) -> list[_Clock]:
    # A later milestone also satisfies an earlier window: a remote fix answers the report
    # and makes the visit moot.
    d, t = ticket.deadlines, ticket
    candidates = [
        (Window.RESPOND, d.respond_by, _earliest(t.responded_at, t.arrived_at, t.resolved_at)),
        (Window.ON_SITE, d.on_site_by, _earliest(t.arrived_at, t.resolved_at)),
        (Window.REPAIR, d.repaired_by, t.resolved_at),
    ]
    return [_Clock(w, deadline, met) for w, deadline, met in candidates if deadline is not None]


def _breached_by(clock: _Clock) -> bool:
    return clock.met_at is None or clock.met_at > clock.deadline


def escalation_steps(ticket: TicketSnapshot) -> list[tuple[datetime, Window]]:
    """The instants at which tiers 1..3 fall due, in order, whether or not they are past."""
    clocks = _clocks(ticket)
    steps = sorted((c.deadline, c.window) for c in clocks if _breached_by(c))
    repair = next((c for c in clocks if c.window is Window.REPAIR), None)
    if repair is not None and _breached_by(repair):
        length = repair.deadline - ticket.reported_at
        extra = 1
        while len(steps) < TOP_TIER:
            at = repair.deadline + extra * length
            if repair.met_at is not None and at >= repair.met_at:
                break
            steps.append((at, Window.REPAIR))
            extra += 1
    return sorted(steps)[:TOP_TIER]


def _warning_events(ticket: TicketSnapshot, now: datetime) -> list[Event]:
    events: list[Event] = []
    for clock in _clocks(ticket):
        due_at = ticket.reported_at + (clock.deadline - ticket.reported_at) * WARNING_FRACTION
        key = f"{ticket.id}:warning:{clock.window}"
        if clock.met_at is None and due_at <= now < clock.deadline and key not in ticket.emitted:
            events.append(SlaWarning(key, ticket.id, clock.window, due_at, clock.deadline, ticket.handler_id))
    return events


def _escalation_events(ticket: TicketSnapshot, now: datetime) -> list[Event]:
    events: list[Event] = []
    for tier, (due_at, window) in enumerate(escalation_steps(ticket), start=1):
        key = f"{ticket.id}:escalation:{tier}"
        if due_at <= now and key not in ticket.emitted:
            events.append(SlaEscalation(key, ticket.id, tier, window, due_at, TIER_RECIPIENTS[tier]))
    return events


def sla_events_due(ticket: TicketSnapshot, now: datetime) -> list[Event]:
    require_aware(now, "now")
    if ticket.status not in OPEN_STATUSES:
        return []
    events = _warning_events(ticket, now) + _escalation_events(ticket, now)
    return sorted(events, key=lambda e: (e.due_at, e.key))


def escalation_tier(ticket: TicketSnapshot, now: datetime) -> int:
    return sum(1 for due_at, _ in escalation_steps(ticket) if due_at <= now)


WindowState = Literal["met", "breached", "pending"]


class WindowStatus(msgspec.Struct, frozen=True):
    window: Window
    deadline: datetime
    state: WindowState
    remaining: timedelta  # negative once overdue; the board shows it as a countdown


class SlaBoardFlags(msgspec.Struct, frozen=True):
    windows: list[WindowStatus]
    breached: bool
    compliant: bool  # every clocked window met in time (a still-pending one is not compliant)


def _window_state(clock: _Clock, now: datetime) -> WindowState:
    if clock.met_at is not None:
        return "met" if clock.met_at <= clock.deadline else "breached"
    return "breached" if now >= clock.deadline else "pending"


def sla_flags(ticket: TicketSnapshot, now: datetime) -> SlaBoardFlags:
    require_aware(now, "now")
    windows = [
        WindowStatus(c.window, c.deadline, _window_state(c, now), c.deadline - now) for c in _clocks(ticket)
    ]
    return SlaBoardFlags(
        windows=windows,
        breached=any(w.state == "breached" for w in windows),
        compliant=all(w.state == "met" for w in windows),
    )


def urgency_key(ticket: TicketSnapshot, now: datetime) -> tuple:
    """Sort key for the dispatcher board: the nearest unmet deadline first (overdue ones are
    in the past, so the most overdue leads), then graver severity, then older report.
    Tickets with no running clock come last."""
    pending = [c.deadline for c in _clocks(ticket) if c.met_at is None]
    has_clock = ticket.status in OPEN_STATUSES and bool(pending)
    # Without a clock the second element only orders clock-less tickets among themselves.
    next_deadline = min(pending) if has_clock else ticket.reported_at
    return (not has_clock, next_deadline, ticket.severity, ticket.reported_at, ticket.id)
