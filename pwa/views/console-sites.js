// Who works where (administrators only): every site with its client and contract and the
// people assigned to it, by role. Assigning puts the site's records on the person's phone at
// the next sync; unassigning (after a confirmation that says so) removes them again — the
// server logs an `evict` for each record (PROTOCOL.md §5, backend/sites/service.py) — and by
// default returns the open tickets the person held there to the dispatch queue.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { alertBox, consoleScreen, errorText, forgetReference } from './console-reference.js';

const PATH = '/console/sites';
const ROLES = ['technician', 'dispatcher', 'client_rep'];
const state = { message: null };

export const refreshOnSync = false;

export async function load({ api }) {
  const [sites, contracts, clients, assignments, users, board] = await Promise.all([
    api('GET', '/api/sites'), api('GET', '/api/contracts'), api('GET', '/api/clients'),
    api('GET', '/api/site-assignments'), api('GET', '/api/users'), api('GET', '/api/board'),
  ]);
  const message = state.message;
  state.message = null;
  return {
    sites,
    contracts: new Map(contracts.map((c) => [c.id, c])),
    clients: new Map(clients.map((c) => [c.id, c])),
    assignments,
    // Admins see every site without an assignment; disabled accounts cannot log in.
    candidates: users.filter((u) => u.role !== 'admin' && !u.disabled),
    openTickets: board,
    message,
  };
}

// Someone who leaves a site can no longer see its tickets: the ones they still hold go back to
// the dispatch queue unless the admin unticks the choice (DELETE …?open_tickets=return|keep).
function returnChoice(a, site, held) {
  if (!held) return '';
  const id = `return-${site.id}-${a.user_id}`;
  return html`<li><label class="choice return-choice" for="${id}">
    <input type="checkbox" id="${id}" data-return-for="${a.user_id}" checked>
    <span>${t('console.returnTickets', { count: held })}</span></label></li>`;
}

function person(a, site, data) {
  const name = a.display_name || a.username;
  const held = data.openTickets.filter((x) => x.site_id === site.id && x.assignee_id === a.user_id).length;
  return html`
    <li class="person-chip">
      <span>${name}</span>
      <button type="button" class="secondary small" data-action="unassign" data-site="${site.id}" data-user="${a.user_id}"
        data-name="${name}" data-site-name="${site.name}" data-held="${held}"
        aria-label="${t('console.unassignPerson', { name, site: site.name })}">${t('console.unassign')}</button>
    </li>${returnChoice(a, site, held)}`;
}

function roleGroup(role, people, site, data) {
  return html`
    <div class="role-group">
      <h4>${t(`console.roleGroup_${role}`)}</h4>
      ${people.length ? html`<ul class="people">${people.map((a) => person(a, site, data))}</ul>`
        : html`<p class="meta">${t('console.nobodyInRole')}</p>`}
    </div>`;
}

function assignForm(site, assigned, data) {
  const free = data.candidates.filter((u) => !assigned.has(u.id));
  if (!free.length) return html`<p class="meta">${t('console.everyoneAssigned')}</p>`;
  const id = `assign-${site.id}`;
  return html`
    <form class="assign-form search-row" data-site="${site.id}" data-site-name="${site.name}">
      <label for="${id}" class="wb-visually-hidden">${t('console.assignTo', { site: site.name })}</label>
      <select id="${id}" name="user_id" required>
        <option value="">${t('console.choosePerson')}</option>
        ${ROLES.map((role) => html`<optgroup label="${t(`console.roleGroup_${role}`)}">
          ${free.filter((u) => u.role === role).map((u) => html`<option value="${u.id}">${u.display_name} (${u.username})</option>`)}
        </optgroup>`)}
      </select>
      <button type="submit" class="primary small">${t('console.assign')}</button>
    </form>`;
}

function siteCard(site, data) {
  const contract = data.contracts.get(site.contract_id);
  const client = contract ? data.clients.get(contract.client_id) : null;
  const here = data.assignments.filter((a) => a.site_id === site.id);
  const headingId = `site-${site.id}`;
  return html`
    <section class="card site-card" data-site="${site.id}" aria-labelledby="${headingId}">
      <h3 id="${headingId}">${site.name}</h3>
      <p class="meta">${client?.name ?? t('console.unknownClient')} · ${contract ? `${contract.code} ${contract.name}` : ''}</p>
      <div class="role-groups">${ROLES.map((role) => roleGroup(role, here.filter((a) => a.role === role), site, data))}</div>
      ${assignForm(site, new Set(here.map((a) => a.user_id)), data)}
    </section>`;
}

export function view(data, { user }) {
  return consoleScreen(PATH, user, html`
    <header class="console-head"><h2>${t('console.sitesTitle')}</h2></header>
    <p class="meta">${t('console.sitesIntro')}</p>
    ${data.message ? alertBox(data.message.text, data.message.kind) : ''}
    ${data.sites.length ? html`<div class="site-cards">${data.sites.map((s) => siteCard(s, data))}</div>`
      : html`<p class="empty">${t('console.sitesEmpty')}</p>`}`);
}

async function change(ctx, call, success) {
  try {
    await call();
    forgetReference();
    state.message = { kind: 'ok', text: success };
  } catch (error) {
    state.message = { kind: 'bad', text: errorText(error) };
  }
  ctx.refresh();
}

export function mounted(screen, data, ctx) {
  for (const form of screen.querySelectorAll('form.assign-form')) {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const userId = new FormData(form).get('user_id');
      const chosen = data.candidates.find((u) => u.id === userId);
      if (!chosen) return;
      const { site, siteName } = form.dataset;
      change(ctx, () => ctx.api('PUT', `/api/sites/${encodeURIComponent(site)}/assignments/${encodeURIComponent(chosen.id)}`),
        t('console.assigned', { name: chosen.display_name, site: siteName }));
    });
  }
}

export const actions = {
  unassign: async (element, ctx) => {
    const { site, user, name, siteName } = element.dataset;
    const held = Number(element.dataset.held);
    const back = held > 0 && element.closest('ul').querySelector(`[data-return-for="${user}"]`)?.checked !== false;
    const fate = !held ? '' : `\n\n${t(back ? 'console.unassignReturns' : 'console.unassignKeeps', { count: held })}`;
    if (!confirm(t('console.confirmUnassign', { name, site: siteName }) + fate)) return;
    const path = `/api/sites/${encodeURIComponent(site)}/assignments/${encodeURIComponent(user)}`;
    const done = t('console.unassigned_done', { name, site: siteName })
      + (back ? ` ${t('console.ticketsReturned', { count: held })}` : '');
    await change(ctx, () => ctx.api('DELETE', `${path}?open_tickets=${back ? 'return' : 'keep'}`), done);
  },
};
