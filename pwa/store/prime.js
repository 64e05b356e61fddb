// Priming: the technician's scope (sites, every asset of them with its active tag, system
// type names, checklist templates, my work orders and due inspection rounds with their plans)
// copied into IndexedDB, so Today, Scan, Asset and an inspection work in a basement without
// signal. The new copy replaces the old one in ONE transaction: an interrupted download
// leaves the previous data whole, never half of each.
import { openStore } from './db.js';
import { requestPersistence } from './storage.js';
import { fetchWork, fetchTemplates, templatesWanted, workCacheEntries } from './my-work.js';

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

// The bar counts every request still to come (asset pages, template bodies, the work lists)
// plus the final write, so it reaches 100 % only when everything is on the phone (the
// templates are counted once known, so the write keeps the bar short of 100 until then).
// Its label counts devices.
function counter() {
  const units = { done: 0, total: 1 };
  return {
    add(n) { units.total += n; },
    step(changes = {}) {
      units.done += 1;
      report({ ...changes, units: { ...units } });
    },
  };
}

async function fetchAssets(api, units) {
  const assets = [];
  let total = null;
  while (total === null || assets.length < total) {
    const query = new URLSearchParams({ limit: String(PAGE_SIZE), offset: String(assets.length) });
    const page = await api('GET', `/api/assets?${query}`);
    if (total === null) units.add(Math.max(1, Math.ceil(page.total / PAGE_SIZE)));
    total = page.total;
    assets.push(...page.items);
    units.step({ done: assets.length, total });
    if (!page.items.length) break; // the register shrank while paging: stop, never loop
  }
  return assets;
}

/** Retired codes learned earlier (online lookups, history) whose asset is still in scope. */
async function keptRetired(db, assetIds) {
  const tags = await db.getAll('tags');
  return tags.filter((tag) => !tag.active && assetIds.has(tag.asset_id));
}

async function store(db, { sites, systemTypes, assets, work, templates }, user) {
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
  for (const [key, value] of workCacheEntries(work, templates)) put('cache', value, key);
  const at = Date.now();
  put('meta', at, 'primedAt');
  put('meta', user.id, 'primedUser');
  await Promise.all([...writes, tx.done]);
  return at;
}

// A weak signal or a busy server drops single requests; a download of a few dozen should
// not fail for one of them. Client errors (4xx) are answers, not hiccups: never retried.
const RETRIES = [1000, 3000];

function patient(api) {
  return async (method, path) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await api(method, path);
      } catch (error) {
        const answered = error?.status >= 400 && error.status < 500;
        if (answered || attempt >= RETRIES.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRIES[attempt]));
      }
    }
  };
}

async function download(plainApi, user, db) {
  const api = patient(plainApi);
  report({ running: true, done: 0, total: null, error: null, finished: false, units: null });
  const units = counter();
  units.add(3); // sites + system types, the work lists, the template list
  try {
    const lists = Promise.all([api('GET', '/api/sites'), api('GET', '/api/system-types')]).finally(() => units.step());
    const work = fetchWork(api, user).finally(() => units.step());
    const summaries = api('GET', '/api/checklist-templates').finally(() => units.step());
    const assets = await fetchAssets(api, units);
    const wanted = templatesWanted(await summaries, await work);
    units.add(wanted.length);
    const templates = await fetchTemplates(api, wanted, () => units.step());
    const [sites, systemTypes] = await lists;
    await store(db, { sites, systemTypes, assets, work: { ...(await work), summaries: await summaries }, templates }, user);
    report({ running: false, done: assets.length, total: assets.length, finished: true, units: null });
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
