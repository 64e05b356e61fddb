"""Login throttling: a sliding window of recent failures per key (account, client address).

Kept in process memory: a restart forgives recent failures, which is acceptable for a
single-process deployment; several processes would each count their own share.
"""

import math
from collections import defaultdict, deque


def retry_after(failures: deque[float], now: float, limit: int, window: float) -> int | None:
    """Seconds until another attempt is allowed, or None if one is allowed now."""
    while failures and failures[0] <= now - window:
        failures.popleft()
    if len(failures) < limit:
        return None
    return max(1, math.ceil(failures[0] + window - now))


class LoginThrottle:
    def __init__(self, per_account: int, per_address: int, window: float) -> None:
        self._limits = {"account": per_account, "address": per_address}
        self._window = window
        self._failures: dict[tuple[str, str], deque[float]] = defaultdict(deque)

    def wait_seconds(self, account: str, address: str, now: float) -> int | None:
        waits = [
            retry_after(self._failures[(kind, key)], now, self._limits[kind], self._window)
            for kind, key in (("account", account), ("address", address))
        ]
        return max((w for w in waits if w is not None), default=None)

    def record_failure(self, account: str, address: str, now: float) -> None:
        self._failures[("account", account)].append(now)
        self._failures[("address", address)].append(now)

    def record_success(self, account: str) -> None:
        self._failures.pop(("account", account), None)


class AddressLimit:
    """At most `limit` requests per client address in a sliding window: for public routes that
    cost real work per call (the verify page re-hashes the signed files)."""

    def __init__(self, limit: int, window: float) -> None:
        self._limit, self._window = limit, window
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def take(self, address: str, now: float) -> int | None:
        """Count one request; the seconds to wait instead when the address is over its limit."""
        seen = self._seen[address]
        wait = retry_after(seen, now, self._limit, self._window)
        if wait is None:
            seen.append(now)
        return wait
