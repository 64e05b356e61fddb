// Rework is offered only where the server's table allows repaired → on_site (it needs a
// reason, so it is a separate action, never one of the big buttons).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextActions, reworkAllowed } from '../views/work-order-rules.js';

const DECLARATION = { fields: { status: { transitions: {
  on_site: ['cancelled', 'dispatched', 'repaired'],
  repaired: ['on_site', 'verified'],
  verified: ['signed'],
} } } };

test('rework is offered on a repaired work order when the table allows going back on site', () => {
  assert.equal(reworkAllowed('repaired', DECLARATION), true);
  assert.ok(!nextActions('repaired', DECLARATION).includes('on_site'), 'not as a big button');
});

test('rework is not offered from any other status or when the table forbids it', () => {
  for (const status of ['on_site', 'verified', 'signed']) assert.equal(reworkAllowed(status, DECLARATION), false);
  const strict = { fields: { status: { transitions: { repaired: ['verified'] } } } };
  assert.equal(reworkAllowed('repaired', strict), false);
  assert.equal(reworkAllowed('repaired', undefined), false);
});
