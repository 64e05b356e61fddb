import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seenBase } from '../store/outbox.js';

const state = {
  version: 4,
  fields: { status: 'on_site', notes: 'lens', severity: 2, diagnosis: { cause: 'software' }, parts_used: [] },
};

test('base keeps the status and scalar values the user saw', () => {
  assert.deepEqual(seenBase(state, ['status', 'notes', 'severity']), {
    version: 4, status: 'on_site', values: { notes: 'lens', severity: 2 },
  });
});

test('structured values are left out of base, so the server never refuses the whole batch', () => {
  assert.deepEqual(seenBase(state, ['diagnosis', 'parts_used', 'notes']).values, { notes: 'lens' });
});
