// What every console screen shares: the sub-navigation, the reference data (sites, the people
// of each site, for names and dispatch choices) and error sentences that say what to do next.
import { html } from '../components/html.js';
import { lang, t } from '../i18n/index.js';
import { ApiError } from '../store/api.js';

export const SEVERITIES = [1, 2, 3, 4];
const REFERENCE_TTL_MS = 60_000;
let reference = null; // { at, sites, people, assignments, siteTechnicians }

const SECTIONS = [
  { path: '/console', key: 'console.navBoard' },
  { path: '/console/tickets/new', key: 'console.navNewTicket' },
  { path: '/console/conflicts', key: 'console.navConflicts' },
  { path: '/console/assets', key: 'console.navAssets' },
  { path: '/console/plans', key: 'console.navPlans' },
  { path: '/console/users', key: 'console.navUsers', roles: ['admin'] },
  { path: '/console/sites', key: 'console.navSites', roles: ['admin'] },
];

export function consoleNav(active, user) {
  const visible = SECTIONS.filter((s) => !s.roles || s.roles.includes(user.role));
  return html`
    <nav class="console-nav" aria-label="${t('console.navLabel')}">
      ${visible.map((s) => html`<a href="#${s.path}" aria-current="${s.path === active ? 'page' : 'false'}"
        class="${s.path === active ? 'active' : ''}">${t(s.key)}</a>`)}
    </nav>`;
}

/** The console frame: navigation, then the screen's own heading and content. */
export function consoleScreen(active, user, content) {
  return html`<div class="console">${consoleNav(active, user)}<div class="console-body">${content}</div></div>`;
}

function siteTechnicians(sites, assignments) {
  const people = new Map();
  const bySite = new Map(sites.map((site) => [site.id, []]));
  for (const a of assignments) {
    people.set(a.user_id, a.display_name || a.username);
    if (a.role === 'technician') bySite.get(a.site_id)?.push(a);
  }
  return { people, bySite };
}

/** Sites and the people assigned to them (one call for all sites), fetched at most once a minute. */
export async function loadReference(api, { fresh = false } = {}) {
  if (!fresh && reference && Date.now() - reference.at < REFERENCE_TTL_MS) return reference;
  const [sites, assignments] = await Promise.all([api('GET', '/api/sites'), api('GET', '/api/site-assignments')]);
  const { people, bySite } = siteTechnicians(sites, assignments);
  reference = { at: Date.now(), sites, people, assignments, siteTechnicians: bySite };
  return reference;
}

/** After a change of who is assigned where, the next screen must not use the cached lists. */
export function forgetReference() {
  reference = null;
}

export function siteName(ref, id) {
  return ref.sites.find((s) => s.id === id)?.name ?? t('console.unknownSite');
}

export function personName(ref, id) {
  if (!id) return t('console.unassigned');
  return ref.people.get(id) ?? t('console.unknownPerson');
}

export function siteOptions(ref, selected, { any = false } = {}) {
  return html`
    ${any ? html`<option value="">${t('console.allSites')}</option>` : html`<option value="">${t('console.chooseSite')}</option>`}
    ${ref.sites.map((s) => html`<option value="${s.id}" ${s.id === selected ? html`selected` : ''}>${s.name}</option>`)}`;
}

const KNOWN_CODES = ['not_site_technician', 'already_resolved', 'illegal_transition', 'stale', 'conflict',
  'evidence_awaiting_upload', 'template_key_not_device_type', 'no_template_for_device_type', 'unknown_device_type'];

/** A sentence in the screen's language that tells what happened and what to do next. */
export function errorText(error) {
  if (!(error instanceof ApiError)) return t('networkError');
  const known = KNOWN_CODES.includes(error.code) ? t(`console.error_${error.code}`) : null;
  const byStatus = {
    401: 'console.error401', 403: 'console.error403', 404: 'console.error404', 409: 'console.error409',
    422: 'console.error422', 429: 'console.error429',
  }[error.status] ?? (error.status >= 500 ? 'console.error5xx' : 'console.error422');
  const text = known ?? t(byStatus);
  // The server words its reasons in English: an English screen gains the precise reason,
  // a Chinese screen stays in Chinese.
  return lang() === 'en' && error.message && !known ? `${text} (${error.message})` : text;
}

export function alertBox(message, kind = 'bad') {
  if (!message) return '';
  return html`<p class="console-alert ${kind}" role="${kind === 'bad' ? 'alert' : 'status'}">${message}</p>`;
}

export function severityLabel(level) {
  return t(`console.severity${level}`);
}

/** Field values of a form as a plain object, trimmed, empty strings left out. */
export function formValues(form) {
  const values = {};
  for (const [key, value] of new FormData(form).entries()) {
    const text = String(value).trim();
    if (text !== '') values[key] = text;
  }
  return values;
}
