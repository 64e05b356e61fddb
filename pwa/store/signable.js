// The record hash the signer sees, computed on the phone exactly as the server computes it
// (backend/signatures/canonical.py): RFC 8785 canonical JSON of the signable form
// (store/signable-form.js, PROTOCOL.md §9), SHA-256 over its UTF-8 bytes. The server
// recomputes it and refuses a signature over a record that changed (stale_signature).

export class NotCanonical extends Error {}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function string(value) {
  if (LONE_SURROGATE.test(value)) throw new NotCanonical('lone surrogates have no UTF-8 form');
  // JSON.stringify escapes exactly what RFC 8785 §3.2.2.2 asks (", \, controls, short forms).
  return JSON.stringify(value);
}

function number(value) {
  // A JS number is a double already: 1e21 is as valid here as a Python float (the server
  // refuses only Python ints beyond 2**53, which never reach a phone as such).
  if (!Number.isFinite(value)) throw new NotCanonical('NaN and Infinity have no JSON form');
  // ECMAScript Number::toString is the RFC's number form; -0 prints as 0.
  return JSON.stringify(value);
}

/** The canonical text of a JSON value (objects: keys by UTF-16 code units, no whitespace). */
export function canonicalJson(value) {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'string') return string(value);
  if (typeof value === 'number') return number(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // The default sort compares UTF-16 code units, which is what §3.2.3 prescribes.
    const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
    return `{${keys.map((k) => `${string(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  throw new NotCanonical(`${typeof value} is not a JSON type`);
}

export async function sha256Text(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** {text, hash} of a signable form. */
export async function recordHash(signable) {
  const text = canonicalJson(signable);
  return { text, hash: await sha256Text(text) };
}
