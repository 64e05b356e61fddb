// SLA countdowns on Today: how long until (or since) a deadline, in the user's language, and
// the colour it deserves. The deadline is the server's (stored with the ticket); only the
// remaining time is computed here, against this phone's clock.
import { t } from '../i18n/index.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const SOON_MS = 30 * MINUTE;

/** "2 d 3 h", "1 h 05 min", "12 min 30 s" — the two largest units. */
export function duration(ms) {
  const abs = Math.abs(ms);
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  const m = Math.floor((abs % HOUR) / MINUTE);
  const s = Math.floor((abs % MINUTE) / 1000);
  if (d) return t('today.dur_dh', { d, h });
  if (h) return t('today.dur_hm', { h, m: String(m).padStart(2, '0') });
  return t('today.dur_ms', { m, s: String(s).padStart(2, '0') });
}

export function countdown(windowLabel, deadline, now = Date.now()) {
  const left = Date.parse(deadline) - now;
  return left >= 0 ? t('today.left', { window: windowLabel, time: duration(left) })
    : t('today.late', { window: windowLabel, time: duration(left) });
}

/** 'breach' (past a deadline), 'soon' (under 30 min), or 'calm'. */
export function urgency(deadline, breached = false, now = Date.now()) {
  if (!deadline) return breached ? 'breach' : 'calm';
  const left = Date.parse(deadline) - now;
  if (breached || left < 0) return 'breach';
  return left < SOON_MS ? 'soon' : 'calm';
}
