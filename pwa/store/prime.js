// Priming: the technician's scope (sites, every asset of them with its active tag, system
// type names) copied into IndexedDB, so Scan and Asset work in a basement without signal.
// The new copy replaces the old one in ONE transaction: an interrupted download leaves the
// previous data whole, never half of each.
import { openStore } from './db.js';
import { requestPersistence } from './storage.js';

export const PAGE_SIZE = 250;
const SCOPE_STORES = ['sites', 'assets', 'tags', 'cache'];
const META_KEYS = ['primedAt', 'primedUser', 'user'];

let run = null;
const DONE_SHOWN_MS = 5000;
let progress = { running: false, done: 0, total: null, error: null, finished: false };
const listeners = new Set();

function report(changes) {
  progress = { ...progress, ...changes };
  for (const listener of listeners) listener(progress);
}

/** {running, done, total, error}: the current or last download. */
export function primingState() {
  return progress;
}

export function onPriming(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function fetchAssets(api) {
  const assets = [];
  let total = null;
  while (total === null || assets.length < total) {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(assets.length) });
    const page = await api('GET', `/api/assets?${query}`);
    total = page.total;
    assets.push(...page.items);
    report({ done: assets.length, total });
    if (!page.items.length) break; // the register shrank while paging: stop, never loop
  }
  return assets;
}

/** Retired codes learned earlier (online lookups, history) whose asset is still in scope. */
async function keptRetired(db, assetIds) {
  const tags = await db.getAll('tags');
  return tags.filter((tag) => !tag.active && assetIds.has(tag.asset_id));
}

async function store(db, { sites, systemTypes, assets }, user) {
  const retired = await keptRetired(db, new Set(assets.map((a) => a.id)));
  const tx = db.transaction([...SCOPE_STORES, 'meta'], 'readwrite');
  const put = (name, value, key) => writes.push(tx.objectStore(name).put(value, key));
  const writes = ['sites', 'assets', 'tags'].map((name) => tx.objectStore(name).clear());
  for (const site of sites) put('sites', site);
  for (const asset of assets) {
    put('assets', asset);
    if (asset.tag_code) put('tags', { code: asset.tag_code, asset_id: asset.id, active: true });
  }
  for (const tag of retired) put('tags', tag);
  put('cache', systemTypes, 'system-types');
  const at = Date.now();
  put('meta', at, 'primedAt');
  put('meta', user.id, 'primedUser');
  await Promise.all([...writes, tx.done]);
  return at;
}

async function download(api, user, db) {
  report({ running: true, done: 0, total: null, error: null, finished: false });
  try {
    const [sites, systemTypes] = await Promise.all([api('GET', '/api/sites'), api('GET', '/api/system-types')]);
    const assets = await fetchAssets(api);
    await store(db, { sites, systemTypes, assets }, user);
    report({ running: false, done: assets.length, total: assets.length, finished: true });
    setTimeout(() => progress.finished && !progress.running && report({ finished: false }), DONE_SHOWN_MS);
  } catch (error) {
    report({ running: false, error });
    throw error;
  }
}

/** Downloads the scope now (one run at a time; a second call joins the running one). */
export function prime(api, user, db = null) {
  run ??= (async () => download(api, user, db ?? (await openStore())))().finally(() => { run = null; });
  return run;
}

/** After login: keep the data, and download it unless this phone already has this user's. */
export async function primeAfterLogin(api, user) {
  requestPersistence();
  await (await openStore()).put('meta', user, 'user');
  const info = await primedInfo();
  if (info.at && info.user === user.id) return;
  await prime(api, user).catch(() => null); // the bar shows the error; Settings offers a retry
}

/** Who was logged in: a reload without signal cannot ask the server (null after logout). */
export async function lastUser() {
  return (await (await openStore()).get('meta', 'user')) ?? null;
}

/** {at, user, sites, assets, tags}: what the phone holds now. */
export async function primedInfo(db = null) {
  db ??= await openStore();
  const [at, user, sites, assets, tags] = await Promise.all([
    ...['primedAt', 'primedUser'].map((key) => db.get('meta', key)),
    ...['sites', 'assets', 'tags'].map((name) => db.count(name)),
  ]);
  return { at: at ?? null, user: user ?? null, sites, assets, tags };
}

/** On logout: the register belongs to the user's scope, not to the phone. */
export async function forgetScope(db = null) {
  db ??= await openStore();
  const tx = db.transaction([...SCOPE_STORES, 'meta'], 'readwrite');
  await Promise.all(SCOPE_STORES.map((name) => tx.objectStore(name).clear()));
  await Promise.all(META_KEYS.map((key) => tx.objectStore('meta').delete(key)));
  await tx.done;
}

/** Keeps what an online answer taught us, so the next lookup works offline too. */
export async function rememberAsset(db, asset) {
  const tx = db.transaction(['assets', 'tags'], 'readwrite');
  tx.objectStore('assets').put(asset);
  if (asset.tag_code) tx.objectStore('tags').put({ code: asset.tag_code, asset_id: asset.id, active: true });
  await tx.done;
}

/** A retired code (from a 409 tag_replaced or a history event) and what replaced it. */
export async function rememberRetired(db, { code, asset_id, replaced_by }) {
  if (!code || !asset_id) return;
  await db.put('tags', { code, asset_id, active: false, replaced_by: replaced_by ?? null });
}

export async function cached(db, key) {
  return (await db.get('cache', key)) ?? null;
}

export function putCache(db, key, value) {
  return db.put('cache', value, key);
}
