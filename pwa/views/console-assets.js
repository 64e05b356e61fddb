// The register from the console: search devices (on the server: name, serial, tag code,
// location), page through the results (limit/offset, the total from the server), open one,
// print tag labels (POST /api/labels answers an A4 PDF of 24-up labels, downloaded here).
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
  const pageNumber = Math.max(1, Math.floor(Number(query.get('page'))) || 1);
  const params = new URLSearchParams({ limit: String(PAGE), offset: String((pageNumber - 1) * PAGE) });
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

/** The screen's address for another page of the same search. */
function pageHref(filters, pageNumber) {
  const params = new URLSearchParams();
  if (filters.site) params.set('site', filters.site);
  if (filters.q) params.set('q', filters.q);
  if (pageNumber > 1) params.set('page', String(pageNumber));
  return `#${PATH}${params.toString() ? `?${params}` : ''}`;
}

function pager(page, filters, { bottom = false } = {}) {
  const number = (n) => new Intl.NumberFormat(lang()).format(n);
  const current = Math.floor(page.offset / page.limit) + 1;
  const pages = Math.max(1, Math.ceil(page.total / page.limit));
  const link = (n, key, rel) => (n >= 1 && n <= pages
    ? html`<a class="button secondary small" rel="${rel}" href="${pageHref(filters, n)}">${t(key)}</a>`
    : html`<span class="button secondary small disabled" aria-disabled="true">${t(key)}</span>`);
  // One landmark and one live region: the repeat under the table is a plain row of links.
  return html`
    <div class="pager ${bottom ? 'bottom' : ''}" role="${bottom ? 'group' : 'navigation'}" aria-label="${t('console.pagerLabel')}">
      ${link(current - 1, 'console.previousPage', 'prev')}
      <span class="pager-range" role="${bottom ? 'none' : 'status'}">${t('console.assetsRange', {
        from: number(page.offset + 1), to: number(page.offset + page.items.length), total: number(page.total),
        page: number(current), pages: number(pages),
      })}</span>
      ${link(current + 1, 'console.nextPage', 'next')}
    </div>`;
}

function results(ref, page, filters) {
  if (!page.items.length && page.offset > 0) {
    return html`<p class="empty">${t('console.pagePastEnd')} <a href="${pageHref(filters, 1)}">${t('console.firstPage')}</a></p>`;
  }
  if (!page.items.length) return html`<p class="empty">${t('console.assetsEmpty')}</p>`;
  return html`
    <form id="label-form">
      ${pager(page, filters)}
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
      ${page.total > page.limit ? pager(page, filters, { bottom: true }) : ''}
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
