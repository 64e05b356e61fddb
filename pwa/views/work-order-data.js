// What the work order and signing screens load: the synced record (store/local.js), the REST
// answer with deadlines and history (cached for offline), the primed asset and site, and
// thumbnails from the phone's own photo bytes.
import { t } from '../i18n/index.js';
import { ApiError } from '../store/api.js';
import { openStore } from '../store/db.js';
import { liveEvents, record, startSession } from '../store/local.js';
import { refusedOf } from './conflicts-refused.js';

const CACHE_PREFIX = 'work-order:';
const MY_WORK_KEY = 'my-work-orders'; // store/my-work.js KEYS.workOrders
let thumbUrls = [];

/** The server's answer (cached), or the cached one when there is no signal. */
async function restAnswer(db, api, id, online) {
  const key = `${CACHE_PREFIX}${id}`;
  if (online) {
    try {
      const answer = await api('GET', `/api/work-orders/${encodeURIComponent(id)}`);
      await db.put('cache', { answer, at: Date.now() }, key);
      return { answer, at: Date.now(), live: true };
    } catch (error) {
      if (error instanceof ApiError && [403, 404].includes(error.status)) return { gone: true };
    }
  }
  const known = await db.get('cache', key);
  return known ? { ...known, live: false } : null;
}

/**
 * A record the sync log has never carried (tickets created before sync existed) is taken from
 * the REST answer, which is the same server state, so the phone can act on it; the next pull
 * that touches it replaces it.
 */
async function adopt(db, answer) {
  const comments = Object.fromEntries((answer.comments ?? []).map((c) => [c.id, { data: { body: c.body }, hlc: c.hlc, removed: false }]));
  const state = {
    id: answer.id, version: answer.version, deleted: answer.deleted,
    fields: {
      title: answer.title, notes: answer.notes, status: answer.status, assignee: answer.assignee_id,
      severity: answer.severity ?? null, diagnosis: answer.diagnosis ?? null, parts_used: answer.parts_used ?? null,
      verification: answer.verification ?? null, follow_up: answer.follow_up ?? null,
    },
    clocks: answer.clocks ?? {}, events: { comments, photos: {} }, site_id: answer.site_id, asset_id: answer.asset_id,
  };
  const tx = db.transaction('records', 'readwrite');
  if (!(await tx.store.get(['work_order', answer.id]))) {
    await tx.store.put({ entity: 'work_order', id: answer.id, server: state, local: state });
  }
  await tx.done;
}

/** Object URLs for each photo: the phone's bytes, else the server's thumbnail when online. */
async function thumbnails(db, photos, online) {
  for (const url of thumbUrls) URL.revokeObjectURL(url);
  thumbUrls = [];
  const found = {};
  for (const photo of photos) {
    const row = await db.get('blobs', photo.sha256);
    if (row?.bytes) {
      const url = URL.createObjectURL(new Blob([row.bytes], { type: row.mime }));
      thumbUrls.push(url);
      found[photo.sha256] = url;
    } else if (online) {
      found[photo.sha256] = `/api/blobs/${photo.sha256}?rendition=thumb`;
    }
  }
  return found;
}

/** Comment authors' names from the server's answer (cached with it for offline use). */
function authorNames(rest) {
  const names = {};
  for (const c of rest?.answer?.comments ?? []) if (c.author_id && c.author_name) names[c.author_id] = c.author_name;
  return names;
}

async function slaSource(db, rest, id) {
  if (rest?.answer?.sla?.windows) return rest.answer.sla;
  const mine = await db.get('cache', MY_WORK_KEY);
  return mine?.items?.find((item) => item.id === id) ?? null;
}

function unavailable(online) {
  return new ApiError(404, { error: 'work_order_unavailable', message: t(online ? 'wo.missing' : 'wo.notOnPhone') });
}

/** Everything both screens show about one work order. */
export async function loadWorkOrder({ api, online, params, user }) {
  const db = await openStore();
  const { declarations } = await startSession();
  let state = await record('work_order', params.id);
  const rest = await restAnswer(db, api, params.id, online);
  if (rest?.gone && !state) throw unavailable(true);
  if (!state && rest?.answer) {
    await adopt(db, rest.answer);
    state = await record('work_order', params.id);
  }
  if (!state || state.deleted) throw unavailable(online);
  const photos = liveEvents(state, 'photos');
  const [asset, site, sla, thumbs, refused] = await Promise.all([
    state.asset_id ? db.get('assets', state.asset_id) : null,
    db.get('sites', state.site_id),
    slaSource(db, rest, state.id),
    thumbnails(db, photos, online),
    refusedOf(db, photos),
  ]);
  return {
    db, state, fields: state.fields, photos, thumbs, refused, asset, site, sla, rest,
    comments: liveEvents(state, 'comments'), declaration: declarations.work_order,
    me: user?.id ?? null, authors: authorNames(rest),
  };
}
