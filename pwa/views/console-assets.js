// The register from the console: search devices, open one, print tag labels (POST
// /api/labels answers an A4 PDF of 24-up labels, downloaded here).
import { html } from '../components/html.js';
import { formatCode } from '../components/tag-code.js';
import { lang, t } from '../i18n/index.js';
import { currentQuery, go } from '../router.js';
import { ApiError } from '../store/api.js';
import { alertBox, consoleScreen, errorText, loadReference, siteName, siteOptions } from './console-reference.js';

const PATH = '/console/assets';
const PAGE = 50;
let message = null;

export async function load({ api }) {
  const query = currentQuery();
  const filters = { site: query.get('site') ?? '', q: query.get('q') ?? '' };
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (filters.site) params.set('site_id', filters.site);
  if (filters.q) params.set('q', filters.q);
  const [ref, page] = await Promise.all([loadReference(api), api('GET', `/api/assets?${params}`)]);
  const shown = message;
  message = null;
  return { ref, page, filters, message: shown };
}

function searchForm(ref, filters) {
  return html`
    <form id="asset-search" class="console-filters" role="search">
      <div><label for="a-site">${t('console.site')}</label>
        <select id="a-site" name="site">${siteOptions(ref, filters.site, { any: true })}</select></div>
      <div class="grow"><label for="a-q">${t('console.assetSearch')}</label>
        <input id="a-q" name="q" type="search" value="${filters.q}" placeholder="${t('console.assetSearchHint')}"></div>
      <div class="end"><button type="submit" class="primary">${t('console.find')}</button></div>
    </form>`;
}

function assetRow(ref, asset) {
  const label = t('console.selectAsset', { name: asset.name });
  return html`
    <tr>
      <td class="pick"><label class="pick-target"><input type="checkbox" name="asset" value="${asset.id}"
        ${asset.tag_code ? '' : html`disabled`}><span class="wb-visually-hidden">${label}</span></label></td>
      <th scope="row"><a href="#/assets/${encodeURIComponent(asset.id)}">${asset.name}</a>
        ${asset.criticality === 'key' ? html` <span class="chip key">${t('criticality_key')}</span>` : ''}</th>
      <td data-label="${t('console.site')}">${siteName(ref, asset.site_id)}</td>
      <td data-label="${t('assetLocation')}">${asset.location_text}</td>
      <td data-label="${t('assetTag')}" class="mono">${asset.tag_code ? formatCode(asset.tag_code) : t('assetNoTag')}</td>
      <td data-label="${t('console.assetStatus')}">${t(`status_${asset.status}`)}</td>
    </tr>`;
}

function results(ref, page, filters) {
  if (!page.items.length) return html`<p class="empty">${t('console.assetsEmpty')}</p>`;
  const total = new Intl.NumberFormat(lang()).format(page.total);
  return html`
    <form id="label-form">
      <p class="meta" role="status">${t('console.assetsShown', { shown: page.items.length, total })}</p>
      <div class="button-row">
        <button type="submit" class="primary">${t('console.printSelected')}</button>
        ${filters.site ? html`<button type="button" class="secondary" data-action="print-site">${t('console.printSite')}</button>` : ''}
      </div>
      <table class="board assets">
        <caption class="wb-visually-hidden">${t('console.assetsCaption')}</caption>
        <thead><tr><th scope="col"><span class="wb-visually-hidden">${t('console.select')}</span></th>
          <th scope="col">${t('console.asset')}</th><th scope="col">${t('console.site')}</th>
          <th scope="col">${t('assetLocation')}</th><th scope="col">${t('assetTag')}</th>
          <th scope="col">${t('console.assetStatus')}</th></tr></thead>
        <tbody>${page.items.map((a) => assetRow(ref, a))}</tbody>
      </table>
    </form>`;
}

export function view({ ref, page, filters, message: shown }, { user }) {
  return consoleScreen(PATH, user, html`
    <header class="console-head"><h2>${t('console.assetsTitle')}</h2></header>
    ${searchForm(ref, filters)}
    ${shown ? alertBox(shown.text, shown.kind) : ''}
    ${results(ref, page, filters)}`);
}

function csrfToken() {
  return decodeURIComponent(document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)?.[1] ?? '');
}

/** The PDF comes as a download: api() reads JSON, so this one call uses fetch itself. */
async function downloadLabels(body) {
  const response = await fetch('/api/labels', {
    method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', 'x-csrftoken': csrfToken() },
  });
  if (!response.ok) throw new ApiError(response.status, await response.json().catch(() => null));
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: 'weibao-labels.pdf' });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

async function print(ctx, body, count) {
  try {
    await downloadLabels(body);
    message = { kind: 'ok', text: t('console.labelsReady', { count }) };
  } catch (error) {
    message = { kind: 'bad', text: errorText(error) };
  }
  ctx.refresh();
}

export function mounted(screen, data, ctx) {
  screen.querySelector('#asset-search')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams([...new FormData(event.currentTarget)].filter(([, v]) => String(v).trim()));
    go(params.toString() ? `${PATH}?${params}` : PATH);
  });
  screen.querySelector('#label-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const ids = new FormData(event.currentTarget).getAll('asset').map(String);
    if (!ids.length) {
      message = { kind: 'bad', text: t('console.selectFirst') };
      return ctx.refresh();
    }
    print(ctx, { asset_ids: ids }, ids.length);
  });
}

export const actions = {
  'print-site': (_element, ctx) => {
    const site = currentQuery().get('site');
    if (!site || !confirm(t('console.confirmPrintSite'))) return;
    print(ctx, { site_id: site }, t('console.allOfSite'));
  },
};
