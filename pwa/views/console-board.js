// The dispatcher's live board: open tickets by urgency (the server's order, GET /api/board),
// SLA countdowns ticking every second, amber at 80 % of a window and red once breached;
// refreshed every 30 s and whenever the window regains focus.
import { html } from '../components/html.js';
import { lang, t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { currentPath, currentQuery, go } from '../router.js';
import {
  SEVERITIES, consoleScreen, loadReference, personName, severityLabel, siteName, siteOptions,
} from './console-reference.js';
import { clock, countdown, slaState } from './console-sla.js';

const PATH = '/console';
const REFRESH_MS = 30_000;
export const OPEN_STATES = ['reported', 'reopened', 'dispatched', 'accepted', 'en_route', 'on_site'];
const timers = { tick: null, refresh: null, focus: null };

function filtersFromQuery() {
  const query = currentQuery();
  return { site: query.get('site') ?? '', severity: query.get('severity') ?? '', state: query.get('state') ?? '' };
}

export async function load({ api }) {
  const filters = filtersFromQuery();
  const params = new URLSearchParams();
  if (filters.site) params.set('site_id', filters.site);
  if (filters.severity) params.set('severity', filters.severity);
  if (filters.state) params.set('state', filters.state);
  const [ref, tickets] = await Promise.all([loadReference(api), api('GET', `/api/board?${params}`)]);
  return { ref, tickets, filters, at: Date.now() };
}

function option(value, label, selected) {
  return html`<option value="${value}" ${String(value) === selected ? html`selected` : ''}>${label}</option>`;
}

function filterBar({ ref, filters }) {
  return html`
    <form class="console-filters" id="board-filters" aria-label="${t('console.filters')}">
      <div><label for="f-site">${t('console.site')}</label>
        <select id="f-site" name="site">${siteOptions(ref, filters.site, { any: true })}</select></div>
      <div><label for="f-severity">${t('console.severity')}</label>
        <select id="f-severity" name="severity">
          ${option('', t('console.allSeverities'), filters.severity)}
          ${SEVERITIES.map((s) => option(s, severityLabel(s), filters.severity))}
        </select></div>
      <div><label for="f-state">${t('console.status')}</label>
        <select id="f-state" name="state">
          ${option('', t('console.allOpenStates'), filters.state)}
          ${OPEN_STATES.map((s) => option(s, t(`console.state_${s}`), filters.state))}
        </select></div>
    </form>`;
}

function countdownText(deadline, nowMs) {
  const parts = countdown(deadline, nowMs);
  const time = parts.days ? t('console.daysHours', { days: parts.days, hours: parts.hours }) : clock(parts);
  return t(parts.overdue ? 'console.overdueBy' : 'console.timeLeft', { time });
}

function slaCell(ticket, nowMs) {
  const state = slaState(ticket, nowMs);
  if (!ticket.next_deadline) {
    return html`<span class="sla-flag ${state}">${t(`console.sla_${state}`)}</span>`;
  }
  const window = ticket.windows.find((w) => w.deadline === ticket.next_deadline)?.window ?? '';
  return html`
    <span class="sla-flag ${state}">${t(`console.sla_${state}`)}</span>
    <span class="sla-countdown" data-deadline="${ticket.next_deadline}">${countdownText(ticket.next_deadline, nowMs)}</span>
    <span class="meta">${window ? t(`console.window_${window}`) : ''}</span>`;
}

function ticketRow(ref, ticket, nowMs) {
  const state = slaState(ticket, nowMs);
  const href = `#/console/tickets/${encodeURIComponent(ticket.id)}`;
  const dispatchable = OPEN_STATES.includes(ticket.status);
  return html`
    <tr class="board-row sla-${state}" data-ticket="${ticket.id}" data-sla="${state}">
      <td class="sla-cell" data-label="${t('console.sla')}">${slaCell(ticket, nowMs)}</td>
      <td data-label="${t('console.severity')}"><span class="level level-${ticket.severity}">${severityLabel(ticket.severity)}</span></td>
      <th scope="row" data-label="${t('console.ticket')}"><a href="${href}">${ticket.title}</a>
        <span class="meta">${t('console.reportedAt', { time: formatDateTime(ticket.reported_at) })}</span></th>
      <td data-label="${t('console.site')}">${siteName(ref, ticket.site_id)}</td>
      <td data-label="${t('console.status')}">${t(`console.state_${ticket.status}`)}</td>
      <td data-label="${t('console.assignee')}">${personName(ref, ticket.assignee_id)}</td>
      <td class="row-action">${dispatchable
        ? html`<a class="button secondary small" href="${href}">${ticket.assignee_id ? t('console.reassign') : t('console.dispatch')}</a>`
        : ''}</td>
    </tr>`;
}

function table(ref, tickets, nowMs) {
  return html`
    <table class="board">
      <caption class="wb-visually-hidden">${t('console.boardCaption')}</caption>
      <thead><tr>
        <th scope="col">${t('console.sla')}</th><th scope="col">${t('console.severity')}</th>
        <th scope="col">${t('console.ticket')}</th><th scope="col">${t('console.site')}</th>
        <th scope="col">${t('console.status')}</th><th scope="col">${t('console.assignee')}</th>
        <th scope="col"><span class="wb-visually-hidden">${t('console.actions')}</span></th>
      </tr></thead>
      <tbody>${tickets.map((ticket) => ticketRow(ref, ticket, nowMs))}</tbody>
    </table>`;
}

function summary(tickets, nowMs) {
  const breached = tickets.filter((x) => slaState(x, nowMs) === 'breached').length;
  const warning = tickets.filter((x) => slaState(x, nowMs) === 'warning').length;
  return t('console.boardSummary', { count: tickets.length, breached, warning });
}

export function view(data, { user }) {
  const { ref, tickets, filters, at } = data;
  const nowMs = Date.now();
  const filtered = filters.site || filters.severity || filters.state;
  const empty = filtered ? t('console.boardEmptyFiltered') : t('console.boardEmpty');
  return consoleScreen(PATH, user, html`
    <header class="console-head">
      <h2 id="board-title">${t('console.boardTitle')}</h2>
      <div class="head-actions">
        <button type="button" class="secondary" data-action="refresh-board">${t('console.refresh')}</button>
        <a class="button primary" href="#/console/tickets/new">${t('console.newTicket')}</a>
      </div>
    </header>
    ${filterBar(data)}
    <p class="meta" id="board-status" role="status">${summary(tickets, nowMs)} ·
      ${t('console.updatedAt', { time: new Intl.DateTimeFormat(lang(), { timeStyle: 'medium' }).format(at) })}</p>
    ${tickets.length ? table(ref, tickets, nowMs) : html`<p class="empty">${empty}</p>`}`);
}

function stopTimers() {
  clearInterval(timers.tick);
  clearInterval(timers.refresh);
  if (timers.focus) window.removeEventListener('focus', timers.focus);
  document.removeEventListener('visibilitychange', timers.focus ?? (() => {}));
  Object.assign(timers, { tick: null, refresh: null, focus: null });
}

function tick(screen) {
  if (currentPath() !== PATH) return stopTimers();
  const nowMs = Date.now();
  for (const element of screen.querySelectorAll('.sla-countdown[data-deadline]')) {
    element.textContent = countdownText(element.dataset.deadline, nowMs);
  }
}

export function mounted(screen, data, ctx) {
  stopTimers();
  timers.tick = setInterval(() => tick(screen), 1000);
  const refresh = () => {
    if (currentPath() !== PATH) return stopTimers();
    if (document.visibilityState === 'hidden' || document.querySelector('select:focus')) return;
    ctx.refresh();
  };
  timers.refresh = setInterval(refresh, REFRESH_MS);
  timers.focus = refresh;
  window.addEventListener('focus', refresh);
  document.addEventListener('visibilitychange', refresh);
  screen.querySelector('#board-filters')?.addEventListener('change', (event) => {
    const params = new URLSearchParams(Object.entries(Object.fromEntries(new FormData(event.currentTarget)))
      .filter(([, value]) => value));
    const query = params.toString();
    go(query ? `${PATH}?${query}` : PATH);
  });
}

export const actions = {
  'refresh-board': (_element, ctx) => ctx.refresh(),
};
