// The UI's read model: the last pulled server snapshot with the still-pending outbox replayed
// on top (PROTOCOL.md §6), using the same rules as the server (merge.js).
import { replayPending } from './merge.js';

// Outbox rows the server has not finally decided for this phone; conflicts and rejections
// are not replayed: the server did not apply them, a person has to look at them.
export const REPLAYED_STATE = 'pending';

function replayable(rows) {
  return rows.filter((row) => row.state === REPLAYED_STATE).sort((a, b) => a.seq - b.seq);
}

/** One record as the user should see it, with the local decision of each pending change. */
export async function viewRecord(db, declarations, entity, id, nowMs = Date.now()) {
  const tx = db.transaction(['records', 'outbox']);
  const [row, rows] = await Promise.all([
    tx.objectStore('records').get([entity, id]),
    tx.objectStore('outbox').index('by-record').getAll([entity, id]),
  ]);
  return replayRecord(row?.server ?? null, replayable(rows), declarations, nowMs);
}

/** Every record of one entity: {records: {id: state}, decisions: [...]} in outbox order. */
export async function viewEntity(db, declarations, entity, nowMs = Date.now()) {
  const tx = db.transaction(['records', 'outbox']);
  const [rows, outbox] = await Promise.all([
    tx.objectStore('records').index('by-entity').getAll(entity),
    tx.objectStore('outbox').index('by-state').getAll(REPLAYED_STATE),
  ]);
  const snapshot = { [entity]: {} };
  for (const row of rows) if (row.server) snapshot[entity][row.id] = row.server;
  const pending = replayable(outbox.filter((row) => row.entity === entity)).map((row) => row.mutation);
  const { records, decisions } = replayPending(snapshot, pending, declarations, nowMs);
  return { records: records[entity], decisions };
}

export function replayRecord(server, rows, declarations, nowMs) {
  const entity = rows[0]?.entity;
  if (!entity) return { state: server, decisions: [] };
  const snapshot = { [entity]: server ? { [server.id]: server } : {} };
  const { records, decisions } = replayPending(snapshot, rows.map((row) => row.mutation), declarations, nowMs);
  return { state: records[entity][rows[0].record_id] ?? null, decisions };
}

/**
 * Rewrites the cached optimistic state of a record inside a readwrite transaction over
 * records + outbox, after its server state or its pending changes moved.
 */
export async function refreshLocal(tx, declarations, entity, id, nowMs) {
  const records = tx.objectStore('records');
  const [row, rows] = await Promise.all([
    records.get([entity, id]),
    tx.objectStore('outbox').index('by-record').getAll([entity, id]),
  ]);
  const pending = replayable(rows);
  if (!row && !pending.length) return;
  const server = row?.server ?? null;
  const { state } = replayRecord(server, pending, declarations, nowMs);
  if (server == null && state == null) await records.delete([entity, id]);
  else await records.put({ entity, id, server, local: state });
}
