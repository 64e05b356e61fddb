// The top bar's sync state (offline / n to send / synced at …, a link to Settings) and the
// priming progress bar. Counts come from IndexedDB itself, so they are true whichever tab
// runs the sync loop; the loop's BroadcastChannel (store/sync-client.js) says when to recount.
import { html } from './html.js';
import { lang, t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { openStore } from '../store/db.js';
import { PROBLEM_STATES } from '../store/outbox.js';
import { REPLAYED_STATE } from '../store/view.js';

const RECOUNT_MS = 15_000;
const CHANNEL = 'weibao-sync';

/** {pending, problems, unsentFiles, lastSyncAt, lastError} from the phone's database. */
export async function readSyncState(db = null) {
  db ??= await openStore();
  const outbox = db.transaction('outbox').store.index('by-state');
  const blobs = db.transaction('blobs').store.index('by-state');
  const [pending, lastSyncAt, ...rest] = await Promise.all([
    outbox.count(REPLAYED_STATE),
    db.get('meta', 'lastSyncAt'),
    ...PROBLEM_STATES.map((state) => outbox.count(state)),
    blobs.count('local'),
    blobs.count('uploading'),
  ]);
  const unsentFiles = rest.pop() + rest.pop();
  const problems = rest.reduce((a, b) => a + b, 0);
  return { pending, problems, unsentFiles, lastSyncAt: lastSyncAt ?? null };
}

/** Changes and files that exist only on this phone: logging out would strand them. */
export async function unsyncedCount(db = null) {
  const state = await readSyncState(db);
  return state.pending + state.unsentFiles;
}

/** Calls `listener(state)` now and whenever the counts may have moved; returns a stop function. */
export function watchSync(listener) {
  let last = '';
  const recount = () => readSyncState().then((state) => {
    const key = JSON.stringify(state);
    if (key !== last) listener(state);
    last = key;
  }).catch(() => null);
  const channel = 'BroadcastChannel' in self ? new BroadcastChannel(CHANNEL) : null;
  if (channel) channel.onmessage = recount;
  const timer = setInterval(recount, RECOUNT_MS);
  recount();
  return () => {
    clearInterval(timer);
    channel?.close();
  };
}

function badgeText(sync) {
  const pending = sync.pending + (sync.unsentFiles ?? 0);
  if (!sync.online) return [pending ? t('offlinePending', { count: pending }) : t('offline'), 'offline'];
  if (pending) return [t('pendingCount', { count: pending }), 'pending'];
  if (sync.problems) return [t('syncProblemsBadge', { count: sync.problems }), 'pending'];
  if (sync.lastSyncAt) return [t('syncedAt', { time: formatDateTime(sync.lastSyncAt) }), 'online'];
  return [t('online'), 'online'];
}

export function syncBadge(sync) {
  const [text, kind] = badgeText(sync);
  // Changes the server did not apply wait on the Conflicts screen.
  const target = sync.problems ? '#/conflicts' : '#/settings';
  const label = sync.problems ? t('conflicts.badgeLabel', { state: text }) : t('syncBadgeLabel', { state: text });
  return html`<a id="sync-badge" class="status ${kind}" href="${target}" aria-label="${label}">${text}</a>`;
}

// `units` (store/prime.js) counts every request of the download, devices or not.
function percent({ done, total, units }) {
  if (units?.total) return Math.round((100 * units.done) / units.total);
  return total ? Math.round((100 * done) / total) : 0;
}

/** The download of the register: visible wherever the user is, gone when done. */
export function primingBar(progress) {
  if (!progress.running && !progress.error && !progress.finished) return html`<div id="prime-bar" hidden></div>`;
  if (progress.error) {
    return html`<div id="prime-bar" class="prime-bar failed" role="alert">
      ${t('primeFailed')} <a href="#/settings">${t('openSettings')}</a></div>`;
  }
  const n = (value) => new Intl.NumberFormat(lang()).format(value);
  const label = progress.finished ? t('primeDone', { count: n(progress.total) })
    : progress.total === null ? t('primeStarting') : t('primeProgress', { done: n(progress.done), total: n(progress.total) });
  return html`<div id="prime-bar" class="prime-bar" role="status">
    <span class="prime-label">${label}</span>
    <progress max="100" value="${percent(progress)}" aria-label="${t('primeTitle')}">${percent(progress)} %</progress>
  </div>`;
}

/** Swaps one element for fresh markup without repainting the screen (the camera keeps running). */
export function replaceElement(id, markup) {
  const element = document.getElementById(id);
  if (element) element.outerHTML = String(markup);
}
