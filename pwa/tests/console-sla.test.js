// The board's SLA colours and countdown text (pwa/views/console-sla.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clock, countdown, slaState } from '../views/console-sla.js';

const reported = '2026-03-01T08:00:00Z';
const deadline = '2026-03-01T09:00:00Z'; // a one-hour window
const at = (iso) => Date.parse(iso);
const ticket = (extra = {}) => ({ reported_at: reported, next_deadline: deadline, breached: false, ...extra });

test('a window is on time until 80 % of it has passed, then due soon', () => {
  assert.equal(slaState(ticket(), at('2026-03-01T08:47:59Z')), 'ok');
  assert.equal(slaState(ticket(), at('2026-03-01T08:48:00Z')), 'warning');
});

test('a passed deadline or a breach the server reports is red', () => {
  assert.equal(slaState(ticket(), at('2026-03-01T09:00:00Z')), 'breached');
  assert.equal(slaState(ticket({ breached: true }), at('2026-03-01T08:10:00Z')), 'breached');
});

test('a ticket without a pending deadline has no colour unless it breached', () => {
  assert.equal(slaState(ticket({ next_deadline: null }), at(reported)), 'none');
  assert.equal(slaState(ticket({ next_deadline: null, breached: true }), at(reported)), 'breached');
});

test('the countdown counts down, then up once overdue', () => {
  assert.equal(clock(countdown(deadline, at('2026-03-01T07:54:55Z'))), '1:05:05');
  const late = countdown(deadline, at('2026-03-01T09:02:03Z'));
  assert.equal(late.overdue, true);
  assert.equal(clock(late), '0:02:03');
  assert.equal(countdown(deadline, at('2026-02-27T07:00:00Z')).days, 2);
});
