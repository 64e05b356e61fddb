// Settings: language, storage, the offline data, sync state, account and app version.
import { html } from '../components/html.js';
import { languageSwitch } from '../components/language-switch.js';
import { readSyncState, unsyncedCount } from '../components/sync-indicator.js';
import { lang, t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { openStore } from '../store/db.js';
import { onPriming, prime, primedInfo, primingState } from '../store/prime.js';
import { storageEstimate } from '../store/storage.js';

const SHELL_CACHE = /^weibao-shell-/;
let notice = null; // an explanation shown after a refused action, until the next visit
let unsubscribe = () => {};

async function appVersion() {
  const names = (await globalThis.caches?.keys().catch(() => [])) ?? [];
  return names.find((name) => SHELL_CACHE.test(name)) ?? null;
}

async function persisted() {
  return (await navigator.storage?.persisted?.().catch(() => false)) ?? false;
}

export async function load() {
  const db = await openStore();
  const [storage, isPersisted, primed, sync, version] = await Promise.all([
    storageEstimate(), persisted(), primedInfo(db), readSyncState(db), appVersion(),
  ]);
  return { storage, persisted: isPersisted, primed, sync, version };
}

function bytes(n) {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(lang(), { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}

const count = (n) => new Intl.NumberFormat(lang()).format(n);

function item(label, value, id = '') {
  return html`<div class="field"><dt>${label}</dt><dd ${id ? html`id="${id}"` : ''}>${value}</dd></div>`;
}

function storageSection({ storage, persisted }) {
  const usage = storage.quota
    ? t('storageUsage', { used: bytes(storage.usage), free: bytes(storage.free) })
    : t('storageUnknown');
  return html`
    <section class="card settings-part" aria-labelledby="set-storage">
      <h3 id="set-storage">${t('settingsStorage')}</h3>
      <dl class="fields">
        ${item(t('storageSpace'), usage, 'storage-usage')}
        ${item(t('storageKept'), persisted ? t('storagePersisted') : t('storageNotPersisted'), 'storage-persisted')}
      </dl>
      ${storage.low ? html`<p class="notice" role="alert">${t('storageLow')}</p>` : ''}
    </section>`;
}

function primeStatus() {
  const progress = primingState();
  if (progress.running) return html`<p class="meta" role="status">${t('primeRunningHint')}</p>`;
  if (progress.finished) return html`<p class="ok" role="status" id="prime-finished">${t('primeDone', { count: count(progress.total) })}</p>`;
  return '';
}

function dataSection({ primed }, online) {
  const running = primingState().running;
  return html`
    <section class="card settings-part" aria-labelledby="set-data">
      <h3 id="set-data">${t('settingsData')}</h3>
      ${primed.at ? html`<dl class="fields">
          ${item(t('primedAt'), formatDateTime(primed.at), 'primed-at')}
          ${item(t('primedCounts'), t('primedCountsValue', { sites: count(primed.sites), assets: count(primed.assets) }), 'primed-counts')}
        </dl>` : html`<p class="empty">${t('primedNever')}</p>`}
      ${primeStatus()}
      ${primingState().error && !running ? html`<p class="error" role="alert">${t('primeFailed')}</p>` : ''}
      <button type="button" class="secondary wide" data-action="prime" ${running || !online ? html`disabled` : ''}>
        ${t(primed.at ? 'primeAgain' : 'primeNow')}</button>
      ${online ? '' : html`<p class="meta">${t('primeNeedsNetwork')}</p>`}
    </section>`;
}

function syncSection({ sync }, online) {
  const last = sync.lastSyncAt ? formatDateTime(sync.lastSyncAt) : t('syncNever');
  return html`
    <section class="card settings-part" aria-labelledby="set-sync">
      <h3 id="set-sync">${t('settingsSync')}</h3>
      <dl class="fields">
        ${item(t('syncConnection'), online ? t('online') : t('offline'))}
        ${item(t('syncPendingLabel'), count(sync.pending), 'sync-pending')}
        ${item(t('syncFilesLabel'), count(sync.unsentFiles), 'sync-files')}
        ${item(t('syncLastLabel'), last, 'sync-last')}
        ${item(t('syncProblemsLabel'), count(sync.problems), 'sync-problems')}
      </dl>
      ${sync.problems ? html`<p class="notice">${t('syncProblemsHint')}</p>
        <a class="button secondary" href="#/conflicts" id="open-conflicts">${t('conflicts.openLink')}</a>` : ''}
    </section>`;
}

function accountSection({ user }, unsynced) {
  return html`
    <section class="card settings-part" aria-labelledby="set-account">
      <h3 id="set-account">${t('settingsAccount')}</h3>
      <dl class="fields">
        ${item(t('accountName'), `${user.display_name} (${user.username})`)}
        ${item(t('accountRole'), t(`role_${user.role}`))}
      </dl>
      ${unsynced ? html`<p class="notice" id="logout-blocked">${t('logoutRefused', { count: unsynced })}</p>` : ''}
      ${notice ? html`<p class="error" role="alert">${notice}</p>` : ''}
      <div class="button-row">
        <button type="button" class="secondary" data-action="settings-logout">${t('logOut')}</button>
        <button type="button" class="secondary" data-action="settings-logout-everywhere">${t('logOutEverywhere')}</button>
      </div>
    </section>`;
}

export function view(data, ctx) {
  const unsynced = data.sync.pending + data.sync.unsentFiles;
  const shown = html`
    <section class="settings">
      <h2>${t('tab_settings')}</h2>
      <section class="card settings-part" aria-labelledby="set-lang">
        <h3 id="set-lang">${t('language')}</h3>
        ${languageSwitch()}
      </section>
      ${syncSection(data, ctx.online)}
      ${dataSection(data, ctx.online)}
      ${storageSection(data)}
      ${accountSection(ctx, unsynced)}
      <p class="meta version">${t('appVersion', { version: data.version ?? t('appVersionNone') })}</p>
    </section>`;
  notice = null;
  return shown;
}

async function logOutFrom(ctx, everywhere) {
  if (!navigator.onLine) notice = t('logoutOffline');
  else if (await unsyncedCount()) notice = t('logoutRefusedShort');
  if (notice) return ctx.refresh();
  return ctx.logOut({ everywhere });
}

/** Redraws with the new counts when a download ends while Settings is open. */
export function mounted(screen, _data, ctx) {
  unsubscribe();
  unsubscribe = onPriming((progress) => {
    if (!screen.isConnected) return unsubscribe();
    if (progress.running || !(progress.finished || progress.error)) return;
    unsubscribe();
    ctx.refresh();
  });
}

export const actions = {
  async prime(_element, ctx) {
    const done = prime(ctx.api, ctx.user).catch(() => null);
    await ctx.refresh(); // shows the progress; the shell repaints when the download ends
    await done;
  },
  'settings-logout': (_element, ctx) => logOutFrom(ctx, false),
  'settings-logout-everywhere': (_element, ctx) => logOutFrom(ctx, true),
};
