// The work order screen's decisions: the buttons follow the server's transition table, and
// "repaired"/"verified" list what is missing exactly as backend/work_orders/transitions.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cleanParts, clockText, missingFor, nextActions, slaWindows, STABLE_MS, timerPhase,
} from '../views/work-order-rules.js';

const DECLARATION = { fields: { status: { transitions: {
  dispatched: ['accepted', 'cancelled', 'dispatched', 'remote_resolved'],
  accepted: ['cancelled', 'dispatched', 'en_route', 'on_site', 'remote_resolved'],
  on_site: ['cancelled', 'dispatched', 'repaired'],
  repaired: ['on_site', 'verified'],
  verified: ['signed'],
} } } };

test('a technician gets only the legal repair-flow moves, never dispatch, cancel or sign', () => {
  assert.deepEqual(nextActions('dispatched', DECLARATION), ['accepted', 'remote_resolved']);
  assert.deepEqual(nextActions('accepted', DECLARATION), ['en_route', 'on_site', 'remote_resolved']);
  assert.deepEqual(nextActions('on_site', DECLARATION), ['repaired']);
  assert.deepEqual(nextActions('repaired', DECLARATION), ['verified'], 'rework needs a reason');
  assert.deepEqual(nextActions('verified', DECLARATION), []);
  assert.deepEqual(nextActions('closed', DECLARATION), []);
});

const photo = (phase) => ({ phase, sha256: 'a'.repeat(64) });
const DIAGNOSIS = { cause: 'software', findings: 'crashed', actions: 'restarted' };

test('repaired lists every missing phase, the diagnosis parts and the parts statement', () => {
  assert.deepEqual(missingFor('repaired', { diagnosis: null, parts_used: null }, [photo('during')]), [
    'photo.before', 'photo.after', 'diagnosis',
  ]);
  assert.deepEqual(missingFor('repaired', { diagnosis: { ...DIAGNOSIS, findings: ' ' }, parts_used: null }, []), [
    'photo.before', 'photo.during', 'photo.after', 'diagnosis.findings', 'diagnosis.parts_used',
  ]);
  const all = [photo('before'), photo('during'), photo('after')];
  assert.deepEqual(missingFor('repaired', { diagnosis: DIAGNOSIS, parts_used: [] }, all), [], '[] = no parts, stated');
  assert.deepEqual(missingFor('repaired', { diagnosis: { ...DIAGNOSIS, cause: 'gremlins' }, parts_used: [] }, all),
    ['diagnosis.cause']);
});

test('verified needs both checks and 30 stable minutes by the recorded times', () => {
  const from = '2026-01-01T08:00:00.000Z';
  const v = (until, checks = true) => ({ self_check_in_range: checks, functional_test_passed: checks, stable_from: from, stable_until: until });
  assert.deepEqual(missingFor('verified', { verification: v('2026-01-01T08:30:00.000Z') }, []), []);
  assert.deepEqual(missingFor('verified', { verification: v('2026-01-01T08:29:59.000Z') }, []), ['verification.stable_30_minutes']);
  assert.deepEqual(missingFor('verified', { verification: v(null, false) }, []), [
    'verification.self_check', 'verification.functional_test', 'verification.stable_30_minutes',
  ]);
  assert.deepEqual(missingFor('verified', { verification: null }, []), ['verification']);
});

test('the stability timer runs from stable_from and is ready after 30 minutes', () => {
  const from = Date.parse('2026-01-01T08:00:00Z');
  const running = { stable_from: new Date(from).toISOString(), stable_until: null };
  assert.equal(timerPhase(null, from), 'idle');
  assert.equal(timerPhase(running, from + STABLE_MS - 1000), 'running');
  assert.equal(timerPhase(running, from + STABLE_MS), 'ready');
  assert.equal(timerPhase({ ...running, stable_until: new Date(from + STABLE_MS).toISOString() }, 0), 'done');
});

test('countdowns print hours only when needed', () => {
  assert.equal(clockText(65_000), '1:05');
  assert.equal(clockText(-(3600 + 62) * 1000), '1:01:02');
});

test('SLA windows come from deadlines or the board windows, nearest first', () => {
  const windows = slaWindows({ windows: [
    { window: 'repair', deadline: '2026-01-01T12:00:00Z', state: 'pending' },
    { window: 'respond', deadline: '2026-01-01T09:00:00Z', state: 'met' },
  ] });
  assert.deepEqual(windows.map((w) => w.window), ['respond', 'repair']);
  assert.deepEqual(slaWindows(null), []);
  const respond = { windows: [{ window: 'respond', deadline: '2026-01-01T09:00:00Z', state: 'pending' }] };
  assert.equal(slaWindows(respond, 'dispatched', Date.parse('2026-01-01T08:00:00Z'))[0].state, 'pending');
  assert.equal(slaWindows(respond, 'accepted', Date.parse('2026-01-01T08:00:00Z'))[0].state, 'met', 'accepted offline');
  assert.equal(slaWindows(respond, 'accepted', Date.parse('2026-01-01T10:00:00Z'))[0].state, 'late');
});

test('parts rows: blanks dropped, quantities whole and bounded', () => {
  assert.deepEqual(cleanParts([{ item: ' fuse ', quantity: '2.7' }, { item: '', quantity: 3 }, { item: 'psu', quantity: '0' }]), [
    { item: 'fuse', quantity: 2 }, { item: 'psu', quantity: 1 },
  ]);
});
