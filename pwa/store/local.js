// What screens use to read and change synced records: the phone's database with the outbox
// replayed on top (store/view.js), every change written through the outbox (store/outbox.js),
// and the one sync loop of this tab (store/sync-client.js). Screens never call /api/sync.
import { api } from './api.js';
import { openStore, writeMeta } from './db.js';
import { Outbox, seenBase } from './outbox.js';
import { SyncClient } from './sync-client.js';
import { uploadPending } from './upload.js';
import { viewEntity, viewRecord } from './view.js';

const DECLARATIONS_KEY = 'declarations';
const listeners = new Set();
let session = null;

/** The server's declarations, remembered so an offline start replays with the same rules. */
async function declarations(db) {
  try {
    const fresh = await api('GET', '/api/sync/declarations');
    await db.put('cache', fresh, DECLARATIONS_KEY);
    return fresh;
  } catch (error) {
    const known = await db.get('cache', DECLARATIONS_KEY);
    if (known) return known;
    throw error;
  }
}

/** Starts the sync loop for the logged-in user (idempotent); resolves to {db, outbox, sync}. */
export function startSession() {
  session ??= (async () => {
    const db = await openStore();
    const declared = await declarations(db);
    const sync = new SyncClient(db, declared, { afterPush: () => uploadPending(db) });
    let lastSyncAt = null;
    sync.subscribe((state) => {
      // A finished cycle may have pulled new server states: screens showing them redraw.
      if (state.lastSyncAt !== lastSyncAt) {
        lastSyncAt = state.lastSyncAt;
        notify({ reason: 'sync' });
      }
    });
    await sync.start();
    return { db, declarations: declared, outbox: new Outbox(db, declared), sync };
  })().catch((error) => {
    session = null;
    throw error;
  });
  return session;
}

/** Stops the loop (logout); the next startSession() begins again. */
export async function stopSession() {
  const current = session;
  session = null;
  if (current) (await current.catch(() => null))?.sync.stop();
}

/**
 * Logout (allowed only when nothing is unsent): this user's synced records and kept problem
 * rows leave the phone, and the next user gets a new client id (the server binds an id to
 * the first user who pushes with it).
 */
export async function forgetSynced() {
  await stopSession();
  const db = await openStore();
  const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite');
  await Promise.all([tx.objectStore('records').clear(), tx.objectStore('outbox').clear()]);
  await writeMeta(tx, { clientId: null, cursor: null, confirmedSeq: 0, lastSyncAt: null, lastHlc: null });
  await tx.done;
}

/** The record as the user should see it (server state + pending changes), or null. */
export async function record(entity, id) {
  const { db, declarations: declared } = await startSession();
  return (await viewRecord(db, declared, entity, id)).state;
}

/** Every live record of one entity, {id: state}. */
export async function records(entity) {
  const { db, declarations: declared } = await startSession();
  const { records: all } = await viewEntity(db, declared, entity);
  return Object.fromEntries(Object.entries(all ?? {}).filter(([, state]) => state && !state.deleted));
}

/**
 * Records one change (mutation name and its arguments, PROTOCOL.md §2) and asks for a sync.
 * `seen` names the fields whose current values the user acted on (for `base`).
 */
export async function mutate(entity, recordId, name, args = {}, seen = []) {
  const { outbox, sync } = await startSession();
  const current = await record(entity, recordId);
  const mutation = await outbox.mutate(entity, recordId, name, args, seenBase(current, seen));
  notify({ reason: 'mutate', entity, id: recordId });
  sync.requestSync();
  return mutation;
}

/** A sync cycle now (pull-to-refresh, "sync now"); resolves with the loop's state. */
export async function syncNow() {
  const { sync } = await startSession();
  return sync.syncNow();
}

/** `listener({reason, entity?, id?})` after local changes and finished syncs; returns unsubscribe. */
export function onChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(event) {
  for (const listener of listeners) listener(event);
}

/** Live events of a record's event list (comments, photos, answers), oldest first by clock. */
export function liveEvents(state, field) {
  const events = state?.events?.[field] ?? {};
  return Object.entries(events)
    .filter(([, event]) => !event.removed)
    // `by`: who added it (set by the server; absent on the phone's own pending additions).
    .map(([id, event]) => ({ id, ...event.data, hlc: event.hlc, by: event.by }))
    .sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : 0));
}
