// Photo and signature bytes, content-addressed by SHA-256 (ARCHITECTURE.md "bytes before
// meaning"): records refer to a hash; the uploader moves state local → uploading → present.
export const BLOB_STATES = ['local', 'uploading', 'present'];

export async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Stores bytes once per hash. Saving the same bytes again keeps the existing row, so a
 * blob already uploaded is not marked local again. Returns the row without its bytes.
 */
export async function saveBlob(db, data, mime, extra = {}) {
  const bytes = data instanceof ArrayBuffer ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const sha256 = await sha256Hex(bytes);
  const tx = db.transaction('blobs', 'readwrite');
  let row = await tx.store.get(sha256);
  if (!row) {
    // ArrayBuffer rather than Blob: older iOS Safari could not store Blobs in IndexedDB.
    row = { sha256, mime, size: bytes.byteLength, state: 'local', created_at: Date.now(), ...extra, bytes };
    await tx.store.add(row);
  }
  await tx.done;
  const { bytes: _omitted, ...metadata } = row;
  return metadata;
}

export async function readBlob(db, sha256) {
  const row = await db.get('blobs', sha256);
  return row ? new Blob([row.bytes], { type: row.mime }) : null;
}

export async function setBlobState(db, sha256, state) {
  if (!BLOB_STATES.includes(state)) throw new Error(`unknown blob state ${state}`);
  const tx = db.transaction('blobs', 'readwrite');
  const row = await tx.store.get(sha256);
  if (row) await tx.store.put({ ...row, state });
  await tx.done;
}
