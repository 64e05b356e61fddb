from datetime import UTC, datetime, timedelta

import msgspec

from backend.work_orders.escalation import (
    SlaEscalation,
    SlaWarning,
    TicketSnapshot,
    Window,
    escalation_tier,
    sla_events_due,
    sla_flags,
    urgency_key,
)
from backend.work_orders.sla import DEFAULT_POLICY, deadlines
from backend.work_orders.transitions import Status

REPORTED = datetime(2027, 8, 2, 1, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
TICK = timedelta(microseconds=1)


def ticket(severity=1, area="urban", **changes) -> TicketSnapshot:
    """A level-1 urban ticket: respond by +15 min, on site by +60, repaired by +120."""
    base = TicketSnapshot(
        id="wo-1",
        severity=severity,
        status=Status.DISPATCHED,
        reported_at=REPORTED,
        deadlines=deadlines(DEFAULT_POLICY, severity, area, REPORTED),
        handler_id="tech-7",
    )
    return msgspec.structs.replace(base, **changes)


def keys(events) -> list[str]:
    return [event.key for event in events]


def test_nothing_is_due_just_before_the_respond_warning():
    assert sla_events_due(ticket(), REPORTED + 12 * MIN - TICK) == []


def test_the_handler_is_warned_at_80_percent_of_the_respond_window():
    events = sla_events_due(ticket(), REPORTED + 12 * MIN)
    assert events == [
        SlaWarning(
            key="wo-1:warning:respond",
            ticket_id="wo-1",
            window=Window.RESPOND,
            due_at=REPORTED + 12 * MIN,
            deadline=REPORTED + 15 * MIN,
            recipient_id="tech-7",
        )
    ]


def test_no_escalation_just_before_the_deadline_and_tier_1_exactly_at_it():
    warned = ticket(emitted=frozenset({"wo-1:warning:respond"}))
    assert sla_events_due(warned, REPORTED + 15 * MIN - TICK) == []
    assert sla_events_due(warned, REPORTED + 15 * MIN) == [
        SlaEscalation(
            key="wo-1:escalation:1",
            ticket_id="wo-1",
            tier=1,
            window=Window.RESPOND,
            due_at=REPORTED + 15 * MIN,
            recipient_role="on_site_lead",
        )
    ]


def test_events_already_emitted_are_never_emitted_again():
    for now in (REPORTED + 13 * MIN, REPORTED + 15 * MIN, REPORTED + 61 * MIN):
        first = sla_events_due(ticket(), now)
        assert first, "each instant has something due for a fresh ticket"
        assert sla_events_due(ticket(emitted=frozenset(keys(first))), now) == []


def _run_scheduler(snapshot: TicketSnapshot, until: timedelta, step=MIN) -> dict[str, datetime]:
    """Drive the clock minute by minute, feeding emitted keys back like the service would."""
    emitted: dict[str, datetime] = {}
    now = REPORTED
    while now <= REPORTED + until:
        current = msgspec.structs.replace(snapshot, emitted=frozenset(emitted))
        for event in sla_events_due(current, now):
            assert event.key not in emitted
            emitted[event.key] = now
        now += step
    return emitted


def test_an_ignored_level_1_ticket_climbs_one_tier_per_missed_deadline():
    emitted = _run_scheduler(ticket(), until=timedelta(hours=8))
    assert emitted == {
        "wo-1:warning:respond": REPORTED + 12 * MIN,
        "wo-1:escalation:1": REPORTED + 15 * MIN,
        "wo-1:warning:on_site": REPORTED + 48 * MIN,
        "wo-1:escalation:2": REPORTED + 60 * MIN,
        "wo-1:warning:repair": REPORTED + 96 * MIN,
        "wo-1:escalation:3": REPORTED + 120 * MIN,
    }


def test_a_ticket_that_only_misses_its_repair_deadline_keeps_climbing_per_repair_window():
    on_time = ticket(responded_at=REPORTED + 5 * MIN, arrived_at=REPORTED + 40 * MIN)
    emitted = _run_scheduler(on_time, until=timedelta(hours=8))
    assert {k: v for k, v in emitted.items() if "escalation" in k} == {
        "wo-1:escalation:1": REPORTED + 120 * MIN,
        "wo-1:escalation:2": REPORTED + 240 * MIN,
        "wo-1:escalation:3": REPORTED + 360 * MIN,
    }
    assert "wo-1:warning:respond" not in emitted
    assert "wo-1:warning:on_site" not in emitted


def test_a_scheduler_back_from_an_outage_emits_every_missed_tier_once_but_no_stale_warning():
    events = sla_events_due(ticket(), REPORTED + 3 * timedelta(hours=1))
    assert keys(events) == ["wo-1:escalation:1", "wo-1:escalation:2", "wo-1:escalation:3"]
    assert [e.tier for e in events if isinstance(e, SlaEscalation)] == [1, 2, 3]


def test_a_resolved_or_cancelled_ticket_has_a_stopped_clock():
    late = REPORTED + timedelta(hours=5)
    for status in (Status.REPAIRED, Status.REMOTE_RESOLVED, Status.CLOSED, Status.CANCELLED):
        assert sla_events_due(ticket(status=status), late) == []


def test_an_as_planned_window_has_no_clock():
    level_4 = ticket(severity=4)
    events = sla_events_due(level_4, REPORTED + timedelta(days=30))
    assert keys(events) == ["wo-1:escalation:1"]  # respond missed; no visit or repair clock
    assert escalation_tier(level_4, REPORTED + timedelta(days=30)) == 1


def test_an_unassigned_ticket_warns_the_service_desk():
    unassigned = ticket(status=Status.REPORTED, handler_id=None)
    (warning,) = sla_events_due(unassigned, REPORTED + 12 * MIN)
    assert isinstance(warning, SlaWarning) and warning.recipient_id is None


def test_board_flags_show_met_pending_and_breached_windows():
    snapshot = ticket(responded_at=REPORTED + 20 * MIN)
    flags = sla_flags(snapshot, REPORTED + 30 * MIN)
    states = {w.window: w.state for w in flags.windows}
    assert states == {"respond": "breached", "on_site": "pending", "repair": "pending"}
    assert flags.breached and not flags.compliant
    on_site = next(w for w in flags.windows if w.window == "on_site")
    assert on_site.remaining == 30 * MIN


def test_a_ticket_that_met_every_window_is_compliant():
    done = ticket(
        status=Status.CLOSED,
        responded_at=REPORTED + 10 * MIN,
        arrived_at=REPORTED + 50 * MIN,
        resolved_at=REPORTED + 110 * MIN,
    )
    flags = sla_flags(done, REPORTED + timedelta(days=2))
    assert flags.compliant and not flags.breached


def test_a_remote_fix_satisfies_the_respond_and_on_site_windows():
    remote = ticket(status=Status.REMOTE_RESOLVED, resolved_at=REPORTED + 10 * MIN)
    assert sla_flags(remote, REPORTED + timedelta(hours=3)).compliant


def test_the_board_sorts_overdue_first_then_nearest_deadline_then_severity():
    now = REPORTED + 20 * MIN
    overdue = ticket(id="overdue")
    soon = ticket(id="soon", responded_at=REPORTED + 5 * MIN)
    level_3 = ticket(id="level-3", severity=3, responded_at=REPORTED + 5 * MIN)
    resolved = ticket(id="resolved", status=Status.REPAIRED, resolved_at=REPORTED + 9 * MIN)
    board = sorted([resolved, level_3, soon, overdue], key=lambda t: urgency_key(t, now))
    assert [t.id for t in board] == ["overdue", "soon", "level-3", "resolved"]
