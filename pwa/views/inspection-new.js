// Starting an inspection (from Today's round list or the Asset screen): the record is created
// on the phone with a client id (inspection.start), then the run opens in its place — the
// start page is replaced in the history, so "back" never starts a second one.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { currentQuery } from '../router.js';
import { ApiError } from '../store/api.js';
import { openStore } from '../store/db.js';
import { mutate, record, startSession } from '../store/local.js';
import { fetchTemplateFor, localInspections, rememberInspection, templateFor } from '../store/my-work.js';
import { rememberAsset } from '../store/prime.js';
import { uuidv7 } from '../store/uuidv7.js';

function unavailable(key) {
  return new ApiError(404, { error: 'inspection_unavailable', message: t(key) });
}

async function findAsset(db, api, online, id) {
  const known = await db.get('assets', id);
  if (known || !online) return known ?? null;
  const fetched = await api('GET', `/api/assets/${encodeURIComponent(id)}`).catch(() => null);
  if (fetched) await rememberAsset(db, fetched);
  return fetched;
}

async function findTemplate(db, api, online, asset) {
  const known = await templateFor(db, asset);
  if (known || !online) return known;
  return fetchTemplateFor(api, db, asset); // not downloaded yet, or published since
}

export async function load({ api, online }) {
  const query = currentQuery();
  const roundId = query.get('round') || null;
  const db = await openStore();
  const asset = await findAsset(db, api, online, query.get('asset'));
  if (!asset) throw unavailable(online ? 'insp.assetMissing' : 'insp.assetNotOnPhone');
  // The same asset in the same round already started on this phone: continue that one.
  const started = (await localInspections(db)).find((m) => roundId && m.asset_id === asset.id && m.round_id === roundId);
  const open = started && (await record('inspection', started.id).catch(() => null))?.fields?.status === 'draft';
  if (open) {
    location.replace(`#/inspections/${encodeURIComponent(started.id)}`);
    return { opening: true };
  }
  // The rules for inspections come with the server's declarations (cached after one online start).
  const { declarations } = await startSession().catch(() => ({ declarations: {} }));
  if (!declarations.inspection) throw unavailable('insp.noRules');
  const template = await findTemplate(db, api, online, asset);
  if (!template) throw unavailable('insp.templateMissing');
  const id = uuidv7();
  const start = { site_id: asset.site_id, asset_id: asset.id, round_id: roundId, template_id: template.id,
    started_at: new Date().toISOString() };
  await mutate('inspection', id, 'inspection.start', start);
  await rememberInspection(db, { id, ...start });
  location.replace(`#/inspections/${encodeURIComponent(id)}`);
  return { opening: true };
}

export function view() {
  return html`<p class="meta" role="status">${t('opening')}</p>`;
}
