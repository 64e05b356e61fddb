// The work order screen's decisions as pure functions (no DOM, no IndexedDB), so node --test
// checks them: which buttons a technician gets, what "repaired" and "verified" still lack
// (the same list backend/work_orders/transitions.py would refuse with), and the timers.

export const PHASES = ['before', 'during', 'after'];
export const CAUSES = [
  'external_power', 'external_fibre', 'external_cable', 'external_grounding',
  'external_environment', 'misoperation', 'ageing_damage', 'software',
];
// DOMAIN.md repair flow step 5: stable for at least 30 minutes (transitions.STABLE_FOR).
export const STABLE_MS = 30 * 60 * 1000;

// The moves a technician makes from this screen, in the order of the repair flow. Dispatch,
// cancel and reopen belong to the dispatcher; "signed" happens in the signing view.
const TECHNICIAN_MOVES = ['accepted', 'en_route', 'on_site', 'remote_resolved', 'repaired', 'verified'];

/** The legal next moves for a technician, per the server's transition table. */
export function nextActions(status, declaration) {
  const legal = declaration?.fields?.status?.transitions?.[status] ?? [];
  // repaired → on_site is rework after a failed verification and needs a reason: not a tap.
  return TECHNICIAN_MOVES.filter((to) => legal.includes(to) && !(status === 'repaired' && to === 'on_site'));
}

/**
 * Rework (transitions.py): a repaired work order that fails verification goes back on site,
 * with the reason; offered apart from the big buttons, behind a reason and a confirmation.
 */
export function reworkAllowed(status, declaration) {
  const legal = declaration?.fields?.status?.transitions?.[status] ?? [];
  return status === 'repaired' && legal.includes('on_site');
}

/** Phases of the live photos, e.g. {before: [photo…], during: [], after: […]}. */
export function photosByPhase(photos) {
  const grouped = Object.fromEntries([...PHASES, 'other'].map((p) => [p, []]));
  for (const photo of photos) (grouped[photo.phase] ?? grouped.other).push(photo);
  return grouped;
}

function diagnosisMissing(diagnosis, { needParts, parts }) {
  if (!diagnosis) return ['diagnosis'];
  const missing = [];
  if (!CAUSES.includes(diagnosis.cause)) missing.push('diagnosis.cause');
  if (!String(diagnosis.findings ?? '').trim()) missing.push('diagnosis.findings');
  if (!String(diagnosis.actions ?? '').trim()) missing.push('diagnosis.actions');
  // The server takes the parts from the diagnosis or from the parts field (guard.facts_for);
  // [] is "no parts used", stated; null is not stated.
  const stated = Array.isArray(diagnosis.parts_used) || Array.isArray(parts);
  if (needParts && !stated) missing.push('diagnosis.parts_used');
  return missing;
}

function verificationMissing(verification) {
  if (!verification) return ['verification'];
  const missing = [];
  if (!verification.self_check_in_range) missing.push('verification.self_check');
  if (!verification.functional_test_passed) missing.push('verification.functional_test');
  if (stableElapsedMs(verification, Date.parse(verification.stable_until)) < STABLE_MS) {
    missing.push('verification.stable_30_minutes');
  }
  return missing;
}

/**
 * What a move still lacks on this phone, with the server's requirement names; [] = send it.
 * `fields` are the record's fields, `photos` its live photo events.
 */
export function missingFor(to, fields, photos) {
  if (to === 'repaired') {
    const phases = new Set(photos.map((p) => p.phase));
    return [
      ...PHASES.filter((p) => !phases.has(p)).map((p) => `photo.${p}`),
      ...diagnosisMissing(fields.diagnosis, { needParts: true, parts: fields.parts_used }),
    ];
  }
  if (to === 'remote_resolved') return diagnosisMissing(fields.diagnosis, { needParts: false });
  if (to === 'verified') return verificationMissing(fields.verification);
  return [];
}

/** Milliseconds the device has been stable so far (until `nowMs`), 0 before the start. */
export function stableElapsedMs(verification, nowMs) {
  const from = Date.parse(verification?.stable_from ?? '');
  if (Number.isNaN(from)) return 0;
  const until = Date.parse(verification?.stable_until ?? '');
  const end = Number.isNaN(until) ? nowMs : until;
  return Number.isNaN(end) ? 0 : Math.max(0, end - from);
}

/** The stability timer's phase: idle (not started), running, ready (30 min passed), done. */
export function timerPhase(verification, nowMs) {
  if (!verification?.stable_from) return 'idle';
  if (verification.stable_until) return stableElapsedMs(verification, nowMs) >= STABLE_MS ? 'done' : 'idle';
  return stableElapsedMs(verification, nowMs) >= STABLE_MS ? 'ready' : 'running';
}

/** "1:05:09" / "4:07"; the sign is the caller's (overdue vs. remaining). */
export function clockText(ms) {
  const total = Math.floor(Math.abs(ms) / 1000);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

// The statuses from which each SLA window's milestone is reached (backend sla windows).
const AFTER = ['repaired', 'verified', 'signed', 'closed'];
const WINDOW_DONE = {
  respond: ['accepted', 'en_route', 'on_site', 'remote_resolved', ...AFTER],
  on_site: ['on_site', ...AFTER],
  repair: ['remote_resolved', ...AFTER],
};

/**
 * SLA windows from the REST answer (`sla.windows`, or the board's `windows`), nearest first.
 * A window whose milestone this phone has reached (perhaps offline) stops counting down:
 * `met`, or `late` when it was reached after the deadline.
 */
export function slaWindows(answer, status = null, nowMs = Date.now()) {
  const list = answer?.deadlines ?? answer?.windows ?? [];
  return list
    .filter((w) => w && w.deadline)
    .map((w) => {
      const window = w.window ?? w.kind ?? w.name;
      const done = WINDOW_DONE[window]?.includes(status);
      let state = w.state ?? 'pending';
      if (done && state === 'pending') state = nowMs <= Date.parse(w.deadline) ? 'met' : 'late';
      if (done && state === 'breached') state = 'late';
      return { window, deadline: w.deadline, state };
    })
    .sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
}

/** Parts rows from the form: blank items dropped, quantities whole numbers 1–10 000. */
export function cleanParts(rows) {
  return rows
    .map((row) => ({ item: String(row.item ?? '').trim(), quantity: Math.trunc(Number(row.quantity)) }))
    .filter((row) => row.item)
    .map((row) => ({ item: row.item.slice(0, 100), quantity: Math.min(10_000, Math.max(1, row.quantity || 1)) }));
}
