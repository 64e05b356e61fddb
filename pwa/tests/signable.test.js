// The phone must hash a record exactly as the server does, or every offline signature would
// come back as stale_signature. The vectors were computed by backend/signatures/canonical.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalJson, NotCanonical, recordHash } from '../store/signable.js';

const vectors = JSON.parse(readFileSync(new URL('./vectors/canonical.json', import.meta.url), 'utf8'));

for (const vector of vectors.cases) {
  test(`canonical JSON and hash match the server: ${vector.name}`, async () => {
    const { text, hash } = await recordHash(vector.value);
    assert.equal(text, vector.canonical);
    assert.equal(hash, vector.sha256);
  });
}

test('values without a canonical form are refused, not silently changed', () => {
  for (const bad of [NaN, Infinity, -Infinity, '\ud800', 'a\udc00', { k: () => 1 }, new Date(0)]) {
    assert.throws(() => canonicalJson(bad), NotCanonical);
  }
});
