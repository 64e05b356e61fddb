"""Hybrid logical clock: wall milliseconds, a counter for events in the same millisecond,
and the node (the client id) as the final tie-breaker (Kulkarni et al., 2014).

The text form is fixed-width so that comparing two strings orders them exactly like the
clock values; the server, the database and the JavaScript client all compare the text.
"""

import re
from typing import NamedTuple

WALL_DIGITS = 15
COUNTER_DIGITS = 5
MAX_COUNTER = 10**COUNTER_DIGITS - 1
HLC_PATTERN = r"^\d{15}:\d{5}:[0-9A-Za-z_.-]{1,64}$"
MAX_AHEAD_MS = 60_000

_HLC_RE = re.compile(HLC_PATTERN)


class ClockError(ValueError):
    """A clock text that does not follow the HLC encoding."""


class Hlc(NamedTuple):
    # Field order matters: tuple ordering must equal the ordering of the encoded text.
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        return f"{self.wall_ms:0{WALL_DIGITS}d}:{self.counter:0{COUNTER_DIGITS}d}:{self.node}"


def parse(text: str) -> Hlc:
    if not _HLC_RE.match(text):
        raise ClockError(f"not an HLC timestamp: {text!r}")
    wall, counter, node = text.split(":", 2)
    return Hlc(int(wall), int(counter), node)


def _bounded(wall_ms: int, counter: int, node: str) -> Hlc:
    # A counter overflow borrows the next millisecond rather than breaking the fixed width.
    if counter > MAX_COUNTER:
        return Hlc(wall_ms + 1, 0, node)
    return Hlc(wall_ms, counter, node)


def tick(local: Hlc, now_ms: int) -> Hlc:
    """The clock for a new local event: never earlier than any event this node has seen."""
    if now_ms > local.wall_ms:
        return Hlc(now_ms, 0, local.node)
    return _bounded(local.wall_ms, local.counter + 1, local.node)


def receive(local: Hlc, remote: Hlc, now_ms: int) -> Hlc:
    """Merge a clock seen in a message so the next local event orders after it."""
    wall = max(local.wall_ms, remote.wall_ms, now_ms)
    if wall == local.wall_ms == remote.wall_ms:
        counter = max(local.counter, remote.counter) + 1
    elif wall == local.wall_ms:
        counter = local.counter + 1
    elif wall == remote.wall_ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return _bounded(wall, counter, local.node)


def compare(a: str | Hlc, b: str | Hlc) -> int:
    left = parse(a) if isinstance(a, str) else a
    right = parse(b) if isinstance(b, str) else b
    return (left > right) - (left < right)


def clamp(remote: Hlc, server_now_ms: int, max_ahead_ms: int = MAX_AHEAD_MS) -> tuple[Hlc, bool]:
    """Cap a client clock at server time + max_ahead_ms.

    A phone whose clock runs days ahead would otherwise win every last-writer-wins race
    until real time caught up; capped, it wins for at most max_ahead_ms.
    """
    limit = server_now_ms + max_ahead_ms
    if remote.wall_ms <= limit:
        return remote, False
    return Hlc(limit, remote.counter, remote.node), True


def clamp_text(text: str, server_now_ms: int, max_ahead_ms: int = MAX_AHEAD_MS) -> tuple[str, bool]:
    if not _HLC_RE.match(text):
        raise ClockError(f"not an HLC timestamp: {text!r}")
    # The common case returns the text itself: the encoding is fixed-width, so a valid text is
    # already what parse → encode would give (every mutation of a push passes here).
    if int(text[:WALL_DIGITS]) <= server_now_ms + max_ahead_ms:
        return text, False
    clamped, was_clamped = clamp(parse(text), server_now_ms, max_ahead_ms)
    return clamped.encode(), was_clamped
