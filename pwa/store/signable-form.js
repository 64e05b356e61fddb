// The signable form of a synced record, from the record state the phone holds (its pulled
// snapshot with the outbox replayed): sync/PROTOCOL.md §9, the same as the server's
// backend/signatures/signable.py. Hash it with signable.js recordHash(); the conformance
// vectors in sync/vectors/signable/ pin both implementations to the same bytes.

export const SIGNED_FIELDS = {
  work_order: ['title', 'notes', 'assignee', 'severity', 'diagnosis', 'parts_used', 'verification'],
  inspection: ['problems', 'cause', 'solution', 'parts_to_replace', 'answers'],
};

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 date-time as toISOString() writes it (UTC, milliseconds, Z), or null. */
export function normalTime(text) {
  const m = TIME.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millis = Number(`${m[7] ?? ''}000`.slice(0, 3));
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  local.setUTCFullYear(year); // Date.UTC maps years 0-99 to 1900-1999
  const real = local.getUTCFullYear() === year && local.getUTCMonth() === month - 1
    && local.getUTCDate() === day && local.getUTCHours() === hour
    && local.getUTCMinutes() === minute && local.getUTCSeconds() === second;
  if (!real) return null; // 02-30, 24:00, leap seconds: not a time, kept as text
  let ms = local.getTime();
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '+' ? 1 : -1;
    ms -= sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) * 60_000;
  }
  const moment = new Date(ms);
  const y = moment.getUTCFullYear();
  return y < 0 || y > 9999 ? null : moment.toISOString();
}

/** Null members dropped (absent ≡ null) at every depth; date-times in one form. */
export function normalise(value) {
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, normalise(v)]));
  }
  if (typeof value === 'string') return normalTime(value) ?? value;
  return value;
}

function liveEvents(state, name) {
  return Object.entries(state.events?.[name] ?? {})
    .filter(([, e]) => !e.removed && e.data != null)
    .map(([id, e]) => ({ id, hlc: e.hlc ?? '', data: e.data }));
}

/** Each live photo once by (phase, sha256, item), sorted by phase, then hash, then item. */
export function signedPhotos(state) {
  const unique = new Map();
  for (const { data } of liveEvents(state, 'photos')) {
    const entry = normalise({ phase: data.phase, sha256: data.sha256, item: data.item ?? null });
    unique.set([entry.phase, entry.sha256, entry.item ?? ''].join('\u0000'), entry);
  }
  return [...unique.keys()].sort().map((key) => unique.get(key));
}

/** Checklist item → the answer that counts: newest by clock, ties by the larger event id. */
export function currentAnswers(state) {
  const newest = new Map();
  for (const event of liveEvents(state, 'answers')) {
    const { item } = event.data;
    if (item == null) continue;
    const held = newest.get(item);
    const newer = !held || event.hlc > held.hlc || (event.hlc === held.hlc && event.id > held.id);
    if (newer) newest.set(item, event);
  }
  return Object.fromEntries([...newest].map(([item, { data }]) => {
    const { item: _item, ...answer } = data;
    return [item, answer];
  }));
}

export function signableForm(entity, state) {
  const fields = {};
  for (const name of SIGNED_FIELDS[entity]) {
    const value = entity === 'inspection' && name === 'answers' ? currentAnswers(state) : state.fields[name];
    fields[name] = normalise(value ?? null);
  }
  return { kind: entity, id: state.id, fields, photos: signedPhotos(state) };
}
