// The client's tag check against vectors computed by backend/assets/tags.py
// (tests/pwa/tag_vectors.py): same normalisation, same verdict, same candidates in order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { checkCharacter, isValid, normalise, validate } from '../components/tag-code.js';

// tests/pwa/test_tag_code_vectors.py points TAG_VECTORS at freshly generated ones.
const source = process.env.TAG_VECTORS ?? new URL('./vectors/tag-codes.json', import.meta.url);
const vectors = JSON.parse(readFileSync(source, 'utf8'));

test('check characters match the server for every body', () => {
  for (const { body, check } of vectors.check_character) {
    assert.equal(checkCharacter(body), check, body);
    assert.ok(isValid(body + check));
  }
});

test('every input normalises and validates exactly as on the server', () => {
  for (const { input, normalised, expect } of vectors.validate) {
    assert.equal(normalise(input), normalised, JSON.stringify(input));
    const { problem, params, ...verdict } = validate(input);
    assert.deepEqual(verdict, expect, JSON.stringify(input));
  }
});

test('invalid input carries a problem key for the translated message', () => {
  assert.equal(validate('').problem, 'empty');
  assert.deepEqual(validate('ABC').params, { count: 3 });
  assert.equal(validate('ABCDEFGH!?').problem, 'foreign');
});
