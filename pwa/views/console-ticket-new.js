// A new fault ticket: site, the device (searched in the register), what happened. The server
// proposes the severity from the device's criticality and the fault scope (DOMAIN.md, repair
// flow step 1); the dispatcher sees the proposal and may change it before dispatching.
import { html } from '../components/html.js';
import { formatCode } from '../components/tag-code.js';
import { t } from '../i18n/index.js';
import { go } from '../router.js';
import {
  SEVERITIES, alertBox, consoleScreen, errorText, formValues, loadReference, severityLabel, siteOptions,
} from './console-reference.js';

const PATH = '/console/tickets/new';
const SOURCES = ['hotline', 'client', 'monitoring', 'inspection'];
const SCOPES = ['system_down', 'function_lost', 'degradation', 'latent_risk'];
const DEFAULTS = { source: 'hotline', fault_scope: 'function_lost' }; // as the server's defaults
const draft = { values: {}, assets: null, error: '', created: null };

export const refreshOnSync = false;

export async function load({ api }) {
  return { ref: await loadReference(api) };
}

function choice(name, value, label) {
  const selected = (draft.values[name] ?? DEFAULTS[name] ?? '') === value;
  return html`<option value="${value}" ${selected ? html`selected` : ''}>${label}</option>`;
}

function assetText(asset) {
  const parts = [asset.name, asset.location_text, asset.tag_code ? formatCode(asset.tag_code) : ''];
  if (asset.criticality === 'key') parts.push(t('criticality_key'));
  return parts.filter(Boolean).join(' · ');
}

function assetPicker() {
  const found = draft.assets;
  return html`
    <div class="asset-search">
      <label for="n-asset-q">${t('console.assetSearch')}</label>
      <div class="search-row">
        <input id="n-asset-q" name="asset_q" type="search" value="${draft.values.asset_q ?? ''}"
               placeholder="${t('console.assetSearchHint')}">
        <button type="button" class="secondary" data-action="find-assets">${t('console.find')}</button>
      </div>
      <label for="n-asset">${t('console.asset')}</label>
      <select id="n-asset" name="asset_id">
        ${choice('asset_id', '', t('console.noAsset'))}
        ${(found ?? []).map((a) => choice('asset_id', a.id,
          assetText(a)))}
      </select>
      ${found && !found.length ? html`<p class="meta" role="status">${t('console.noAssetsFound')}</p>` : ''}
    </div>`;
}

function form(ref) {
  return html`
    <form id="new-ticket" class="card console-form" novalidate>
      <label for="n-site">${t('console.site')}</label>
      <select id="n-site" name="site_id" required>${siteOptions(ref, draft.values.site_id ?? '')}</select>
      ${assetPicker()}
      <label for="n-title">${t('console.title')}</label>
      <input id="n-title" name="title" required maxlength="200" value="${draft.values.title ?? ''}">
      <label for="n-notes">${t('console.description')}</label>
      <textarea id="n-notes" name="notes" rows="3" maxlength="10000">${draft.values.notes ?? ''}</textarea>
      <div class="form-pair">
        <div><label for="n-source">${t('console.source')}</label>
          <select id="n-source" name="source">${SOURCES.map((s) => choice('source', s, t(`console.source_${s}`)))}</select></div>
        <div><label for="n-scope">${t('console.faultScope')}</label>
          <select id="n-scope" name="fault_scope">${SCOPES.map((s) => choice('fault_scope', s, t(`console.scope_${s}`)))}</select></div>
      </div>
      <p class="meta">${t('console.severityProposalHint')}</p>
      ${alertBox(draft.error)}
      <div class="button-row">
        <button type="button" class="secondary" data-action="discard-ticket">${t('console.discard')}</button>
        <button type="submit" class="primary">${t('console.createTicket')}</button>
      </div>
    </form>`;
}

function created(order) {
  return html`
    <section class="card console-form" aria-labelledby="created-title">
      <h3 id="created-title">${t('console.ticketCreated', { title: order.title })}</h3>
      <form id="severity-proposal">
        <label for="c-severity">${t('console.proposedSeverity')}</label>
        <p class="meta">${t('console.proposedSeverityHint')}</p>
        <select id="c-severity" name="severity">
          ${SEVERITIES.map((s) => html`<option value="${s}" ${s === order.proposed ? html`selected` : ''}>${severityLabel(s)}</option>`)}
        </select>
        ${alertBox(draft.error)}
        <div class="button-row">
          <button type="submit" class="secondary">${t('console.saveSeverity')}</button>
          <a class="button primary" href="#/console/tickets/${encodeURIComponent(order.id)}"
             data-action="leave-created">${t('console.dispatchNow')}</a>
        </div>
      </form>
      <button type="button" class="secondary wide" data-action="another-ticket">${t('console.anotherTicket')}</button>
    </section>`;
}

export function view({ ref }, { user }) {
  return consoleScreen(PATH, user, html`
    <header class="console-head"><h2>${t('console.newTicketTitle')}</h2></header>
    ${ref.sites.length ? (draft.created ? created(draft.created) : form(ref)) : html`<p class="empty">${t('noSites')}</p>`}`);
}

function remember(formElement) {
  if (formElement?.id === 'new-ticket') draft.values = formValues(formElement);
}

async function create(ctx, formElement) {
  remember(formElement);
  const v = draft.values;
  // A device found without choosing a site first decides the site.
  v.site_id ??= draft.assets?.find((a) => a.id === v.asset_id)?.site_id;
  if (!v.site_id || !v.title) {
    draft.error = t('console.needSiteAndTitle');
    return ctx.refresh();
  }
  const body = { site_id: v.site_id, title: v.title, notes: v.notes ?? '', source: v.source ?? 'hotline',
    fault_scope: v.fault_scope ?? 'function_lost', asset_id: v.asset_id ?? null };
  try {
    const order = await ctx.api('POST', '/api/work-orders', body);
    // The proposal is the board's effective severity of the new ticket.
    const board = await ctx.api('GET', `/api/board?site_id=${encodeURIComponent(order.site_id)}`);
    const proposed = board.find((b) => b.id === order.id)?.severity ?? 3;
    Object.assign(draft, { values: {}, assets: null, error: '', created: { ...order, proposed } });
  } catch (error) {
    draft.error = errorText(error);
  }
  ctx.refresh();
}

export function mounted(screen, _data, ctx) {
  const formElement = screen.querySelector('#new-ticket');
  formElement?.addEventListener('input', () => remember(formElement));
  formElement?.addEventListener('submit', (event) => {
    event.preventDefault();
    create(ctx, formElement);
  });
  screen.querySelector('#severity-proposal')?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const severity = Number(new FormData(event.currentTarget).get('severity'));
    const order = draft.created;
    try {
      await ctx.api('POST', `/api/work-orders/${encodeURIComponent(order.id)}/severity`, { severity });
      draft.created = null;
      go(`/console/tickets/${encodeURIComponent(order.id)}`);
    } catch (error) {
      draft.error = errorText(error);
      ctx.refresh();
    }
  });
}

export const actions = {
  'find-assets': async (_element, ctx) => {
    remember(document.getElementById('new-ticket'));
    const params = new URLSearchParams({ limit: '50' });
    if (draft.values.site_id) params.set('site_id', draft.values.site_id);
    if (draft.values.asset_q) params.set('q', draft.values.asset_q);
    try {
      draft.assets = (await ctx.api('GET', `/api/assets?${params}`)).items;
      draft.error = '';
    } catch (error) {
      draft.error = errorText(error);
    }
    ctx.refresh();
  },
  'discard-ticket': (_element, ctx) => {
    remember(document.getElementById('new-ticket'));
    if (Object.keys(draft.values).length && !confirm(t('console.confirmDiscard'))) return;
    Object.assign(draft, { values: {}, assets: null, error: '' });
    ctx.refresh();
  },
  'another-ticket': (_element, ctx) => {
    Object.assign(draft, { values: {}, assets: null, error: '', created: null });
    ctx.refresh();
  },
  'leave-created': () => {
    Object.assign(draft, { error: '', created: null });
  },
};
