// The client's copy of the sync merge rules (sync/merge.py, sync/rules.py; PROTOCOL.md).
// Used to show the server snapshot with the pending outbox replayed on top. Pure functions
// over plain JSON data; the conformance vectors in sync/vectors/ keep both sides identical.

export const MAX_AHEAD_MS = 60_000;
const HLC_RE = /^(\d{15}):(\d{5}):([0-9A-Za-z_.-]{1,64})$/;
// "The user's base did not mention this field"; never equal to a stored value.
const UNSEEN = Symbol('unseen');

export function parseHlc(text) {
  const match = HLC_RE.exec(text);
  if (!match) throw new Error(`not an HLC timestamp: ${text}`);
  return { wallMs: Number(match[1]), counter: Number(match[2]), node: match[3] };
}

export function formatHlc({ wallMs, counter, node }) {
  return `${String(wallMs).padStart(15, '0')}:${String(counter).padStart(5, '0')}:${node}`;
}

// Fixed-width text: string order is clock order, exactly as on the server.
export function compareHlc(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function clampHlc(text, serverNowMs, maxAheadMs = MAX_AHEAD_MS) {
  const hlc = parseHlc(text);
  const limit = serverNowMs + maxAheadMs;
  if (hlc.wallMs <= limit) return { hlc: text, clamped: false };
  return { hlc: formatHlc({ ...hlc, wallMs: limit }), clamped: true };
}

// Mutation name -> [entity, generic operation]; mirrors the op() methods in sync/protocol.py.
const OPERATIONS = {
  'asset.set_fields': ['asset', (m) => ({ kind: 'set', values: { ...m.fields } })],
  'work_order.create': ['work_order', (m) => ({
    kind: 'create', values: { title: m.title, notes: m.notes ?? '' },
  })],
  'work_order.set_fields': ['work_order', (m) => ({ kind: 'set', values: { ...m.fields } })],
  'work_order.transition': ['work_order', (m) => ({ kind: 'move', field: 'status', to: m.to })],
  'work_order.assign': ['work_order', (m) => ({ kind: 'move', field: 'assignee', to: m.assignee })],
  'work_order.add_comment': ['work_order', (m) => ({
    kind: 'add_event', field: 'comments', eventId: m.comment_id, data: { body: m.body },
  })],
  'work_order.remove_comment': ['work_order', (m) => ({
    kind: 'remove_event', field: 'comments', eventId: m.comment_id,
  })],
  'work_order.delete': ['work_order', () => ({ kind: 'delete' })],
  'work_order.diagnose': ['work_order', (m) => ({ kind: 'set', values: { diagnosis: m.diagnosis } })],
  'work_order.record_parts': ['work_order', (m) => ({ kind: 'set', values: { parts_used: m.parts } })],
  'work_order.verify': ['work_order', (m) => ({ kind: 'set', values: { verification: m.verification } })],
  'work_order.set_severity': ['work_order', (m) => ({ kind: 'set', values: { severity: m.severity } })],
  'work_order.record_follow_up': ['work_order', (m) => ({
    kind: 'set', values: { follow_up: m.follow_up },
  })],
  'work_order.add_photo': ['work_order', (m) => ({
    kind: 'add_event', field: 'photos', eventId: m.photo_id, data: m.photo,
  })],
  'work_order.remove_photo': ['work_order', (m) => ({
    kind: 'remove_event', field: 'photos', eventId: m.photo_id,
  })],
  'work_order.sign': ['work_order', () => ({ kind: 'move', field: 'status', to: 'signed' })],
  'inspection.start': ['inspection', () => ({ kind: 'create', values: {} })],
  'inspection.answer': ['inspection', (m) => ({
    kind: 'add_event', field: 'answers', eventId: m.answer_id, data: m.answer,
  })],
  'inspection.set_fields': ['inspection', (m) => ({ kind: 'set', values: { ...m.fields } })],
  'inspection.add_photo': ['inspection', (m) => ({
    kind: 'add_event', field: 'photos', eventId: m.photo_id, data: m.photo,
  })],
  'inspection.remove_photo': ['inspection', (m) => ({
    kind: 'remove_event', field: 'photos', eventId: m.photo_id,
  })],
  'inspection.submit': ['inspection', () => ({ kind: 'move', field: 'status', to: 'submitted' })],
  'inspection.sign': ['inspection', (m) => ({
    kind: 'move', field: 'status', to: m.capture?.type === 'refusal' ? 'refused' : 'signed',
  })],
};

export function entityOf(mutation) {
  const entry = OPERATIONS[mutation.name];
  if (!entry) throw new Error(`unknown mutation ${mutation.name}`);
  return entry[0];
}

function sameValue(a, b) {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

// Keys sorted recursively, so equal data gives equal text whatever the key order.
export function canonical(value) {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical(value[k])]));
  }
  return value;
}

class Attempt {
  constructor(mutation, declaration, hlc, clamped) {
    this.mutation = mutation;
    this.declaration = declaration;
    this.op = OPERATIONS[mutation.name][1](mutation);
    this.hlc = hlc;
    this.clamped = clamped;
  }

  seen(field) {
    const base = this.mutation.base ?? {};
    if (field === 'status' && base.status != null) return base.status;
    const values = base.values ?? {};
    return Object.hasOwn(values, field) ? values[field] : UNSEEN;
  }

  decision(status, state, extra = {}) {
    return {
      status, state, hlc: this.hlc, clamped: this.clamped, changed: [], losers: [],
      conflict: null, message: null, ...extra,
    };
  }

  applied(state, changed, losers) {
    if (changed.length) state.version += 1;
    const byField = (a, b) => compareHlc(a.field + '\u0000' + (a.hlc ?? ''), b.field + '\u0000' + (b.hlc ?? ''));
    return this.decision('applied', state, { changed: [...changed].sort(), losers: [...losers].sort(byField) });
  }

  rejected(state, message) {
    return this.decision('rejected', state, { message });
  }

  conflict(state, kind, fields, current, message) {
    const m = this.mutation;
    const seen = {};
    for (const f of fields) {
      const value = this.seen(f);
      if (value !== UNSEEN) seen[f] = value;
    }
    const conflict = {
      id: m.id, kind, entity: this.declaration.entity, record_id: m.record_id, mutation_id: m.id,
      client_id: m.client_id, hlc: this.hlc, fields, current, proposed: this.proposal(), seen, message,
    };
    return this.decision('conflict', state, { conflict, message });
  }

  touched() {
    const { kind, values, field } = this.op;
    if (kind === 'create' || kind === 'set') return Object.keys(values);
    if (kind === 'delete') return ['deleted'];
    return [field];
  }

  proposal() {
    const op = this.op;
    switch (op.kind) {
      case 'create': case 'set': return { ...op.values };
      case 'move': return { [op.field]: op.to };
      case 'add_event': return { [op.field]: { add: op.eventId, ...op.data } };
      case 'remove_event': return { [op.field]: { remove: op.eventId } };
      default: return { deleted: true };
    }
  }
}

/** Decide one wire mutation against a record state (null: no such record). Pure. */
export function applyMutation(state, mutation, declaration, serverNowMs) {
  if (entityOf(mutation) !== declaration.entity) {
    throw new Error(`${mutation.name} given the ${declaration.entity} declaration`);
  }
  const { hlc, clamped } = clampHlc(mutation.hlc, serverNowMs);
  const attempt = new Attempt(mutation, declaration, hlc, clamped);
  const problem = invalidReason(attempt.op, declaration);
  if (problem) return attempt.rejected(state, problem);
  if (state == null) return create(mutation.record_id, attempt);
  if (attempt.op.kind === 'create') {
    return attempt.rejected(state, `${declaration.entity} ${mutation.record_id} already exists`);
  }
  return change(structuredClone(state), attempt);
}

function change(state, attempt) {
  const { op } = attempt;
  if (state.deleted) {
    if (op.kind === 'delete') return attempt.applied(state, [], []);
    // Never resurrect: the edit may have been made without knowing about the delete.
    return attempt.conflict(state, 'edit_after_delete', attempt.touched(), { deleted: true },
      'the record was deleted; the edit was kept, not applied');
  }
  if (locked(state, attempt)) {
    const touched = attempt.touched();
    const current = {};
    for (const f of touched) if (Object.hasOwn(state.fields, f)) current[f] = state.fields[f];
    return attempt.conflict(state, 'amendment_request', touched, current,
      'the record is signed; the edit is stored as an amendment request');
  }
  switch (op.kind) {
    case 'set': return applySet(state, attempt);
    case 'move': return applyMove(state, attempt);
    case 'add_event': return applyAddEvent(state, attempt);
    case 'remove_event': return applyRemoveEvent(state, attempt);
    default:
      state.deleted = true;
      return attempt.applied(state, ['deleted'], []);
  }
}

function isSigned(declaration, fields) {
  const rule = declaration.signed_when;
  return rule != null && rule.values.includes(fields[rule.field]);
}

function locked(state, attempt) {
  const { declaration } = attempt;
  if (!isSigned(declaration, state.fields)) return false;
  const specs = Object.entries(declaration.fields);
  if (attempt.op.kind === 'delete') return specs.some(([, spec]) => spec.lock_on_sign);
  return attempt.touched().some((name) => declaration.fields[name]?.lock_on_sign);
}

function create(recordId, attempt) {
  if (attempt.op.kind !== 'create') {
    return attempt.rejected(null, `no ${attempt.declaration.entity} ${recordId}`);
  }
  const state = newRecord(recordId, attempt.declaration);
  for (const [name, value] of Object.entries(attempt.op.values)) {
    state.fields[name] = value;
    state.clocks[name] = attempt.hlc;
  }
  return attempt.applied(state, Object.keys(attempt.declaration.fields), []);
}

/** A record with only declared defaults; defaults carry no clock, so any write wins. */
export function newRecord(recordId, declaration) {
  const state = { id: recordId, version: 0, deleted: false, fields: {}, clocks: {}, events: {} };
  for (const [name, spec] of Object.entries(declaration.fields)) {
    if (spec.kind === 'events') state.events[name] = {};
    else state.fields[name] = structuredClone(spec.default ?? null);
  }
  return state;
}

function invalidReason(op, declaration) {
  const entity = declaration.entity;
  if (op.kind === 'create' || op.kind === 'set') {
    const entries = Object.entries(op.values);
    if (op.kind === 'set' && entries.length === 0) return 'nothing to set';
    for (const [name, value] of entries) {
      const problem = valueProblem(entity, name, value, declaration, ['scalar', 'important']);
      if (problem) return problem;
    }
    return null;
  }
  if (op.kind === 'move') return valueProblem(entity, op.field, op.to, declaration, ['state']);
  if (op.kind === 'add_event' || op.kind === 'remove_event') {
    const spec = declaration.fields[op.field];
    return spec?.kind === 'events' ? null : `${entity}.${op.field} is not an event list`;
  }
  return null;
}

function valueProblem(entity, name, value, declaration, kinds) {
  const spec = declaration.fields[name];
  if (!spec) return `${entity} has no field ${name}`;
  if (!kinds.includes(spec.kind)) return `${entity}.${name} is a ${spec.kind} field and cannot be changed this way`;
  if (spec.values != null && !spec.values.includes(value)) return `${JSON.stringify(value)} is not a valid ${entity}.${name}`;
  return null;
}

function applySet(state, attempt) {
  const { values } = attempt.op;
  const specs = attempt.declaration.fields;
  const fields = state.fields;
  const stale = Object.entries(values)
    .filter(([name, value]) => specs[name].kind === 'important'
      && isStale(attempt.seen(name), fields[name]) && !sameValue(value, fields[name]))
    .map(([name]) => name);
  if (stale.length) {
    // All or nothing: the card shows the whole edit so the person decides it as a unit.
    const current = Object.fromEntries(stale.map((name) => [name, fields[name]]));
    return attempt.conflict(state, 'stale_base', stale, current,
      `changed by someone else since you saw it: ${stale.join(', ')}`);
  }
  const changed = [];
  const losers = [];
  for (const [name, value] of Object.entries(values)) {
    if (specs[name].kind === 'important') compareAndSet(state, name, value, attempt.hlc, changed);
    else lastWriterWins(state, name, value, attempt.hlc, changed, losers);
  }
  return attempt.applied(state, changed, losers);
}

function isStale(seen, current) {
  return seen === UNSEEN || !sameValue(seen, current);
}

function advanceClock(state, name, hlc) {
  const current = state.clocks[name];
  state.clocks[name] = current == null || hlc > current ? hlc : current;
}

function compareAndSet(state, name, value, hlc, changed) {
  if (!sameValue(state.fields[name], value)) {
    state.fields[name] = value;
    changed.push(name);
  }
  advanceClock(state, name, hlc);
}

function lastWriterWins(state, name, value, hlc, changed, losers) {
  const current = state.fields[name];
  const currentHlc = state.clocks[name] ?? null;
  if (currentHlc == null || beats(hlc, value, currentHlc, current)) {
    state.fields[name] = value;
    state.clocks[name] = hlc;
    if (!sameValue(current, value)) {
      changed.push(name);
      if (currentHlc != null) losers.push({ field: name, value: current, hlc: currentHlc, winner_hlc: hlc });
    }
  } else if (!sameValue(value, current)) {
    losers.push({ field: name, value, hlc, winner_hlc: currentHlc });
  }
}

// Equal clocks happen when clamping caps two writes to the same instant; the value text
// then decides (the same key as value_text in sync/rules.py), so every order converges.
function beats(hlc, value, otherHlc, otherValue) {
  if (hlc !== otherHlc) return hlc > otherHlc;
  return JSON.stringify(canonical(value)) > JSON.stringify(canonical(otherValue));
}

function applyMove(state, attempt) {
  const { field: name, to: target } = attempt.op;
  const current = state.fields[name];
  // Someone already made the same move; agreeing with it is not a conflict.
  if (sameValue(target, current)) return attempt.applied(state, [], []);
  const seen = attempt.seen(name);
  if (isStale(seen, current)) {
    const saw = seen === UNSEEN ? 'unknown' : JSON.stringify(seen);
    return attempt.conflict(state, 'stale_base', [name], { [name]: current },
      `${name} is ${JSON.stringify(current)}, not ${saw} as you saw it`);
  }
  const transitions = attempt.declaration.fields[name].transitions;
  if (transitions != null && !(transitions[current] ?? []).includes(target)) {
    return attempt.conflict(state, 'illegal_transition', [name], { [name]: current },
      `${name} cannot move from ${JSON.stringify(current)} to ${JSON.stringify(target)}`);
  }
  state.fields[name] = target;
  advanceClock(state, name, attempt.hlc);
  return attempt.applied(state, [name], []);
}

function applyAddEvent(state, attempt) {
  const { field: name, eventId, data } = attempt.op;
  const events = (state.events[name] ??= {});
  const event = events[eventId];
  if (event === undefined) {
    events[eventId] = { data, hlc: attempt.hlc, removed: false };
    return attempt.applied(state, [name], []);
  }
  if (event.data == null) {
    // The removal overtook the addition: keep the data, keep it removed.
    event.data = data;
    event.hlc = attempt.hlc;
    return attempt.applied(state, [name], []);
  }
  if (!sameValue(event.data, data)) {
    return attempt.rejected(state, `${name} event ${eventId} already exists with other data`);
  }
  if (attempt.hlc < event.hlc) {
    // The same event sent twice: the earliest clock places it, whatever arrived first.
    event.hlc = attempt.hlc;
    return attempt.applied(state, [name], []);
  }
  return attempt.applied(state, [], []);
}

function applyRemoveEvent(state, attempt) {
  const { field: name, eventId } = attempt.op;
  const events = (state.events[name] ??= {});
  const event = (events[eventId] ??= { data: null, hlc: null, removed: false });
  if (event.removed) return attempt.applied(state, [], []);
  event.removed = true;
  event.removed_hlc = attempt.hlc;
  return attempt.applied(state, [name], []);
}

/** The derived list: live events in clock order, ties broken by id. */
export function visibleEvents(state, name) {
  const live = Object.entries(state.events[name] ?? {})
    .filter(([, e]) => !e.removed && e.data != null)
    .map(([id, e]) => ({ id, hlc: e.hlc, ...e.data }));
  const key = (e) => `${e.hlc}\u0000${e.id}`;
  return live.sort((a, b) => compareHlc(key(a), key(b)));
}

/**
 * The screen's view: the server snapshot ({entity: {id: state}}) with the pending outbox
 * replayed in order. Returns new records and each mutation's local decision; the snapshot
 * is not modified. A local conflict or rejection means the server will very likely say so too.
 */
export function replayPending(snapshot, pending, declarations, nowMs) {
  const records = structuredClone(snapshot);
  const decisions = [];
  for (const mutation of pending) {
    const entity = entityOf(mutation);
    const table = (records[entity] ??= {});
    const decision = applyMutation(table[mutation.record_id] ?? null, mutation, declarations[entity], nowMs);
    if (decision.state != null) table[mutation.record_id] = decision.state;
    decisions.push({ id: mutation.id, ...decision });
  }
  return { records, decisions };
}
