"""Which timestamp of an offline phone the server can vouch for (issue 5, item 5).

A phone records when the technician accepted or repaired while it had no signal. Its clock
may be wrong, so its time is used for SLA compliance only inside the interval the server can
vouch for: not before the previous event the server already knew, not after the server
received it. Outside, the time is clamped to the nearer bound and flagged, never "repaired"
by an administrator later.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from backend.work_orders.sla import require_aware


class TrustedTime(NamedTuple):
    at: datetime
    clamped: bool


def trusted_event_time(
    device_time: datetime | None, previous_server_known_time: datetime, received_at: datetime
) -> TrustedTime:
    """For a batch of offline events, apply in order and pass each result as the next lower
    bound: once accepted, an event is server-known, and a later event cannot precede it."""
    require_aware(previous_server_known_time, "previous_server_known_time")
    require_aware(received_at, "received_at")
    if device_time is None:
        return TrustedTime(received_at, True)
    require_aware(device_time, "device_time")
    if device_time < previous_server_known_time:
        return TrustedTime(previous_server_known_time, True)
    if device_time > received_at:
        return TrustedTime(received_at, True)
    return TrustedTime(device_time, False)
