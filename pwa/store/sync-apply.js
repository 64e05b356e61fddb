// What a push response and a pull page do to the local database, each in one transaction so
// a crash between two steps can neither lose a change nor apply half a page.
import { readMeta, writeMeta } from './db.js';
import { latestClock, receive } from './clock.js';
import { abortQuietly, DISMISSED_STATE, RESOLVED_STATE } from './outbox.js';
import { refreshLocal, REPLAYED_STATE } from './view.js';

const STORES = ['records', 'outbox', 'meta'];

async function inTransaction(db, work) {
  const tx = db.transaction(STORES, 'readwrite');
  try {
    const result = await work(tx);
    await tx.done;
    return result;
  } catch (error) {
    abortQuietly(tx);
    throw error;
  }
}

function finalStatus(result) {
  const status = result.status === 'duplicate' ? result.original_status : result.status;
  return status === 'conflict' || status === 'rejected' ? status : null;
}

/**
 * §3: conflicts and rejections stop being replayed and wait for a person; applied rows stay
 * in the outbox until a pull confirms them, because this response may be the only thing
 * that made it back from a batch the client cannot otherwise see.
 */
export function recordPushResults(db, declarations, results, nowMs) {
  return inTransaction(db, async (tx) => {
    const outbox = tx.objectStore('outbox');
    const touched = new Map();
    for (const result of results) {
      const row = await outbox.index('by-id').get(result.id);
      if (!row || row.state !== REPLAYED_STATE) continue;
      const state = finalStatus(result) ?? REPLAYED_STATE;
      await outbox.put({ ...row, state, result });
      if (state !== REPLAYED_STATE) touched.set(`${row.entity}\u0000${row.record_id}`, [row.entity, row.record_id]);
    }
    for (const [entity, id] of touched.values()) await refreshLocal(tx, declarations, entity, id, nowMs);
  });
}

/** §5: one pull page: records replaced, evicted or tombstoned; confirmed rows deleted; cursor saved. */
export function applyPullPage(db, declarations, page, nowMs) {
  return inTransaction(db, async (tx) => {
    const records = tx.objectStore('records');
    const meta = await readMeta(tx, ['clientId', 'lastHlc']);
    const touched = new Map();
    let lastHlc = meta.lastHlc;
    for (const change of page.changes) {
      const key = [change.entity, change.id];
      touched.set(key.join('\u0000'), key);
      if (change.op === 'evict') {
        await records.delete(key);
        continue;
      }
      await records.put({ entity: change.entity, id: change.id, server: change.data, local: change.data });
      if (change.entity === 'conflict' && change.data?.status === 'resolved') await markResolved(tx, change.data.mutation_id);
      const seen = latestClock(change.data);
      if (seen && meta.clientId) lastHlc = receive(lastHlc, seen, meta.clientId, nowMs);
    }
    for (const key of await confirm(tx, page.last_applied_mutation_id)) touched.set(key.join('\u0000'), key);
    for (const [entity, id] of touched.values()) await refreshLocal(tx, declarations, entity, id, nowMs);
    await writeMeta(tx, { cursor: page.cursor, lastHlc });
  });
}

// The card of a conflict this phone's change caused was resolved by a dispatcher: the row
// stops counting as an open problem and keeps waiting, with the outcome, for the user to see.
async function markResolved(tx, mutationId) {
  const outbox = tx.objectStore('outbox');
  const row = mutationId ? await outbox.index('by-id').get(mutationId) : null;
  if (row?.state === 'conflict') await outbox.put({ ...row, state: RESOLVED_STATE });
}

// Deletes the pending (and dismissed) rows up to and including the confirmed mutation;
// conflicts and rejections stay for the user. The confirmed seq is remembered because the
// next pull may name a mutation whose row is already gone. Returns the records to redo.
async function confirm(tx, mutationId) {
  if (!mutationId) return [];
  const outbox = tx.objectStore('outbox');
  const [confirmed, { confirmedSeq }] = await Promise.all([
    outbox.index('by-id').get(mutationId), readMeta(tx, ['confirmedSeq']),
  ]);
  const upTo = Math.max(confirmed?.seq ?? 0, confirmedSeq);
  if (!upTo) return [];
  const keys = [];
  let cursor = await outbox.openCursor(IDBKeyRange.upperBound(upTo));
  while (cursor) {
    if (cursor.value.state === REPLAYED_STATE || cursor.value.state === DISMISSED_STATE) {
      keys.push([cursor.value.entity, cursor.value.record_id]);
      await cursor.delete();
    }
    cursor = await cursor.continue();
  }
  await writeMeta(tx, { confirmedSeq: upTo });
  return keys;
}

/** §5 reset_required: forget every server record and the cursor; the outbox stays. */
export function resetRecords(db, declarations, nowMs) {
  return inTransaction(db, async (tx) => {
    await tx.objectStore('records').clear();
    await writeMeta(tx, { cursor: null });
    const pending = await tx.objectStore('outbox').index('by-state').getAll(REPLAYED_STATE);
    const keys = new Map(pending.map((row) => [`${row.entity}\u0000${row.record_id}`, [row.entity, row.record_id]]));
    for (const [entity, id] of keys.values()) await refreshLocal(tx, declarations, entity, id, nowMs);
  });
}
