// The technician's reference data for the day, kept in the `cache` store: my open work orders
// (for their SLA order and deadlines; the records themselves arrive through sync), my due
// inspection rounds with their plans (which assets a round covers), and the checklist
// templates (every latest version plus each version one of my drafts uses).
// Fetched by priming and refreshed whenever Today is opened online.

const cached = async (db, key) => (await db.get('cache', key)) ?? null;
const putCache = (db, key, value) => db.put('cache', value, key);

const CONCURRENCY = 4;
export const KEYS = { workOrders: 'my-work-orders', inspections: 'my-inspections', plans: 'plans', templates: 'templates' };
const INSPECTION_PREFIX = 'inspection:';

// Asset register device types → template keys where the names differ. Mirrors
// TEMPLATE_FOR_DEVICE_TYPE in backend/inspections/template_service.py: the phone has to pick
// the checklist offline, and the record says which version it used (template_id).
const TEMPLATE_FOR_DEVICE_TYPE = {
  hemisphere_camera: 'dome_camera', traffic_dome: 'dome_camera', nvr: 'nvr_dvr', video_decoder: 'nvr_dvr',
  intercom_host: 'intercom', intercom_terminal: 'intercom', switch: 'network_switch', router: 'network_switch',
  patch_panel: 'cabinet', roadside_cabinet: 'cabinet', battery_pack: 'ups', ep_camera: 'checkpoint_camera',
  signal_controller: 'signal_light', signal_head: 'signal_light', countdown_timer: 'signal_light',
  media_player: 'body_camera',
};

/** {workOrders, inspections: {rounds, drafts}, plans}; work orders only for technicians (the API's rule). */
export async function fetchWork(api, user) {
  const [workOrders, inspections, plans] = await Promise.all([
    user.role === 'technician' ? api('GET', '/api/my/work-orders') : [],
    api('GET', '/api/my/inspections'),
    api('GET', '/api/inspection-plans'),
  ]);
  return { workOrders, inspections, plans };
}

/** Template ids to have on the phone: the latest of each key and those my drafts were started with. */
export function templatesWanted(summaries, work) {
  const ids = new Set(summaries.filter((s) => s.latest).map((s) => s.id));
  for (const draft of work.inspections?.drafts ?? []) if (draft.template_id) ids.add(draft.template_id);
  return [...ids].sort();
}

/** Template bodies, a few requests at a time; `onEach` after each one (the progress bar). */
export async function fetchTemplates(api, ids, onEach = () => {}) {
  const queue = [...ids];
  const found = [];
  const worker = async () => {
    while (queue.length) {
      const id = queue.shift();
      found.push(await api('GET', `/api/checklist-templates/${encodeURIComponent(id)}`));
      onEach();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  return found;
}

/** [key, value] pairs for the cache store. */
export function workCacheEntries(work, templates, at = Date.now()) {
  const entries = [
    [KEYS.workOrders, { items: work.workOrders, at }],
    [KEYS.inspections, { ...work.inspections, at }],
    [KEYS.plans, { items: work.plans, at }],
  ];
  if (work.summaries) entries.push([KEYS.templates, work.summaries]);
  for (const template of templates) entries.push([`template:${template.id}`, template]);
  return entries;
}

/**
 * Online: the lists again, plus the template of any draft not on the phone (the latest
 * versions are priming's job); false when the network failed.
 */
export async function refreshWork(api, user, db) {
  try {
    const work = await fetchWork(api, user);
    const have = new Set((await db.getAllKeys('cache')).filter((k) => String(k).startsWith('template:')));
    const missing = templatesWanted([], work).filter((id) => !have.has(`template:${id}`));
    const templates = await fetchTemplates(api, missing);
    const tx = db.transaction('cache', 'readwrite');
    for (const [key, value] of workCacheEntries(work, templates)) tx.store.put(value, key);
    await tx.done;
    return true;
  } catch {
    return false;
  }
}

/** The cached lists: {workOrders, inspections, plans, at} (empty lists before the first download). */
export async function cachedWork(db) {
  const [workOrders, inspections, plans] = await Promise.all(
    [KEYS.workOrders, KEYS.inspections, KEYS.plans].map((key) => cached(db, key)),
  );
  return {
    workOrders: workOrders?.items ?? [],
    inspections: { rounds: inspections?.rounds ?? [], drafts: inspections?.drafts ?? [] },
    plans: plans?.items ?? [],
    at: workOrders?.at ?? inspections?.at ?? null,
    primed: inspections !== null,
  };
}

export function templateKeyFor(deviceType) {
  return TEMPLATE_FOR_DEVICE_TYPE[deviceType] ?? deviceType;
}

/** The checklist for an asset: a chosen version, else the latest for its device type; null if not on the phone. */
export async function templateFor(db, asset, chosenId = null) {
  if (chosenId) return cached(db, `template:${chosenId}`);
  const summaries = (await cached(db, KEYS.templates)) ?? [];
  const key = templateKeyFor(asset.device_type);
  const latest = summaries.filter((s) => s.key === key).sort((a, b) => b.version - a.version)[0];
  return latest ? cached(db, `template:${latest.id}`) : null;
}

/** Online, when the phone has no checklist for the asset: the current template list, then its body. */
export async function fetchTemplateFor(api, db, asset) {
  try {
    await putCache(db, KEYS.templates, await api('GET', '/api/checklist-templates'));
  } catch {
    return null;
  }
  const summaries = (await cached(db, KEYS.templates)) ?? [];
  const latest = summaries.find((s) => s.latest && s.key === templateKeyFor(asset.device_type));
  return latest ? fetchTemplate(api, db, latest.id) : null;
}

/** Fetches one template online and keeps it; null when it cannot. */
export async function fetchTemplate(api, db, id) {
  try {
    const [template] = await fetchTemplates(api, [id]);
    await putCache(db, `template:${id}`, template);
    return template;
  } catch {
    return null;
  }
}

/** Where an inspection started on this phone belongs (the start mutation's arguments). */
export function rememberInspection(db, meta) {
  return putCache(db, `${INSPECTION_PREFIX}${meta.id}`, meta);
}

export function inspectionMeta(db, id) {
  return cached(db, `${INSPECTION_PREFIX}${id}`);
}

/** Every inspection started on this phone (meta), newest first. */
export async function localInspections(db) {
  const range = IDBKeyRange.bound(INSPECTION_PREFIX, `${INSPECTION_PREFIX}\uffff`);
  const all = await db.getAll('cache', range);
  return all.sort((a, b) => (a.started_at < b.started_at ? 1 : -1));
}

/** Assets a round covers: its plan's scope over the primed register (plan_service.plan_assets). */
export async function roundAssets(db, plan) {
  if (!plan) return [];
  const assets = await db.getAllFromIndex('assets', 'by-site', plan.site_id);
  const ids = plan.asset_ids?.length ? new Set(plan.asset_ids) : null;
  return assets
    .filter((a) => a.status !== 'retired')
    .filter((a) => plan.system == null || a.system === plan.system)
    .filter((a) => plan.device_type == null || a.device_type === plan.device_type)
    .filter((a) => !ids || ids.has(a.id))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
