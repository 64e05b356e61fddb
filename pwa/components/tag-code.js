// Asset tag codes, the same algorithm as backend/assets/tags.py (kept identical by
// tests/pwa/test_tag_code_vectors.py): 9 symbols + a check symbol over a 31-symbol alphabet,
// weighted sum mod 31 with weights 1..10, so every single substitution and every
// transposition is caught, and one unknown position can be solved exactly.

export const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;
const MODULUS = ALPHABET.length; // 31, prime
const VALUE = new Map([...ALPHABET].map((symbol, value) => [symbol, value]));
const SEPARATORS = new Set([' ', '-', '_', '.', '·', '\t']);
const LOOKALIKES = new Set(['0', 'O', '1', 'I', 'L']);
const CONFUSABLE = new Set(['5S', '2Z', '8B', 'UV', '6G', 'MN', 'QD', 'VY'].map((p) => [...p].sort().join('')));
// Python's str.strip() whitespace, which differs from String.prototype.trim() at the edges.
const PY_SPACE = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

const mod = (n) => ((n % MODULUS) + MODULUS) % MODULUS;

// The inverse of w mod 31 (Fermat: w^29); w is 1..10, never a multiple of 31.
function inverse(weight) {
  let result = 1;
  for (let i = 0; i < MODULUS - 2; i += 1) result = (result * weight) % MODULUS;
  return result;
}

export function checkCharacter(body) {
  const partial = [...body].slice(0, CODE_LENGTH).reduce((sum, c, i) => sum + (i + 1) * VALUE.get(c), 0);
  return ALPHABET[mod(-partial * inverse(body.length + 1))];
}

export function isValid(code) {
  const chars = [...code];
  if (chars.length !== CODE_LENGTH || chars.some((c) => !VALUE.has(c))) return false;
  return chars.reduce((sum, c, i) => sum + (i + 1) * VALUE.get(c), 0) % MODULUS === 0;
}

/** Upper-case, full-width → ASCII, separators removed, a tag URL → its code. */
export function normalise(input) {
  let text = input.normalize('NFKC').replace(STRIP, '');
  const at = text.lastIndexOf('/t/');
  if (at >= 0) text = text.slice(at + 3).split('?')[0].split('#')[0];
  return [...text.toUpperCase()].filter((c) => !SEPARATORS.has(c)).join('');
}

/**
 * {type: 'ok', code} | {type: 'did_you_mean', entered, candidates} |
 * {type: 'invalid', entered, reason, problem, ...} — `reason` is the server's English text,
 * `problem` a key for the translated message.
 */
export function validate(input) {
  const code = normalise(input);
  const chars = [...code];
  if (!chars.length) return invalid(input, 'no tag code entered', 'empty');
  if (chars.length !== CODE_LENGTH) {
    return invalid(input, `a tag code has ${CODE_LENGTH} characters; this one has ${chars.length}`,
      'length', { count: chars.length });
  }
  const foreign = chars.filter((c) => !VALUE.has(c));
  if (foreign.length > 1) {
    return invalid(input, `characters that never appear in tags: ${foreign.join('')}`, 'foreign',
      { chars: foreign.join('') });
  }
  if (foreign.length) return repairForeign(input, chars, foreign[0]);
  if (isValid(code)) return { type: 'ok', code };
  return { type: 'did_you_mean', entered: input, candidates: oneTypoCandidates(code) };
}

function invalid(entered, reason, problem, params = {}) {
  return { type: 'invalid', entered, reason, problem, params };
}

function repairForeign(input, chars, char) {
  if (!LOOKALIKES.has(char)) return invalid(input, `'${char}' never appears in tags`, 'foreign', { chars: char });
  // One unknown position: the check equation pins it down to exactly one symbol.
  return { type: 'did_you_mean', entered: input, candidates: [solvePosition(chars, chars.indexOf(char))] };
}

function solvePosition(chars, position) {
  const partial = chars.reduce((sum, c, i) => (i === position ? sum : sum + (i + 1) * VALUE.get(c)), 0);
  const fixed = [...chars];
  fixed[position] = ALPHABET[mod(-partial * inverse(position + 1))];
  return fixed.join('');
}

/** Valid codes one substitution or one adjacent swap away, most plausible first. */
export function oneTypoCandidates(code) {
  const chars = [...code];
  const swaps = [];
  for (let i = 0; i < CODE_LENGTH - 1; i += 1) {
    const swapped = [...chars];
    [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
    const text = swapped.join('');
    if (text !== code && isValid(text)) swaps.push(text);
  }
  const subs = chars.map((_, i) => solvePosition(chars, i));
  const confusable = subs.filter((s) => CONFUSABLE.has(changedPair(code, s)));
  const ranked = [...confusable, ...swaps, ...subs.filter((s) => !confusable.includes(s))];
  return [...new Set(ranked.filter((s) => s !== code))];
}

function changedPair(before, after) {
  const changed = [...before].map((c, i) => [c, after[i]]).filter(([a, b]) => a !== b);
  return changed.length === 1 ? [...changed[0]].sort().join('') : '';
}

export function formatCode(code) {
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}
