// The phone's judgement of checklist answers (views/inspection-checks.js) on the cases of
// backend/inspections/checks.py: an out-of-range reading fails the moment it is typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, judgeAll, latestAnswers, parseReading, photoCounts, rangeText } from '../views/inspection-checks.js';

const reading = { kind: 'reading', key: 'supply_voltage', required: true, photo_required: false, unit: 'V', min: 10.8, max: 13.2 };
const passFail = { kind: 'pass_fail_na', key: 'image_clear', required: true, photo_required: true };
const choice = {
  kind: 'choice', key: 'indicator', required: true, photo_required: false, failing: ['off'],
  options: [{ key: 'green', label: { zh: '绿', en: 'Green' } }, { key: 'off', label: { zh: '灭', en: 'Off' } }],
};
const note = { kind: 'text', key: 'remarks', required: false, photo_required: false };

test('a reading outside its range fails and one inside passes, bounds included', () => {
  assert.equal(evaluate(reading, { value: 9.1 }).outcome, 'fail');
  assert.deepEqual(evaluate(reading, { value: 13.3 }).reason, { key: 'outOfRange', params: { value: 13.3, unit: 'V', range: '10.8–13.2' } });
  assert.equal(evaluate(reading, { value: 10.8 }).outcome, 'pass');
  assert.equal(evaluate(reading, { value: 13.2 }).outcome, 'pass');
  assert.equal(evaluate(reading, { value: null }).outcome, 'incomplete');
  assert.equal(evaluate(reading, { value: true }).outcome, 'incomplete');
});

test('a required photo is asked for before pass or fail counts; N/A needs none', () => {
  assert.equal(evaluate(passFail, { value: true }, 0).outcome, 'incomplete');
  assert.equal(evaluate(passFail, { value: true }, 1).outcome, 'pass');
  assert.equal(evaluate(passFail, { value: false }, 1).outcome, 'fail');
  assert.equal(evaluate(passFail, { value: null, not_applicable: true }, 0).outcome, 'na');
});

test('failing choices fail, others pass; optional blanks are not required', () => {
  assert.equal(evaluate(choice, { value: 'off' }).outcome, 'fail');
  assert.equal(evaluate(choice, { value: 'green' }).outcome, 'pass');
  assert.equal(evaluate(choice, { value: 'blue' }).outcome, 'incomplete');
  assert.equal(evaluate(note, undefined).outcome, 'na');
  assert.equal(evaluate(note, { value: ' ok ' }).outcome, 'answered');
});

test('the newest answer per item counts and photos are counted per item', () => {
  const answers = latestAnswers([{ item: 'supply_voltage', value: 12 }, { item: 'supply_voltage', value: 9 }]);
  assert.equal(answers.supply_voltage.value, 9);
  const counts = photoCounts([{ item: 'image_clear' }, { item: 'image_clear' }, { item: null }]);
  assert.deepEqual(counts, { image_clear: 2 });
  const judged = judgeAll([reading, passFail], answers, counts);
  assert.deepEqual(judged.map((j) => j.outcome), ['fail', 'incomplete']);
});

test('typed readings accept a decimal comma and refuse text; ranges read naturally', () => {
  assert.equal(parseReading('12,5'), 12.5);
  assert.equal(parseReading(' '), null);
  assert.equal(parseReading('abc'), null);
  assert.equal(rangeText({ min: 0, max: 4 }), '0–4');
  assert.equal(rangeText({ min: null, max: 4 }), '≤ 4');
  assert.equal(rangeText({ min: 5 }), '≥ 5');
});
