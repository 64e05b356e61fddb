// Runs the conformance vectors in sync/vectors/ against the client's merge, the same files
// tests/sync/test_vectors.py runs against the server's rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  applyMutation, canonical, clampHlc, compareHlc, replayPending, visibleEvents,
} from '../store/merge.js';

const VECTOR_DIR = fileURLToPath(new URL('../../sync/vectors/', import.meta.url));
const vectors = readdirSync(VECTOR_DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(VECTOR_DIR, f), 'utf8')));

function pick(actual, expected) {
  return Object.fromEntries(Object.keys(expected).map((k) => [k, actual?.[k]]));
}

// The server fills in defaults before hashing; these vectors only re-send identical bodies,
// so key-order-independent text is an exact stand-in for the server's fingerprint.
function fingerprint(mutation) {
  return JSON.stringify(canonical(mutation));
}

function runStep(state, ledger, step, declaration, nowMs) {
  const { mutation, expect } = step;
  const first = ledger.get(mutation.id);
  if (expect.error === 'id_reused') {
    assert.ok(first && first.fingerprint !== fingerprint(mutation), 'reused id must differ in body');
    return state;
  }
  if (first) {
    assert.equal(first.fingerprint, fingerprint(mutation));
    assert.deepEqual(pick({ status: 'duplicate', original_status: first.status }, expect), expect);
    return state;
  }
  const decision = applyMutation(state, mutation, declaration, nowMs);
  ledger.set(mutation.id, { fingerprint: fingerprint(mutation), status: decision.status });
  const { conflict, ...plain } = expect;
  if (conflict) assert.deepEqual(pick(decision.conflict, conflict), conflict, mutation.id);
  assert.deepEqual(pick(decision, plain), plain, mutation.id);
  return decision.state;
}

for (const vector of vectors) {
  test(`vector ${vector.name} reaches its expected results and final state`, () => {
    let state = vector.initial;
    const ledger = new Map();
    for (const step of vector.steps) {
      state = runStep(state, ledger, step, vector.declaration, step.now_ms ?? vector.server_now_ms);
    }
    assert.deepEqual(state, vector.final);
    for (const [name, expected] of Object.entries(vector.visible ?? {})) {
      assert.deepEqual(visibleEvents(state, name), expected);
    }
  });
}

test('a decision never modifies the state it was given', () => {
  const vector = vectors.find((v) => v.name === 'scalar_last_writer_wins');
  const before = structuredClone(vector.initial);
  applyMutation(vector.initial, vector.steps[0].mutation, vector.declaration, vector.server_now_ms);
  assert.deepEqual(vector.initial, before);
});

test('clock text compares like the clock and clamps to sixty seconds ahead', () => {
  assert.equal(compareHlc('000000000000010:00000:b', '000000000000009:00099:z'), 1);
  assert.equal(compareHlc('000000000000010:00001:a', '000000000000010:00001:b'), -1);
  const ahead = clampHlc('000000000500000:00007:c1', 100_000);
  assert.deepEqual(ahead, { hlc: '000000000160000:00007:c1', clamped: true });
  assert.equal(clampHlc('000000000160000:00000:c1', 100_000).clamped, false);
});

test('replaying the outbox shows pending edits on top of the snapshot without changing it', () => {
  const vector = vectors.find((v) => v.name === 'state_machine_transitions');
  const snapshot = { work_order: { 'wo-1': vector.initial } };
  const pending = [vector.steps[0].mutation, vector.steps[3].mutation, vector.steps[2].mutation];
  const { records, decisions } = replayPending(snapshot, pending, { work_order: vector.declaration },
    vector.server_now_ms);
  assert.equal(records.work_order['wo-1'].fields.status, 'accepted');
  assert.deepEqual(decisions.map((d) => d.status), ['applied', 'applied', 'conflict']);
  assert.equal(snapshot.work_order['wo-1'].fields.status, 'reported');
});
