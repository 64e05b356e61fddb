// Today: the technician's day on one screen — my work orders by SLA urgency with live
// countdowns, then the inspections that are due or overdue, each asset with "start".
// Everything comes from the phone's copy (store/my-work.js, synced records), refreshed first
// when online, so the screen is the same in a basement without signal.
import { html } from '../components/html.js';
import { languageSwitch } from '../components/language-switch.js';
import { readSyncState } from '../components/sync-indicator.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { openStore } from '../store/db.js';
import { records } from '../store/local.js';
import { cachedWork, localInspections, refreshWork, roundAssets } from '../store/my-work.js';
import { onPriming } from '../store/prime.js';
import { pushCard, pushActions } from './home-push.js';
import { countdown, urgency } from './home-time.js';

const CLOSED = ['closed', 'cancelled'];
// Past the SLA clocks (not in /api/my/work-orders) but still the technician's: verify, get signed.
const AFTER_REPAIR = ['remote_resolved', 'repaired', 'verified', 'signed'];
const ROUNDS_SHOWN = 5;
let allRounds = false;
let timer = null;
let refreshing = null;
let stopPriming = () => {};
const FRESH_MS = 60_000;

async function syncedRecords(entity) {
  return records(entity).catch(() => ({})); // no rules yet (first offline start): the cached lists still show
}

/** Cached rows (deadline, order) with the synced record's newer status and title; plus records assigned later. */
export function myTickets(rows, synced, userId) {
  const tickets = rows.map((row) => {
    const fields = synced[row.id]?.fields ?? {};
    return { ...row, status: fields.status ?? row.status, title: fields.title ?? row.title };
  });
  const known = new Set(rows.map((r) => r.id));
  for (const [id, state] of Object.entries(synced)) {
    if (known.has(id) || state.fields.assignee !== userId) continue;
    tickets.push({ id, site_id: state.site_id, title: state.fields.title, status: state.fields.status,
      severity: state.fields.severity, next_deadline: null, windows: [], breached: false });
  }
  const due = (ticket) => (ticket.next_deadline ? Date.parse(ticket.next_deadline) : Infinity);
  return tickets.filter((ticket) => !CLOSED.includes(ticket.status)).sort((a, b) => due(a) - due(b));
}

async function roundsWithAssets(db, rounds, plans, mine) {
  const byPlan = new Map(plans.map((plan) => [plan.id, plan]));
  const assetsOf = new Map();
  const out = [];
  for (const round of rounds) {
    if (!assetsOf.has(round.plan_id)) assetsOf.set(round.plan_id, await roundAssets(db, byPlan.get(round.plan_id)));
    const assets = assetsOf.get(round.plan_id).map((asset) => ({
      asset, inspection: mine.find((m) => m.round_id === round.id && m.asset_id === asset.id) ?? null,
    }));
    out.push({ round, assets });
  }
  return out;
}

/**
 * Online, the lists are fetched again in the background (never blocking the screen: on a
 * first login the download competes for the same connection) and Today redraws with them.
 */
function refreshLater(ctx, db, at) {
  if (!ctx.online || refreshing || (at && Date.now() - at < FRESH_MS)) return;
  refreshing = refreshWork(ctx.api, ctx.user, db).finally(() => { refreshing = null; });
  refreshing.then((ok) => ok && redraw(ctx));
}

function redraw(ctx) {
  const screen = document.querySelector('.today');
  if (!screen || document.querySelector('input:focus, textarea:focus, select:focus')) return;
  ctx.refresh();
}

export async function load(ctx) {
  const { user } = ctx;
  const db = await openStore();
  const [work, orders, inspections, sites, mine, sync] = await Promise.all([
    cachedWork(db), syncedRecords('work_order'), syncedRecords('inspection'), db.getAll('sites'),
    localInspections(db), readSyncState(db),
  ]);
  refreshLater(ctx, db, work.at);
  // An inspection's status comes from its record when the phone has one.
  for (const meta of mine) meta.status = inspections[meta.id]?.fields?.status ?? 'draft';
  const assets = new Map();
  for (const meta of mine) assets.set(meta.asset_id, await db.get('assets', meta.asset_id));
  return {
    tickets: myTickets(work.workOrders, orders, user.id),
    rounds: await roundsWithAssets(db, work.inspections.rounds, work.plans, mine),
    drafts: mine.filter((m) => m.status === 'draft').map((m) => ({ ...m, asset: assets.get(m.asset_id) })),
    serverDrafts: work.inspections.drafts.filter((d) => !mine.some((m) => m.id === d.id)),
    sites: new Map(sites.map((site) => [site.id, site])),
    primed: work.primed, at: work.at, problems: sync.problems,
  };
}

function siteName(sites, id) {
  const site = sites.get(id);
  return site ? site.short_name || site.name : '';
}

function nextWindow(ticket) {
  const window = (ticket.windows ?? []).find((w) => w.deadline === ticket.next_deadline);
  return window ? t(`today.window_${window.window}`) : t('today.deadline');
}

function ticketCard(ticket, sites) {
  const level = urgency(ticket.next_deadline, ticket.breached);
  return html`
    <li><a class="ticket ${level} ${ticket.breached ? 'was-breached' : ''}" href="#/work-orders/${encodeURIComponent(ticket.id)}" data-ticket="${ticket.id}">
      <span class="ticket-top">
        ${ticket.severity ? html`<span class="sev sev-${ticket.severity}">${t('today.severity', { n: ticket.severity })}</span>` : ''}
        <span class="ticket-status">${t(`today.status_${ticket.status}`)}</span>
        ${ticket.breached ? html`<span class="flag bad">${t('today.breached')}</span>` : ''}
      </span>
      <strong class="ticket-title">${ticket.title}</strong>
      <span class="meta">${siteName(sites, ticket.site_id)}</span>
      ${ticket.next_deadline ? html`<span class="countdown" data-deadline="${ticket.next_deadline}"
          data-window="${nextWindow(ticket)}">${countdown(nextWindow(ticket), ticket.next_deadline)}</span>`
        : html`<span class="meta">${t(AFTER_REPAIR.includes(ticket.status) ? 'today.finishWork' : 'today.noDeadline')}</span>`}
    </a></li>`;
}

function ticketsSection({ tickets, sites }, user) {
  if (user.role !== 'technician') return '';
  return html`
    <h3 id="today-work">${t('today.workOrders')} ${tickets.length ? html`<span class="count">${tickets.length}</span>` : ''}</h3>
    ${tickets.length ? html`<ul class="tickets">${tickets.map((ticket) => ticketCard(ticket, sites))}</ul>`
      : html`<p class="empty" id="today-no-work">${t('today.noWorkOrders')}</p>`}`;
}

function assetRow({ asset, inspection }, round) {
  const start = `#/inspections/new?asset=${encodeURIComponent(asset.id)}&round=${encodeURIComponent(round.id)}`;
  const action = !inspection
    ? html`<a class="button primary small" href="${start}" data-start="${asset.id}">${t('today.start')}</a>`
    : inspection.status === 'draft'
      ? html`<a class="button secondary small" href="#/inspections/${encodeURIComponent(inspection.id)}">${t('today.continue')}</a>`
      : html`<span class="ok">✓ ${t('today.inspected')}</span>`;
  return html`<li class="round-asset"><span><strong>${asset.name}</strong>
    <span class="meta">${asset.location_text ?? ''}</span></span>${action}</li>`;
}

function roundCard({ round, assets }, sites) {
  const done = Math.max(round.submitted_count, assets.filter((a) => a.inspection && a.inspection.status !== 'draft').length);
  const when = round.overdue ? t('today.overdueSince', { time: formatDateTime(round.due_end) })
    : t('today.dueBy', { time: formatDateTime(round.due_end) });
  return html`
    <li><details class="round ${round.overdue ? 'overdue' : ''}">
      <summary>
        <span class="round-name"><strong>${round.plan_name}</strong>
          ${round.overdue ? html`<span class="flag bad">${t('today.overdue')}</span>` : ''}</span>
        <span class="meta">${siteName(sites, round.site_id)} · ${round.period}</span>
        <span class="meta ${round.overdue ? 'late' : ''}">${when} · ${t('today.progress', { done, total: round.asset_count })}</span>
      </summary>
      ${assets.length ? html`<ul class="round-assets">${assets.map((a) => assetRow(a, round))}</ul>`
        : html`<p class="meta">${t('today.roundNoAssets')}</p>`}
    </details></li>`;
}

function draftsList(drafts, serverDrafts) {
  if (!drafts.length && !serverDrafts.length) return '';
  return html`<ul class="drafts">
    ${drafts.map((d) => html`<li><a class="button secondary" href="#/inspections/${encodeURIComponent(d.id)}">
      ${t('today.continueInspection', { name: d.asset?.name ?? '' })}</a></li>`)}
    ${serverDrafts.map((d) => html`<li><a class="button secondary" href="#/inspections/${encodeURIComponent(d.id)}">
      ${t('today.continueStarted', { time: formatDateTime(d.created_at) })}</a></li>`)}
  </ul>`;
}

function inspectionsSection(data) {
  const shown = allRounds ? data.rounds : data.rounds.slice(0, ROUNDS_SHOWN);
  const more = data.rounds.length - shown.length;
  return html`
    <h3 id="today-inspections">${t('today.inspections')} ${data.rounds.length ? html`<span class="count">${data.rounds.length}</span>` : ''}</h3>
    ${draftsList(data.drafts, data.serverDrafts)}
    ${data.rounds.length ? html`<ul class="rounds">${shown.map((r) => roundCard(r, data.sites))}</ul>`
      : html`<p class="empty" id="today-no-rounds">${t('today.noInspections')}</p>`}
    ${more > 0 ? html`<button type="button" class="secondary wide" data-action="today-all-rounds">
      ${t('today.showAllRounds', { count: data.rounds.length })}</button>` : ''}`;
}

function problemsCard(problems) {
  if (!problems) return '';
  return html`<a class="attention" href="#/conflicts" id="today-problems">
    <strong>${t('today.problems', { count: problems })}</strong><span>${t('today.problemsHint')}</span></a>`;
}

export function view(data, { user, online }) {
  const notPrimed = !data.primed;
  return html`
    <section class="home today">
      <h2 id="greeting">${t('hello', { name: user.display_name })}</h2>
      <p class="role">${t(`role_${user.role}`)}${data.at ? html` · <span class="meta">${t('today.listsAt', { time: formatDateTime(data.at) })}</span>` : ''}</p>
      ${online ? '' : html`<p class="notice">${t(notPrimed ? 'today.offlineNotPrimed' : 'offlineHint')}</p>`}
      ${problemsCard(data.problems)}
      ${pushCard(user)}
      ${ticketsSection(data, user)}
      ${inspectionsSection(data)}
      <footer class="actions">
        ${languageSwitch()}
        <button type="button" data-action="logout" class="secondary">${t('logOut')}</button>
      </footer>
    </section>`;
}

/** The countdowns tick every second without redrawing the screen (nothing typed is lost). */
export function mounted(screen, _data, ctx) {
  // When the download ends, the rounds can list their devices: draw again.
  stopPriming();
  stopPriming = onPriming((progress) => {
    if (!screen.isConnected) return stopPriming();
    if (progress.finished && !progress.running) {
      stopPriming();
      redraw(ctx);
    }
  });
  clearInterval(timer);
  timer = setInterval(() => {
    if (!screen.isConnected) return clearInterval(timer);
    for (const element of screen.querySelectorAll('[data-deadline]')) {
      element.textContent = countdown(element.dataset.window, element.dataset.deadline);
      const card = element.closest('.ticket');
      const level = urgency(element.dataset.deadline, card.classList.contains('was-breached'));
      card.classList.remove('breach', 'soon', 'calm');
      card.classList.add(level);
    }
  }, 1000);
}

export const actions = {
  'today-all-rounds': (_element, ctx) => {
    allRounds = true;
    ctx.refresh();
  },
  ...pushActions,
};
