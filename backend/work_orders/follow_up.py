"""Follow-up visit or call after closing (回访; repair flow step 7, issue 5 item 9).

"Within N days" is read the way the client reads it: by the end of the Nth calendar day after
closing in the contract's timezone, not N×24 h from the closing minute.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Literal

import msgspec

from backend.inspections.schedule import CONTRACT_TZ
from backend.work_orders.sla import require_aware

DEFAULT_FOLLOW_UP_DAYS = 3
UNSATISFIED_AT_MOST = 2


class FollowUpWindow(msgspec.Struct, frozen=True):
    opens_at: datetime
    due_by: datetime  # exclusive: local midnight after the last allowed day


def follow_up_window(
    closed_at: datetime, days: int = DEFAULT_FOLLOW_UP_DAYS, tz: tzinfo = CONTRACT_TZ
) -> FollowUpWindow:
    require_aware(closed_at, "closed_at")
    local_day = closed_at.astimezone(tz).date()
    end = datetime.combine(local_day + timedelta(days=days + 1), time(), tzinfo=tz)
    return FollowUpWindow(opens_at=closed_at, due_by=end.astimezone(UTC))


def is_follow_up_overdue(window: FollowUpWindow, now: datetime, done_at: datetime | None) -> bool:
    return done_at is None and now >= window.due_by


FollowUpAction = Literal["none", "reopen", "new_ticket"]


def follow_up_action(satisfaction: int, same_fault: bool) -> FollowUpAction:
    """Satisfaction 1-5; ≤ 2 is unsatisfied. The same fault not really fixed reopens the
    ticket (closed → reopened, so it counts as a repeat); a different complaint is a new one."""
    if not 1 <= satisfaction <= 5:
        raise ValueError("satisfaction is rated 1 to 5")
    if satisfaction > UNSATISFIED_AT_MOST:
        return "none"
    return "reopen" if same_fault else "new_ticket"
