// One ticket in the console: its SLA windows, dispatch or reassignment with the server's
// suggestion (nearest available technician, GET …/suggestions), severity, cancellation.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import {
  SEVERITIES, alertBox, consoleScreen, errorText, loadReference, personName, severityLabel, siteName,
} from './console-reference.js';
import { OPEN_STATES } from './console-board.js';

// The outcome of the last action, { id, kind, text, at }: kept a while rather than shown once,
// so a redraw after a finished sync (app.js) does not take it away before it is read.
let flash = null;
const FLASH_MS = 20_000;

export async function load({ api, params }) {
  const id = encodeURIComponent(params.id);
  const [ref, order] = await Promise.all([loadReference(api), api('GET', `/api/work-orders/${id}`)]);
  const open = OPEN_STATES.includes(order.status);
  const [suggested, board] = await Promise.all([
    open ? api('GET', `/api/work-orders/${id}/suggestions`) : { suggestions: [], unavailable: [] },
    open ? api('GET', `/api/board?site_id=${encodeURIComponent(order.site_id)}`) : [],
  ]);
  const ticket = board.find((b) => b.id === order.id) ?? null;
  const message = flash?.id === order.id && Date.now() - flash.at < FLASH_MS ? flash : null;
  return { ref, order, ticket, suggested, message };
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

function windowsList(ticket) {
  if (!ticket?.windows.length) return '';
  return html`<ul class="windows">${ticket.windows.map((w) => html`
    <li class="window-${w.state}"><span>${t(`console.window_${w.window}`)}</span>
      <span>${formatDateTime(w.deadline)}</span><strong>${t(`console.windowState_${w.state}`)}</strong></li>`)}</ul>`;
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
        ${windowsList(ticket)}
      </section>
      <section aria-label="${t('console.dispatchTitle')}">${dispatchPanel(data)}${cancelForm(order)}</section>
    </div>`);
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
  screen.querySelector('#cancel-form')?.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = String(new FormData(event.currentTarget).get('reason') ?? '').trim();
    if (!reason || !confirm(t('console.confirmCancel', { title: order.title }))) return;
    act(ctx, order, () => ctx.api('POST', `${path}/transition`, { to: 'cancelled', from_status: order.status, reason }),
      t('console.cancelled'));
  });
}
