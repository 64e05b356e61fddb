// The phone's database. Schema changes happen only in the upgrade ladder below: a phone may
// skip versions (months offline), so every step runs in order from whatever it had.
import { openDB } from 'idb';

export const DB_NAME = 'weibao';
export const DB_VERSION = 2;

function upgrade(db, oldVersion) {
  if (oldVersion < 1) {
    // The last pulled server state of each record, plus its optimistic local state.
    const records = db.createObjectStore('records', { keyPath: ['entity', 'id'] });
    records.createIndex('by-entity', 'entity');
    // Mutations not yet confirmed by a pull, and decided ones a person must still see.
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq' });
    outbox.createIndex('by-id', 'id', { unique: true });
    outbox.createIndex('by-record', ['entity', 'record_id']);
    outbox.createIndex('by-state', 'state');
    // Photo and signature bytes, content-addressed.
    const blobs = db.createObjectStore('blobs', { keyPath: 'sha256' });
    blobs.createIndex('by-state', 'state');
    db.createObjectStore('meta');
  }
  if (oldVersion < 2) {
    // The primed register (store/prime.js): what Scan and Asset need with the network off.
    db.createObjectStore('sites', { keyPath: 'id' });
    db.createObjectStore('assets', { keyPath: 'id' }).createIndex('by-site', 'site_id');
    // Tag code → asset; a retired code keeps `replaced_by` so an old label still resolves.
    db.createObjectStore('tags', { keyPath: 'code' }).createIndex('by-asset', 'asset_id');
    // Last answers seen online (asset history, system types), shown when offline.
    db.createObjectStore('cache');
  }
}

const opened = new Map();

/** One connection per database name per page; another tab's upgrade closes ours cleanly. */
export function openStore(name = DB_NAME) {
  if (!opened.has(name)) {
    const promise = openDB(name, DB_VERSION, {
      upgrade,
      blocking() {
        promise.then((db) => db.close());
        opened.delete(name);
      },
    });
    opened.set(name, promise);
  }
  return opened.get(name);
}

export const META_DEFAULTS = {
  clientId: null, nextSeq: 1, lastHlc: null, cursor: null, lastSyncAt: null, confirmedSeq: 0,
};

/** Reads meta keys inside an existing transaction (or a fresh read-only one). */
export async function readMeta(source, keys = Object.keys(META_DEFAULTS)) {
  const store = source.objectStore ? source.objectStore('meta') : source.transaction('meta').store;
  const values = await Promise.all(keys.map((key) => store.get(key)));
  return Object.fromEntries(keys.map((key, i) => [key, values[i] ?? META_DEFAULTS[key]]));
}

export function writeMeta(tx, values) {
  const store = tx.objectStore('meta');
  return Promise.all(Object.entries(values).map(([key, value]) => store.put(value, key)));
}
