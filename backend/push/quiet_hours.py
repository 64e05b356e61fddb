"""Quiet hours: when routine notifications (levels 3–4) wait until morning.

Levels 1–2 are never held back (issue 8: quiet hours "never silence level 1–2"); DOMAIN.md
gives them 15–30 minutes to respond. Times are wall-clock times in the contract's time zone.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

CONTRACT_TZ = ZoneInfo("Asia/Shanghai")
HELD_SEVERITIES = frozenset({3, 4})


def parse_hhmm(text: str) -> time:
    """'22:30' -> time(22, 30); ValueError for anything else."""
    hours, sep, minutes = text.partition(":")
    if not (sep and len(hours) == 2 and len(minutes) == 2 and hours.isdigit() and minutes.isdigit()):
        raise ValueError(f"{text!r} is not HH:MM")
    return time(int(hours), int(minutes))


def quiet_until(
    now: datetime, start: str | None, end: str | None, tz: ZoneInfo = CONTRACT_TZ
) -> datetime | None:
    """The aware instant quiet hours end if `now` falls inside them, else None.

    A window may wrap midnight (22:00–07:00); start == end means no quiet hours.
    """
    if not start or not end or start == end:
        return None
    begins, ends = parse_hhmm(start), parse_hhmm(end)
    local = now.astimezone(tz)
    clock = local.time().replace(second=0, microsecond=0)
    wraps = begins > ends
    inside = (begins <= clock or clock < ends) if wraps else (begins <= clock < ends)
    if not inside:
        return None
    day = local.date() + timedelta(days=1 if wraps and clock >= begins else 0)
    return datetime.combine(day, ends, tzinfo=tz).astimezone(now.tzinfo)


def release_time(
    now: datetime, severity: int, start: str | None, end: str | None, tz: ZoneInfo = CONTRACT_TZ
) -> datetime:
    """When a notification of this severity may go out."""
    if severity not in HELD_SEVERITIES:
        return now
    return quiet_until(now, start, end, tz) or now
