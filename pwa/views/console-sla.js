// The board's SLA colours and countdowns, as pure functions (pwa/tests/console-sla.test.js).
// DOMAIN.md: before a deadline expires the handler is warned; the server warns at 80 % of a
// window (backend/work_orders/escalation.py WARNING_FRACTION), so the board turns amber there.
export const WARNING_FRACTION = 0.8;

/** 'breached' | 'warning' | 'ok' | 'none' for a board ticket at `nowMs`. */
export function slaState(ticket, nowMs) {
  if (!ticket.next_deadline) return ticket.breached ? 'breached' : 'none';
  const deadline = Date.parse(ticket.next_deadline);
  if (ticket.breached || nowMs >= deadline) return 'breached';
  const start = Date.parse(ticket.reported_at ?? '');
  if (Number.isNaN(start) || deadline <= start) return 'ok';
  return (nowMs - start) / (deadline - start) >= WARNING_FRACTION ? 'warning' : 'ok';
}

/** Seconds to the deadline (negative once overdue), split for display. */
export function countdown(deadlineIso, nowMs) {
  const seconds = Math.round((Date.parse(deadlineIso) - nowMs) / 1000);
  const total = Math.abs(seconds);
  return {
    overdue: seconds < 0,
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

/** `H:MM:SS` under a day: a fixed shape, so ticking digits never move the layout. */
export function clock({ hours, minutes, seconds }) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${hours}:${pad(minutes)}:${pad(seconds)}`;
}
