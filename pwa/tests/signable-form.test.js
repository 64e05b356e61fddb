// The phone's signable form against the server's conformance vectors (sync/vectors/signable/,
// also run by tests/evidence/test_signable_vectors.py): same form, same bytes, same hash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalTime, signableForm } from '../store/signable-form.js';
import { recordHash } from '../store/signable.js';

const DIR = fileURLToPath(new URL('../../sync/vectors/signable/', import.meta.url));
const vectors = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()
  .map((f) => JSON.parse(readFileSync(DIR + f, 'utf8')));

for (const vector of vectors) {
  test(`the phone signs what the server signs: ${vector.name}`, async () => {
    const form = signableForm(vector.entity, vector.state);
    assert.deepEqual(form, vector.form);
    const { text, hash } = await recordHash(form);
    assert.equal(text, vector.canonical);
    assert.equal(hash, vector.sha256);
  });
}

test('times take the toISOString form; impossible dates stay text', () => {
  assert.equal(normalTime('2026-11-20T16:30:00.12+08:00'), '2026-11-20T08:30:00.120Z');
  assert.equal(normalTime('2026-11-20T08:30:00.123456Z'), '2026-11-20T08:30:00.123Z');
  assert.equal(normalTime('2026-02-30T08:30:00Z'), null);
  assert.equal(normalTime('not a time'), null);
});
