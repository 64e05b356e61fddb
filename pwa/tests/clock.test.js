// The client's clock steps (store/clock.js) on the cases of PROTOCOL.md §1 / sync/clock.py,
// and the shape of the ids and storage rules the outbox relies on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestClock, receive, tick } from '../store/clock.js';
import { uuidv7 } from '../store/uuidv7.js';
import { isLow } from '../store/storage.js';

test('tick moves to the wall clock when it is ahead, else counts within the millisecond', () => {
  assert.equal(tick(null, 'c1', 1_700_000_000_000), '001700000000000:00000:c1');
  assert.equal(tick('001700000000000:00004:c1', 'c1', 1_700_000_000_005), '001700000000005:00000:c1');
  assert.equal(tick('001700000000009:00004:c1', 'c1', 1_700_000_000_005), '001700000000009:00005:c1');
  assert.equal(tick('001700000000009:99999:c1', 'c1', 1), '001700000000010:00000:c1');
});

test('receive orders the next local event after a clock seen in a pull', () => {
  const now = 1_700_000_000_000;
  assert.equal(receive('001700000000000:00002:c1', '001700000000000:00007:s', 'c1', now), '001700000000000:00008:c1');
  assert.equal(receive('001700000000000:00002:c1', '001700000000500:00007:s', 'c1', now), '001700000000500:00008:c1');
  assert.equal(receive('001700000000900:00002:c1', '001700000000500:00007:s', 'c1', now), '001700000000900:00003:c1');
  assert.equal(receive(null, '001600000000000:00007:s', 'c1', now), '001700000000000:00000:c1');
});

test('the latest clock of a record covers fields and events, removals included', () => {
  const state = {
    clocks: { title: '001700000000001:00000:a' },
    events: { comments: { k1: { hlc: '001700000000002:00000:b', removed: true, removed_hlc: '001700000000003:00000:c' } } },
  };
  assert.equal(latestClock(state), '001700000000003:00000:c');
  assert.equal(latestClock({ clocks: {}, events: {} }), null);
});

test('uuidv7 ids carry the time, version 7 and the RFC variant, and sort by time', () => {
  const early = uuidv7(1_700_000_000_000);
  const late = uuidv7(1_700_000_000_001);
  assert.match(early, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(early.slice(0, 13).replace('-', ''), (1_700_000_000_000).toString(16).padStart(12, '0'));
  assert.ok(early < late);
});

test('storage is low when little is free or most of the quota is used', () => {
  const mb = 1024 * 1024;
  assert.equal(isLow(10 * mb, 10_000 * mb), false);
  assert.equal(isLow(9_950 * mb, 10_000 * mb), true);
  assert.equal(isLow(50 * mb, 150 * mb), true);
  assert.equal(isLow(0, 0), false);
});
