// The photo and signature upload queue (issue 6 §1; backend/blobs/routes.py): every blob the
// phone holds in state `local` goes up by tus 1.0 — HEAD says whether the server has it (skip)
// and from which offset to resume, POST creates the upload, PATCH sends chunks at the offset
// with a per-chunk SHA-256 (a mismatch resends that one chunk only).
//
// Blob states on the phone: local → uploading → sent (the server verified the whole hash) →
// present, when a pull carries the server's `blob` change for it (backend/photos/events.py,
// PROTOCOL.md §5); only then are the bytes dropped from IndexedDB. `refused`: the server
// will never take these bytes (not an image, too large); kept, and shown, never retried.

export const CHUNK_BYTES = 512 * 1024; // well under the server's 4 MiB chunk limit
export const UPLOAD_STATES = ['local', 'uploading'];
const CHUNK_TYPE = 'application/offset+octet-stream';
const TUS = { 'Tus-Resumable': '1.0.0' };
const MAX_RESYNCS = 5; // offset or checksum trouble on one blob before giving up this round

/** An HTTP answer that stops this blob (or the whole run, `fatal`). */
export class UploadError extends Error {
  constructor(status, message, { fatal = false, refused = false } = {}) {
    super(message);
    this.status = status;
    this.fatal = fatal;
    this.refused = refused;
  }
}

function browserCsrf() {
  const match = globalThis.document?.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : '';
}

function base64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

async function chunkChecksum(chunk) {
  return `sha256 ${base64(new Uint8Array(await crypto.subtle.digest('SHA-256', chunk)))}`;
}

async function message(response) {
  const body = await response.json().catch(() => null);
  return body?.message ?? `HTTP ${response.status}`;
}

/** What an error status means for this blob: refused for good, the run's end, or a retry. */
async function failure(response) {
  const text = await message(response);
  if (response.status === 401 || response.status === 403) return new UploadError(response.status, text, { fatal: true });
  // 415 not an image, 413 too large, 422 a bomb or hash mismatch, 404 a site no longer ours.
  if ([404, 413, 415, 422].includes(response.status)) return new UploadError(response.status, text, { refused: true });
  return new UploadError(response.status, text, { fatal: response.status >= 500 });
}

function stateOf(response) {
  return { state: response.headers.get('Weibao-Blob-State'), offset: Number(response.headers.get('Upload-Offset') ?? 0) };
}

export class Uploader {
  constructor(db, { fetch = globalThis.fetch.bind(globalThis), csrf = browserCsrf, chunkBytes = CHUNK_BYTES } = {}) {
    this.db = db;
    this.fetch = fetch;
    this.csrf = csrf;
    this.chunkBytes = chunkBytes;
  }

  #send(method, path, { headers = {}, body } = {}) {
    const all = { ...TUS, ...headers };
    if (method !== 'HEAD' && method !== 'GET') all['x-csrftoken'] = this.csrf();
    return this.fetch(path, { method, headers: all, body, credentials: 'same-origin' });
  }

  /** Where the server is with this hash: {state, offset}, or null when it has never heard of it. */
  async status(sha256) {
    const response = await this.#send('HEAD', `/api/blobs/${sha256}`);
    if (response.status === 404) return null;
    if (!response.ok) throw await failure(response);
    return stateOf(response);
  }

  async create(row) {
    const body = JSON.stringify({ sha256: row.sha256, length: row.size, content_type: row.mime, site_id: row.site_id });
    const response = await this.#send('POST', '/api/blobs', { headers: { 'content-type': 'application/json' }, body });
    if (response.status === 409) {
      // Someone else's upload of the same bytes: the server holds them, which is all the
      // record needs; our copy may go once a pull says so.
      const text = await message(response);
      return { state: 'present', offset: row.size, note: text };
    }
    if (!response.ok) throw await failure(response);
    return stateOf(response);
  }

  async patch(row, bytes, offset) {
    const chunk = bytes.slice(offset, Math.min(bytes.byteLength, offset + this.chunkBytes));
    const headers = {
      'content-type': CHUNK_TYPE, 'Upload-Offset': String(offset), 'Upload-Checksum': await chunkChecksum(chunk),
    };
    const response = await this.#send('PATCH', `/api/blobs/${row.sha256}`, { headers, body: chunk });
    // 409: the server is elsewhere (a chunk we never heard back about landed); 460: the
    // chunk was damaged on the way and discarded. Both: ask for the offset and go on.
    if (response.status === 409 || response.status === 460) return { resync: true };
    if (!response.ok) throw await failure(response);
    return stateOf(response);
  }

  /** Uploads one blob row to the end; resolves with the server's final state. */
  async upload(row) {
    const bytes = (await this.db.get('blobs', row.sha256))?.bytes;
    if (!bytes) throw new UploadError(0, 'the bytes are no longer on this phone', { refused: true });
    let at = (await this.status(row.sha256)) ?? (await this.create(row));
    let resyncs = 0;
    while (at.state !== 'present') {
      const next = await this.patch(row, bytes, at.offset);
      if (next.resync) {
        if (++resyncs > MAX_RESYNCS) throw new UploadError(409, 'the upload keeps losing its place');
        at = (await this.status(row.sha256)) ?? (await this.create(row));
      } else {
        at = next;
      }
    }
    return at;
  }

  async #mark(sha256, changes) {
    const row = await this.db.get('blobs', sha256);
    if (row) await this.db.put('blobs', { ...row, ...changes });
  }

  /** Blobs the server confirmed in a pull (`blob` records, state present): bytes dropped. */
  async releaseConfirmed() {
    const confirmed = await this.db.getAllFromIndex('records', 'by-entity', 'blob');
    let freed = 0;
    for (const record of confirmed) {
      const sha256 = record.server?.sha256 ?? record.id;
      const row = record.server?.state === 'present' ? await this.db.get('blobs', sha256) : null;
      // Not while an upload of it runs; `local` too: the server got the bytes another way.
      if (!row?.bytes || !['sent', 'local'].includes(row.state)) continue;
      await this.db.put('blobs', { ...row, state: 'present', bytes: null, freed_at: Date.now() });
      freed += 1;
    }
    return freed;
  }

  /** One pass over every waiting blob, oldest first; {sent, refused, failed, freed}. */
  async run() {
    const freed = await this.releaseConfirmed();
    const rows = [];
    for (const state of UPLOAD_STATES) rows.push(...(await this.db.getAllFromIndex('blobs', 'by-state', state)));
    rows.sort((a, b) => (a.created_at ?? 0) - (b.created_at ?? 0));
    const outcome = { sent: 0, refused: 0, failed: 0, freed, waiting: 0 };
    for (const { bytes: _bytes, ...row } of rows) {
      // A blob no record has claimed yet (no site) waits: the server files bytes under a site.
      if (!row.site_id) {
        outcome.waiting += 1;
        continue;
      }
      const stop = await this.#one(row, outcome);
      if (stop) break;
    }
    return outcome;
  }

  async #one(row, outcome) {
    await this.#mark(row.sha256, { state: 'uploading' });
    try {
      await this.upload(row);
      await this.#mark(row.sha256, { state: 'sent', sent_at: Date.now(), error: null });
      outcome.sent += 1;
      return false;
    } catch (error) {
      const refused = error instanceof UploadError && error.refused;
      // The status says why in the user's language (views/conflicts-refused.js); the text is the server's.
      await this.#mark(row.sha256, {
        state: refused ? 'refused' : 'local',
        error: String(error.message ?? error),
        error_status: error instanceof UploadError ? error.status : null,
      });
      outcome[refused ? 'refused' : 'failed'] += 1;
      // Offline, signed out or a struggling server: the next sync cycle tries again.
      return !(error instanceof UploadError) || error.fatal;
    }
  }
}

/** Records which site a blob is filed under (the upload needs it); call when a record uses it. */
export async function claimBlob(db, sha256, { site_id, kind }) {
  const row = await db.get('blobs', sha256);
  if (row && !row.site_id) await db.put('blobs', { ...row, site_id, record_kind: kind });
}

let running = null;

/** Runs the queue once at a time (SyncClient `afterPush`); a call while running joins it. */
export function uploadPending(db, options = {}) {
  running ??= new Uploader(db, options).run().finally(() => { running = null; });
  return running;
}
