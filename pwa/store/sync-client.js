// The sync loop (PROTOCOL.md §3, §5): push the outbox in seq order, then pull until
// has_more is false. One tab per browser runs it (Web Locks); the others ask it to run and
// listen to its state over a BroadcastChannel.
import { api, ApiError } from './api.js';
import { readMeta } from './db.js';
import { PROBLEM_STATES } from './outbox.js';
import { applyPullPage, recordPushResults, resetRecords } from './sync-apply.js';
import { REPLAYED_STATE } from './view.js';

export const PUSH_BATCH = 200;
const CHANNEL = 'weibao-sync';

const DEFAULTS = {
  intervalMs: 60_000, baseDelayMs: 2_000, maxDelayMs: 5 * 60_000, pullLimit: 500,
  lockName: 'weibao-sync', random: Math.random, now: () => Date.now(), request: api,
};

/** Full jitter on the upper half: spreads phones that all reconnect at once. */
export function backoffDelay(failures, { baseDelayMs, maxDelayMs, random }) {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

function describe(error) {
  if (error instanceof ApiError) {
    const kind = error.status === 401 ? 'unauthorised' : error.status >= 500 ? 'server' : 'refused';
    return { kind, status: error.status, code: error.code, message: error.message };
  }
  return { kind: 'network', status: null, code: null, message: String(error?.message ?? error) };
}

function retryable(error) {
  return !(error instanceof ApiError) || error.status >= 500 || [408, 429].includes(error.status);
}

export class SyncClient {
  constructor(db, declarations, options = {}) {
    this.db = db;
    this.declarations = declarations;
    this.options = { ...DEFAULTS, ...options };
    this.state = {
      online: navigator.onLine, syncing: false, leader: false, pending: 0, problems: 0,
      lastSyncAt: null, lastError: null, failures: 0, retryInMs: null, attempts: 0,
    };
    this.listeners = new Set();
    this.timer = null;
    this.running = null;
    this.next = null;
    this.channel = 'BroadcastChannel' in self ? new BroadcastChannel(CHANNEL) : null;
  }

  subscribe(listener) {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  #set(changes) {
    this.state = { ...this.state, ...changes };
    for (const listener of this.listeners) listener(this.state);
    if (this.state.leader) this.channel?.postMessage({ type: 'state', state: this.state });
  }

  /** Joins the election and wires the triggers; resolves once this tab knows its role. */
  async start() {
    this.#listen();
    await this.refreshCounts();
    const meta = await readMeta(this.db, ['lastSyncAt']);
    this.#set({ lastSyncAt: meta.lastSyncAt });
    this.released = new Promise((resolve) => { this.release = resolve; });
    // Without Web Locks (old browsers) every tab syncs; duplicates are harmless (§3).
    if (navigator.locks) navigator.locks.request(this.options.lockName, () => this.#lead());
    else this.#lead();
  }

  async #lead() {
    this.#set({ leader: true });
    this.requestSync({ urgent: true });
    await this.released;
  }

  stop() {
    clearTimeout(this.timer);
    this.timer = null;
    this.stopped = true;
    for (const [target, type, handler] of this.handlers ?? []) target.removeEventListener(type, handler);
    this.channel?.close();
    this.release?.();
  }

  #listen() {
    const handlers = [
      [window, 'online', () => { this.#set({ online: true }); this.requestSync({ urgent: true }); }],
      [window, 'offline', () => this.#set({ online: false })],
      [document, 'visibilitychange', () => document.visibilityState === 'visible' && this.requestSync()],
    ];
    if (navigator.serviceWorker) {
      // Background Sync: sw.js relays its `sync` event to an open page.
      handlers.push([navigator.serviceWorker, 'message', (e) => e.data?.type === 'weibao-sync' && this.requestSync()]);
    }
    for (const [target, type, handler] of handlers) target.addEventListener(type, handler);
    this.handlers = handlers;
    if (this.channel) this.channel.onmessage = (event) => this.#onMessage(event.data);
  }

  #onMessage(message) {
    if (message?.type === 'sync' && this.state.leader) this.requestSync({ urgent: message.urgent });
    if (message?.type === 'state' && !this.state.leader) {
      const { syncing, lastSyncAt, lastError, failures, retryInMs } = message.state;
      this.#set({ syncing, lastSyncAt, lastError, failures, retryInMs });
      this.refreshCounts().catch(() => null);
    }
  }

  /**
   * Any tab may call this after a change; the leader syncs soon, the others ask it to.
   * While backing off from failures only an urgent request (back online, "sync now")
   * jumps the queue, so a burst of edits cannot hammer a struggling server.
   */
  requestSync({ urgent = false } = {}) {
    this.refreshCounts().catch(() => null);
    if (this.stopped) return;
    if (!this.state.leader) {
      this.channel?.postMessage({ type: 'sync', urgent });
      return;
    }
    if (!(urgent || this.state.failures === 0 || !this.timer)) return;
    // During a cycle, a timer would be replaced by the one the cycle books when it ends (the
    // request was lost until the next interval); queue one more cycle after it instead.
    if (this.running) this.syncNow();
    else this.#schedule(0);
  }

  #schedule(delayMs) {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.syncNow();
    }, delayMs);
  }

  /** One cycle now (leader only); resolves after a cycle that began after this call. */
  syncNow() {
    if (!this.state.leader || this.stopped) return Promise.resolve(this.state);
    if (this.running) {
      // The running cycle may have read the outbox before the caller's change: queue one more.
      this.next ??= this.running.then(() => {
        this.next = null;
        return this.syncNow();
      });
      return this.next;
    }
    this.running = this.#cycle().finally(() => { this.running = null; });
    return this.running;
  }

  async #cycle() {
    if (!navigator.onLine) {
      // The `online` event restarts the loop; trying now would only count a failure.
      this.#set({ online: false });
      return this.state;
    }
    this.#set({ online: true, syncing: true, attempts: this.state.attempts + 1 });
    try {
      await this.#pushAll();
      // Photo and signature bytes go up beside the records (store/upload.js); not awaited,
      // so a slow upload never holds back the pull.
      if (this.options.afterPush) Promise.resolve().then(this.options.afterPush).catch(() => null);
      await this.#pullAll();
      const lastSyncAt = this.options.now();
      await this.db.put('meta', lastSyncAt, 'lastSyncAt');
      this.#set({ syncing: false, lastSyncAt, lastError: null, failures: 0, retryInMs: null });
      this.#schedule(this.options.intervalMs);
    } catch (error) {
      this.#failed(error);
    }
    await this.refreshCounts();
    return this.state;
  }

  #failed(error) {
    const failures = this.state.failures + 1;
    const delay = retryable(error) ? backoffDelay(failures, this.options) : this.options.intervalMs;
    this.#set({ syncing: false, lastError: describe(error), failures, retryInMs: delay });
    this.#schedule(delay);
    this.#registerBackgroundSync();
  }

  #registerBackgroundSync() {
    navigator.serviceWorker?.getRegistration?.()
      .then((registration) => registration?.sync?.register(CHANNEL))
      .catch(() => null);
  }

  async #pushAll() {
    let afterSeq = 0;
    for (;;) {
      const rows = await this.#nextBatch(afterSeq);
      if (!rows.length) return;
      const clientId = rows[0].mutation.client_id;
      const body = { client_id: clientId, mutations: rows.map((row) => row.mutation) };
      const response = await this.options.request('POST', '/api/sync/push', body);
      await recordPushResults(this.db, this.declarations, response.results, this.options.now());
      afterSeq = rows[rows.length - 1].seq;
    }
  }

  async #nextBatch(afterSeq) {
    const rows = [];
    let cursor = await this.db.transaction('outbox').store.openCursor(IDBKeyRange.lowerBound(afterSeq, true));
    while (cursor && rows.length < PUSH_BATCH) {
      if (cursor.value.state === REPLAYED_STATE) rows.push(cursor.value);
      cursor = await cursor.continue();
    }
    return rows;
  }

  async #pullAll() {
    let resets = 0;
    for (;;) {
      const { cursor, clientId } = await readMeta(this.db, ['cursor', 'clientId']);
      const query = new URLSearchParams({ limit: String(this.options.pullLimit) });
      if (cursor) query.set('cursor', cursor);
      // The server reports last_applied_mutation_id only for the client named here.
      if (clientId) query.set('client_id', clientId);
      const page = await this.options.request('GET', `/api/sync/pull?${query}`);
      if (page.reset_required && resets === 0) {
        // §5: the outbox was pushed at the start of this cycle; start again from nothing.
        resets += 1;
        await resetRecords(this.db, this.declarations, this.options.now());
        continue;
      }
      await applyPullPage(this.db, this.declarations, page, this.options.now());
      if (!page.has_more) return;
    }
  }

  async refreshCounts() {
    const index = this.db.transaction('outbox').store.index('by-state');
    const [pending, ...problems] = await Promise.all(
      [REPLAYED_STATE, ...PROBLEM_STATES].map((state) => index.count(state)),
    );
    const problemCount = problems.reduce((a, b) => a + b, 0);
    if (pending !== this.state.pending || problemCount !== this.state.problems) {
      this.#set({ pending, problems: problemCount });
    }
    return this.state;
  }
}
