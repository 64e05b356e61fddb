// The upload queue against a fake tus server (the rules of backend/blobs/service.py): resume
// from the server's offset, skip bytes the server has, resend a damaged chunk, never retry
// refused bytes, and drop local bytes only once a pull confirmed them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { claimBlob, Uploader } from '../store/upload.js';

const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** The idb calls the queue makes, over Maps. */
function fakeDb() {
  const stores = { blobs: new Map(), records: new Map() };
  const keyOf = (name, value) => (name === 'blobs' ? value.sha256 : `${value.entity}/${value.id}`);
  const index = { 'by-state': 'state', 'by-entity': 'entity' };
  return {
    stores,
    get: async (name, key) => structuredClone(stores[name].get(key)),
    put: async (name, value) => { stores[name].set(keyOf(name, value), structuredClone(value)); },
    getAllFromIndex: async (name, idx, value) => [...stores[name].values()]
      .filter((row) => row[index[idx]] === value).map((row) => structuredClone(row)),
  };
}

function addBlob(db, bytes, extra = {}) {
  const row = { sha256: sha(bytes), mime: 'image/jpeg', size: bytes.byteLength, state: 'local', created_at: 1,
    site_id: 'site-a', bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), ...extra };
  db.stores.blobs.set(row.sha256, row);
  return row.sha256;
}

/** A tus server in memory; `faults` breaks chosen requests. */
function fakeServer({ faults = {} } = {}) {
  const uploads = new Map();
  const log = [];
  let patches = 0;
  const reply = (status, upload, body) => ({
    status, ok: status < 300,
    headers: new Map(upload ? [['Weibao-Blob-State', upload.state], ['Upload-Offset', String(upload.received)]] : []),
    json: async () => body ?? null,
  });
  const fetch = async (path, { method, headers, body }) => {
    const hash = path.split('/').pop();
    log.push(`${method} ${method === 'PATCH' ? headers['Upload-Offset'] : ''}`.trim());
    if (method === 'HEAD') return uploads.has(hash) ? reply(200, uploads.get(hash)) : reply(404);
    if (method === 'POST') {
      const data = JSON.parse(body);
      if (faults.refuseType) return reply(415, null, { message: 'not an image' });
      if (!uploads.has(data.sha256)) uploads.set(data.sha256, { state: 'uploading', received: 0, length: data.length, bytes: [] });
      return reply(201, uploads.get(data.sha256));
    }
    patches += 1;
    const upload = uploads.get(hash);
    const chunk = new Uint8Array(body);
    if (faults.dropAfterPatch === patches) {
      upload.bytes.push(...chunk);
      upload.received += chunk.length; // stored, but the answer is lost
      throw new TypeError('network down');
    }
    if (faults.corruptPatch === patches) return reply(460, upload, { message: 'checksum mismatch' });
    const digest = createHash('sha256').update(chunk).digest('base64');
    assert.equal(headers['Upload-Checksum'], `sha256 ${digest}`);
    assert.equal(headers['content-type'], 'application/offset+octet-stream');
    if (Number(headers['Upload-Offset']) !== upload.received) return reply(409, upload, { message: 'offset' });
    upload.bytes.push(...chunk);
    upload.received += chunk.length;
    if (upload.received === upload.length) {
      assert.equal(sha(Uint8Array.from(upload.bytes)), hash, 'the whole file hashes to its name');
      upload.state = 'present';
    }
    return reply(204, upload);
  };
  return { fetch, uploads, log };
}

const bytesOf = (n, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

test('a local blob is uploaded in checksummed chunks and marked sent', async () => {
  const db = fakeDb();
  const hash = addBlob(db, bytesOf(2500));
  const server = fakeServer();
  const outcome = await new Uploader(db, { fetch: server.fetch, csrf: () => 't', chunkBytes: 1000 }).run();
  assert.deepEqual(outcome, { sent: 1, refused: 0, failed: 0, freed: 0, waiting: 0 });
  assert.deepEqual(server.log, ['HEAD', 'POST', 'PATCH 0', 'PATCH 1000', 'PATCH 2000']);
  assert.equal(db.stores.blobs.get(hash).state, 'sent');
  assert.ok(db.stores.blobs.get(hash).bytes, 'kept until a pull confirms');
});

test('bytes the server already has are not sent again', async () => {
  const db = fakeDb();
  const bytes = bytesOf(1200);
  const hash = addBlob(db, bytes);
  const server = fakeServer();
  server.uploads.set(hash, { state: 'present', received: 1200, length: 1200, bytes: [...bytes] });
  await new Uploader(db, { fetch: server.fetch, csrf: () => 't', chunkBytes: 1000 }).run();
  assert.deepEqual(server.log, ['HEAD']);
  assert.equal(db.stores.blobs.get(hash).state, 'sent');
});

test('a connection lost after a chunk resumes from the server offset, resending nothing twice', async () => {
  const db = fakeDb();
  const hash = addBlob(db, bytesOf(3000));
  const server = fakeServer({ faults: { dropAfterPatch: 2 } });
  const uploader = new Uploader(db, { fetch: server.fetch, csrf: () => 't', chunkBytes: 1000 });
  const first = await uploader.run();
  assert.equal(first.failed, 1);
  assert.equal(db.stores.blobs.get(hash).state, 'local', 'waits for the next cycle');
  await uploader.run();
  assert.deepEqual(server.log, ['HEAD', 'POST', 'PATCH 0', 'PATCH 1000', 'HEAD', 'PATCH 2000']);
  assert.equal(server.uploads.get(hash).state, 'present');
  assert.equal(db.stores.blobs.get(hash).state, 'sent');
});

test('a chunk damaged on the way is sent again from the offset the server reports', async () => {
  const db = fakeDb();
  const hash = addBlob(db, bytesOf(2000));
  const server = fakeServer({ faults: { corruptPatch: 1 } });
  await new Uploader(db, { fetch: server.fetch, csrf: () => 't', chunkBytes: 1000 }).run();
  assert.deepEqual(server.log, ['HEAD', 'POST', 'PATCH 0', 'HEAD', 'PATCH 0', 'PATCH 1000']);
  assert.equal(db.stores.blobs.get(hash).state, 'sent');
});

test('bytes the server refuses are marked refused and not retried; the next blob still goes', async () => {
  const db = fakeDb();
  const refused = addBlob(db, bytesOf(10, 3), { created_at: 1 });
  const server = fakeServer({ faults: { refuseType: true } });
  const outcome = await new Uploader(db, { fetch: server.fetch, csrf: () => 't' }).run();
  assert.equal(outcome.refused, 1);
  assert.equal(db.stores.blobs.get(refused).state, 'refused');
  assert.match(db.stores.blobs.get(refused).error, /not an image/);
  assert.equal(db.stores.blobs.get(refused).error_status, 415, 'kept so the phone can say why in its language');
  const again = await new Uploader(db, { fetch: server.fetch, csrf: () => 't' }).run();
  assert.equal(again.refused + again.sent + again.failed, 0);
});

test('a blob no record has claimed waits; claiming it gives it a site and it goes', async () => {
  const db = fakeDb();
  const hash = addBlob(db, bytesOf(100), { site_id: undefined });
  const server = fakeServer();
  const uploader = new Uploader(db, { fetch: server.fetch, csrf: () => 't' });
  assert.equal((await uploader.run()).waiting, 1);
  assert.deepEqual(server.log, []);
  await claimBlob(db, hash, { site_id: 'site-a', kind: 'work_order' });
  assert.equal((await uploader.run()).sent, 1);
});

test('local bytes are dropped only after a pull brought the server blob record', async () => {
  const db = fakeDb();
  const hash = addBlob(db, bytesOf(100), { state: 'sent' });
  const other = addBlob(db, bytesOf(100, 9), { state: 'sent' });
  const server = fakeServer();
  const uploader = new Uploader(db, { fetch: server.fetch, csrf: () => 't' });
  assert.equal((await uploader.run()).freed, 0);
  db.stores.records.set(`blob/${hash}`, { entity: 'blob', id: hash, server: { sha256: hash, state: 'present' } });
  assert.equal((await uploader.run()).freed, 1);
  assert.equal(db.stores.blobs.get(hash).state, 'present');
  assert.equal(db.stores.blobs.get(hash).bytes, null);
  assert.ok(db.stores.blobs.get(other).bytes, 'unconfirmed bytes stay');
});
