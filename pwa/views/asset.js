// Asset: what the device is, where, how important, its history and open tickets. Works from
// the primed copy offline; online it refreshes that copy and the cached history.
import { html } from '../components/html.js';
import { formatCode } from '../components/tag-code.js';
import { lang, t } from '../i18n/index.js';
import { formatDate, formatDateTime, localToday } from '../i18n/dates.js';
import { ApiError } from '../store/api.js';
import { openStore } from '../store/db.js';
import { cached, putCache, rememberAsset, rememberRetired } from '../store/prime.js';
import { mutate } from '../store/local.js';
import { go } from '../router.js';
import { uuidv7 } from '../store/uuidv7.js';

function unavailable(key) {
  return new ApiError(404, { error: 'asset_unavailable', message: t(key) });
}

/** The server's answer, or null when there is none (no signal): the phone's copy decides. */
async function fresh(api, path) {
  try {
    return await api('GET', path);
  } catch (error) {
    if (!(error instanceof ApiError)) return null;
    throw [403, 404].includes(error.status) ? unavailable('assetMissing') : error;
  }
}

async function loadAsset(db, api, id, online) {
  const path = `/api/assets/${encodeURIComponent(id)}`;
  const remote = online ? await fresh(api, path) : null;
  if (remote) await rememberAsset(db, remote);
  const asset = remote ?? (await db.get('assets', id));
  if (!asset) throw unavailable(online ? 'assetMissing' : 'assetNotOnPhone');
  // Edits made on this phone and not yet confirmed (sync 'asset' records) show at once.
  const local = (await db.get('records', ['asset', id]))?.local?.fields;
  if (local) Object.assign(asset, { status: local.status, notes: local.notes, location_text: local.location });
  return asset;
}

async function loadHistory(db, api, id, online) {
  const key = `history:${id}`;
  const events = online ? await fresh(api, `/api/assets/${encodeURIComponent(id)}/history`).catch(() => null) : null;
  if (!events) return { ...(await cached(db, key)), live: false };
  await putCache(db, key, { events, at: Date.now() });
  for (const event of events.filter((e) => e.kind === 'tag_replaced')) {
    await rememberRetired(db, { code: event.detail.old_code, asset_id: id, replaced_by: event.detail.new_code });
  }
  return { events, at: Date.now(), live: true };
}

export async function load({ api, online, params }) {
  const db = await openStore();
  const asset = await loadAsset(db, api, params.id, online);
  const [site, systemTypes, history] = await Promise.all([
    db.get('sites', asset.site_id), cached(db, 'system-types'), loadHistory(db, api, asset.id, online),
  ]);
  return { asset, site, systemTypes: systemTypes ?? [], history };
}

function systemName(systemTypes, key) {
  const type = systemTypes.find((s) => s.key === key);
  if (!type) return key;
  return lang() === 'zh-CN' ? type.name_zh : type.name_en;
}

function row(label, value, extra = '') {
  if (value === null || value === undefined || value === '') return '';
  return html`<div class="field"><dt>${label}</dt><dd>${value}${extra}</dd></div>`;
}

function location(asset) {
  const parts = [asset.building, asset.floor, asset.room].filter(Boolean).join(' · ');
  return [parts, asset.location_text].filter(Boolean).join(' — ');
}

function warranty(asset) {
  if (!asset.warranty_end) return '';
  const expired = asset.warranty_end < localToday();
  return row(t('assetWarrantyEnd'), formatDate(asset.warranty_end),
    expired ? html` <span class="flag bad">${t('assetWarrantyExpired')}</span>` : '');
}

function details({ asset, site, systemTypes }) {
  return html`
    <dl class="fields card">
      ${row(t('assetSystem'), systemName(systemTypes, asset.system))}
      ${row(t('assetBrandModel'), [asset.brand, asset.model].filter(Boolean).join(' '))}
      ${row(t('assetSerial'), asset.serial)}
      ${row(t('assetSite'), site?.name ?? '')}
      ${row(t('assetLocation'), location(asset))}
      ${row(t('assetTag'), asset.tag_code ? formatCode(asset.tag_code) : t('assetNoTag'))}
      ${row(t('assetInstalled'), formatDate(asset.install_date))}
      ${warranty(asset)}
      ${row(t('assetNotes'), asset.notes)}
    </dl>`;
}

function eventText(event) {
  const d = event.detail ?? {};
  if (event.kind === 'created') return t('event_created');
  if (event.kind === 'status_changed') {
    return t('event_status_changed', { from: t(`status_${d.from}`), to: t(`status_${d.to}`) });
  }
  if (event.kind === 'tag_issued') return t('event_tag_issued', { code: formatCode(d.code ?? '') });
  if (event.kind === 'tag_replaced') {
    return t('event_tag_replaced', { old: d.old_code ? formatCode(d.old_code) : '—', new: formatCode(d.new_code ?? '') });
  }
  return event.kind;
}

function historyView(history, online) {
  if (!history.events) {
    return html`<p class="empty">${t(online ? 'historyUnavailable' : 'historyNotCached')}</p>`;
  }
  const note = history.live ? '' : html`<p class="meta">${t('historyCachedAt', { time: formatDateTime(history.at) })}</p>`;
  if (!history.events.length) return html`${note}<p class="empty">${t('historyEmpty')}</p>`;
  return html`${note}<ol class="history">
    ${[...history.events].reverse().map((e) => html`
      <li><span class="meta">${formatDateTime(e.at)} · ${e.actor_name}</span><span>${eventText(e)}</span></li>`)}
  </ol>`;
}

export function view(data, { online }) {
  const { asset } = data;
  const key = asset.criticality === 'key';
  return html`
    <article class="asset-screen">
      <header class="asset-head ${key ? 'key' : ''}">
        <h2 id="asset-name">${asset.name}</h2>
        <div class="chips">
          ${key ? html`<span class="chip key">${t('criticality_key')}</span>` : ''}
          <span class="chip status-${asset.status}">${t(`status_${asset.status}`)}</span>
        </div>
      </header>
      ${online ? '' : html`<p class="notice">${t('assetOfflineNote')}</p>`}
      ${details(data)}
      ${dayButtons(asset)}
      <h3>${t('openTickets')}</h3>
      <p class="empty">${t('openTicketsEmpty')}</p>
      <h3>${t('assetHistory')}</h3>
      ${historyView(data.history, online)}
      <a class="button secondary" href="#/scan">${t('scanAnother')}</a>
    </article>`;
}

// Start an inspection or report a fault right here (H5): both work offline, as sync mutations.
function dayButtons(asset) {
  if (asset.status === 'retired') return '';
  return html`<div class="button-row asset-actions">
    <a class="button primary" id="asset-inspect" href="#/inspections/new?asset=${encodeURIComponent(asset.id)}">${t('insp.startInspection')}</a>
    <button type="button" class="secondary" data-action="report-fault" data-asset="${asset.id}" data-site="${asset.site_id}"
      data-name="${asset.name}">${t('insp.reportFault')}</button>
  </div>`;
}

export const actions = {
  'report-fault': async (element) => {
    const id = uuidv7();
    const { asset: assetId, site: siteId, name } = element.dataset;
    const title = t('insp.faultTitle', { asset: name }).slice(0, 200);
    await mutate('work_order', id, 'work_order.create', { title, notes: '', site_id: siteId, asset_id: assetId });
    go(`/work-orders/${id}`);
  },
};
