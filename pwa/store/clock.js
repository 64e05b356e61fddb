// The client's hybrid logical clock (PROTOCOL.md §1; the same steps as sync/clock.py).
// Texts are compared as strings; only tick and receive look inside them.
import { formatHlc, parseHlc } from './merge.js';

const MAX_COUNTER = 99_999;

function bounded(wallMs, counter, node) {
  // A counter overflow borrows the next millisecond rather than breaking the fixed width.
  if (counter > MAX_COUNTER) return formatHlc({ wallMs: wallMs + 1, counter: 0, node });
  return formatHlc({ wallMs, counter, node });
}

/** The clock for a new local event: never earlier than anything this node has seen. */
export function tick(localText, node, nowMs) {
  if (localText == null) return bounded(nowMs, 0, node);
  const local = parseHlc(localText);
  if (nowMs > local.wallMs) return bounded(nowMs, 0, node);
  return bounded(local.wallMs, local.counter + 1, node);
}

/** Merges a clock seen in a pull so the next local event orders after it. */
export function receive(localText, remoteText, node, nowMs) {
  const local = localText == null ? { wallMs: 0, counter: 0 } : parseHlc(localText);
  const remote = parseHlc(remoteText);
  const wall = Math.max(local.wallMs, remote.wallMs, nowMs);
  let counter = 0;
  if (wall === local.wallMs && wall === remote.wallMs) counter = Math.max(local.counter, remote.counter) + 1;
  else if (wall === local.wallMs) counter = local.counter + 1;
  else if (wall === remote.wallMs) counter = remote.counter + 1;
  return bounded(wall, counter, node);
}

/** The largest clock in a pulled record state (fields and events), or null. */
export function latestClock(state) {
  const clocks = Object.values(state?.clocks ?? {});
  for (const events of Object.values(state?.events ?? {})) {
    for (const event of Object.values(events)) clocks.push(event.hlc, event.removed_hlc);
  }
  return clocks.filter(Boolean).reduce((max, hlc) => (max == null || hlc > max ? hlc : max), null);
}
