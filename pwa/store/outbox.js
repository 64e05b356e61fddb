// Every change a user makes: one outbox row plus the optimistic local state, written in ONE
// IndexedDB transaction (PROTOCOL.md §6), so the screen never shows a change that would not
// be sent, and nothing sent is missing from the screen.
import { readMeta, writeMeta } from './db.js';
import { tick } from './clock.js';
import { applyMutation, entityOf } from './merge.js';
import { REPLAYED_STATE } from './view.js';
import { uuidv7 } from './uuidv7.js';

export const PROBLEM_STATES = ['conflict', 'rejected'];
export const DISMISSED_STATE = 'dismissed';
// A conflict of this phone's change that a dispatcher has since resolved (the pull carried the
// card as resolved): no longer open, kept with its outcome until the user has seen it.
export const RESOLVED_STATE = 'resolved';

export class MutationRejected extends Error {
  constructor(message) {
    super(message);
    this.name = 'MutationRejected';
  }
}

/** What the user saw, for a mutation's `base` (PROTOCOL.md §2). */
export function seenBase(state, fieldNames = []) {
  if (!state) return {};
  const base = { version: state.version, values: {} };
  for (const name of fieldNames) {
    const value = state.fields[name];
    if (name === 'status') base.status = value;
    // The wire's base holds scalars only (PROTOCOL.md §2): a structured value would make the
    // server refuse the whole batch, and the outbox would never drain past it.
    else if (value === null || value === undefined || typeof value !== 'object') base.values[name] = value ?? null;
  }
  return base;
}

function newClientId() {
  // The HLC node alphabet is [0-9A-Za-z_.-]; a UUID fits it.
  return crypto.randomUUID();
}

export class Outbox {
  constructor(db, declarations, { now = () => Date.now() } = {}) {
    this.db = db;
    this.declarations = declarations;
    this.now = now;
  }

  /**
   * Records a change. Throws MutationRejected (writing nothing) when the rules say it can
   * never apply, e.g. a value outside the declared ones: that is a screen's bug, not data.
   */
  async mutate(entity, recordId, name, args = {}, base = {}) {
    if (entityOf({ name }) !== entity) throw new Error(`${name} is not a ${entity} mutation`);
    const tx = this.db.transaction(['records', 'outbox', 'meta'], 'readwrite');
    try {
      const mutation = await this.#write(tx, entity, recordId, name, args, base);
      await tx.done;
      return mutation;
    } catch (error) {
      abortQuietly(tx);
      throw error;
    }
  }

  async #write(tx, entity, recordId, name, args, base) {
    const meta = await readMeta(tx, ['clientId', 'nextSeq', 'lastHlc']);
    const clientId = meta.clientId ?? newClientId();
    const nowMs = this.now();
    const hlc = tick(meta.lastHlc, clientId, nowMs);
    const mutation = {
      ...args, name, id: uuidv7(nowMs), client_id: clientId, seq: meta.nextSeq, hlc, record_id: recordId, base,
    };
    const records = tx.objectStore('records');
    const row = await records.get([entity, recordId]);
    const current = row ? row.local : null;
    const decision = applyMutation(current, mutation, this.declarations[entity], nowMs);
    if (decision.status === 'rejected') throw new MutationRejected(decision.message);
    await tx.objectStore('outbox').add({
      seq: mutation.seq, id: mutation.id, entity, record_id: recordId, state: REPLAYED_STATE,
      mutation, result: null, created_at: nowMs,
    });
    await records.put({ entity, id: recordId, server: row?.server ?? null, local: decision.state ?? current });
    await writeMeta(tx, { clientId, nextSeq: mutation.seq + 1, lastHlc: hlc });
    return mutation;
  }

  /** Rows still to be confirmed by the server, in seq order. */
  pending() {
    return this.db.getAllFromIndex('outbox', 'by-state', REPLAYED_STATE);
  }

  pendingCount() {
    return this.db.countFromIndex('outbox', 'by-state', REPLAYED_STATE);
  }

  /** Changes the server decided not to apply (conflict or rejected): kept until a person looks. */
  async problems() {
    const rows = await this.db.getAll('outbox');
    return rows.filter((row) => PROBLEM_STATES.includes(row.state));
  }

  /** Conflicts of this phone's changes that a dispatcher resolved, not yet seen by the user. */
  resolved() {
    return this.db.getAllFromIndex('outbox', 'by-state', RESOLVED_STATE);
  }

  /**
   * The user has seen a conflict or rejection. The row stays, hidden, until a pull confirms
   * its seq: a confirmation may name exactly this mutation, and its seq says which pending
   * rows before it are confirmed too.
   */
  async dismiss(mutationId) {
    const tx = this.db.transaction('outbox', 'readwrite');
    const row = await tx.store.index('by-id').get(mutationId);
    if (row && [...PROBLEM_STATES, RESOLVED_STATE].includes(row.state)) await tx.store.put({ ...row, state: DISMISSED_STATE });
    await tx.done;
  }
}

export function abortQuietly(tx) {
  tx.done.catch(() => null);
  try {
    tx.abort();
  } catch {
    // Already finished or already aborted by the failing request.
  }
}

/**
 * A new installation identity (client id) for a different user on this phone:
 * the server binds a client id to the first user who pushes with it. Refused while this
 * identity still has changes to send, because those carry the old id.
 */
export async function startNewClient(db) {
  const tx = db.transaction(['outbox', 'meta'], 'readwrite');
  if (await tx.objectStore('outbox').index('by-state').count(REPLAYED_STATE)) {
    abortQuietly(tx);
    throw new Error('unsynced changes belong to the current client id');
  }
  // seq keeps counting: it only has to increase per client, and kept conflict rows use old seqs.
  await writeMeta(tx, { clientId: newClientId() });
  await tx.done;
}
