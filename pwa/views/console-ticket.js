// One ticket in the console: its stored SLA state, dispatch or reassignment with the server's
// suggestion (nearest available technician, GET …/suggestions), severity, cancellation, the
// transition history and comments (console-ticket-record.js). Every write is a REST call that
// the server runs through the sync engine, so the technician's phone pulls it.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import {
  SEVERITIES, alertBox, consoleScreen, errorText, loadReference, personName, severityLabel, siteName,
} from './console-reference.js';
import { OPEN_STATES } from './console-board.js';
import { commentsPanel, evidencePanel, historyPanel, slaPanel } from './console-ticket-record.js';

// The outcome of the last action, { id, kind, text, at }: kept a while rather than shown once,
// so a redraw after a finished sync (app.js) does not take it away before it is read.
let flash = null;
const FLASH_MS = 20_000;
// A comment being typed survives redraws (a sync, a refresh after another action).
const drafts = new Map();

export async function load({ api, params, user }) {
  const id = encodeURIComponent(params.id);
  const [ref, order, users, photos] = await Promise.all([
    loadReference(api), api('GET', `/api/work-orders/${id}`),
    // The history names dispatchers and admins too; only admins may list every account.
    user.role === 'admin' ? api('GET', '/api/users') : [],
    api('GET', `/api/photos?record_kind=work_order&record_id=${id}`),
  ]);
  const open = OPEN_STATES.includes(order.status);
  const [suggested, board] = await Promise.all([
    open ? api('GET', `/api/work-orders/${id}/suggestions`) : { suggestions: [], unavailable: [] },
    open ? api('GET', `/api/board?site_id=${encodeURIComponent(order.site_id)}`) : [],
  ]);
  const ticket = board.find((b) => b.id === order.id) ?? null;
  const message = flash?.id === order.id && Date.now() - flash.at < FLASH_MS ? flash : null;
  const names = new Map(users.map((u) => [u.id, u.display_name]));
  names.set(user.id, user.display_name);
  return { ref, order, ticket, suggested, message, names, photos };
}

function suggestionChoice(ref, suggestion, index) {
  const from = t(`console.from_${suggestion.measured_from}`);
  return html`
    <label class="choice">
      <input type="radio" name="technician" value="${suggestion.technician_id}" ${index === 0 ? html`checked` : ''}>
      <span><strong>${personName(ref, suggestion.technician_id)}</strong>
        ${index === 0 ? html`<span class="chip suggested">${t('console.suggested')}</span>` : ''}
        <span class="meta">${t('console.distance', { km: suggestion.distance_km.toFixed(1), from })}</span></span>
    </label>`;
}

function otherChoice(ref, id, noneSuggested, index) {
  return html`
    <label class="choice">
      <input type="radio" name="technician" value="${id}" ${noneSuggested && index === 0 ? html`checked` : ''}>
      <span><strong>${personName(ref, id)}</strong>
        <span class="meta">${t('console.notSuggested')}</span></span>
    </label>`;
}

function dispatchPanel({ ref, order, suggested }) {
  if (!OPEN_STATES.includes(order.status)) {
    return html`<p class="empty">${t('console.notDispatchable', { status: t(`console.state_${order.status}`) })}</p>`;
  }
  const { suggestions, unavailable } = suggested;
  if (!suggestions.length && !unavailable.length) {
    return html`<p class="empty">${t('console.noSiteTechnicians')}</p>`;
  }
  const title = order.assignee_id ? t('console.reassignTitle') : t('console.dispatchTitle');
  return html`
    <form id="dispatch-form" class="card">
      <fieldset>
        <legend>${title}</legend>
        ${suggestions.length ? '' : html`<p class="notice">${t('console.noSuggestion')}</p>`}
        ${suggestions.map((s, i) => suggestionChoice(ref, s, i))}
        ${unavailable.map((id, i) => otherChoice(ref, id, !suggestions.length, i))}
      </fieldset>
      <button type="submit" class="primary">${order.assignee_id ? t('console.reassign') : t('console.dispatch')}</button>
    </form>`;
}

function severityForm(order, ticket) {
  const current = ticket?.severity ?? order.severity;
  return html`
    <form id="severity-form" class="inline-form">
      <label for="t-severity">${t('console.severity')}</label>
      <select id="t-severity" name="severity">
        ${SEVERITIES.map((s) => html`<option value="${s}" ${s === current ? html`selected` : ''}>${severityLabel(s)}</option>`)}
      </select>
      <button type="submit" class="secondary">${t('console.saveSeverity')}</button>
    </form>`;
}

function cancelForm(order) {
  if (!OPEN_STATES.includes(order.status)) return '';
  return html`
    <form id="cancel-form" class="card danger-zone">
      <label for="t-cancel-reason">${t('console.cancelReason')}</label>
      <input id="t-cancel-reason" name="reason" required maxlength="500">
      <button type="submit" class="danger">${t('console.cancelTicket')}</button>
    </form>`;
}

export function view(data, { user }) {
  const { ref, order, ticket, message } = data;
  const nameOf = (id) => data.names.get(id) ?? personName(ref, id);
  return consoleScreen('', user, html`
    <header class="console-head">
      <h2 id="ticket-title">${order.title}</h2>
      <a class="button secondary" href="#/console">${t('console.backToBoard')}</a>
    </header>
    ${message ? alertBox(message.text, message.kind) : ''}
    <div class="console-columns">
      <section class="card" aria-labelledby="ticket-facts">
        <h3 id="ticket-facts">${t('console.ticketFacts')}</h3>
        <dl class="fields">
          <div class="field"><dt>${t('console.site')}</dt><dd>${siteName(ref, order.site_id)}</dd></div>
          <div class="field"><dt>${t('console.status')}</dt><dd id="ticket-status">${t(`console.state_${order.status}`)}</dd></div>
          <div class="field"><dt>${t('console.assignee')}</dt><dd id="ticket-assignee">${personName(ref, order.assignee_id)}</dd></div>
          ${order.notes ? html`<div class="field"><dt>${t('console.description')}</dt><dd>${order.notes}</dd></div>` : ''}
        </dl>
        ${severityForm(order, ticket)}
      </section>
      <section aria-label="${t('console.dispatchTitle')}">${dispatchPanel(data)}${cancelForm(order)}</section>
    </div>
    <section class="card" aria-labelledby="ticket-sla-title">
      <h3 id="ticket-sla-title">${t('console.slaTitle')}</h3>
      ${slaPanel(order.sla)}
    </section>
    <section class="card" aria-labelledby="ticket-evidence-title">
      <h3 id="ticket-evidence-title">${t('console.evidenceTitle')}</h3>
      ${evidencePanel(data.photos, order.status)}
    </section>
    <section class="card" aria-labelledby="ticket-history-title">
      <h3 id="ticket-history-title">${t('console.historyTitle')}</h3>
      ${historyPanel(order.history ?? [], nameOf)}
    </section>
    <section class="card" aria-labelledby="ticket-comments-title">
      <h3 id="ticket-comments-title">${t('console.commentsTitle')}</h3>
      ${commentsPanel(order.comments, drafts.get(order.id) ?? '', nameOf)}
    </section>`);
}

async function act(ctx, order, call, success) {
  try {
    await call();
    flash = { id: order.id, kind: 'ok', text: success, at: Date.now() };
  } catch (error) {
    flash = { id: order.id, kind: 'bad', text: errorText(error), at: Date.now() };
  }
  await ctx.refresh();
}

export function mounted(screen, data, ctx) {
  const { ref, order } = data;
  const path = `/api/work-orders/${encodeURIComponent(order.id)}`;
  screen.querySelector('#dispatch-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const technician = new FormData(event.currentTarget).get('technician');
    if (!technician) return;
    const name = personName(ref, technician);
    if (!confirm(t('console.confirmDispatch', { title: order.title, name }))) return;
    act(ctx, order, () => ctx.api('POST', `${path}/dispatch`, { technician_id: technician }),
      t('console.dispatched', { name }));
  });
  screen.querySelector('#severity-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const severity = Number(new FormData(event.currentTarget).get('severity'));
    act(ctx, order, () => ctx.api('POST', `${path}/severity`, { severity }),
      t('console.severitySaved', { level: severityLabel(severity) }));
  });
  const comment = screen.querySelector('#comment-form');
  const box = comment?.querySelector('#t-comment');
  box?.addEventListener('input', () => drafts.set(order.id, box.value));
  comment?.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = box.value.trim();
    if (!body) return;
    act(ctx, order, async () => {
      await ctx.api('POST', `${path}/comments`, { body });
      drafts.delete(order.id);
    }, t('console.commentSaved'));
  });
  screen.querySelector('#close-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    act(ctx, order, () => ctx.api('POST', `${path}/transition`, { to: 'closed', from_status: order.status }),
      t('console.ticketClosed'));
  });
  screen.querySelector('#cancel-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    if (!reason || !confirm(t('console.confirmCancel', { title: order.title }))) return;
    act(ctx, order, () => ctx.api('POST', `${path}/transition`, { to: 'cancelled', from_status: order.status, reason }),
      t('console.cancelled'));
  });
}
