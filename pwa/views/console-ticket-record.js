// The ticket's record on the console page: the stored SLA state (WorkOrderOut.sla: deadlines
// set at registration or a severity change, trusted milestone times, escalation tier,
// breaches), the transition history (the phone's clock beside the server's receipt time and
// the time SLA compliance uses, backend/work_orders/device_time.py) and the comments.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { severityLabel } from './console-reference.js';

// The milestones that meet each window: a later one also meets an earlier window (a remote
// fix answers the report), as the server counts it (backend/work_orders/escalation.py _clocks).
const MET_BY = {
  respond: ['responded_at', 'arrived_at', 'resolved_at'],
  on_site: ['arrived_at', 'resolved_at'],
  repair: ['resolved_at'],
};

/** The wall-clock part of a hybrid logical clock (sync/clock.py: 15 digits of ms first). */
export function hlcTime(hlc) {
  const ms = Number(String(hlc ?? '').slice(0, 15));
  return Number.isFinite(ms) && ms > 0 ? new Date(ms).toISOString() : null;
}

function reachedAt(sla, window) {
  const times = (MET_BY[window] ?? []).map((key) => sla[key]).filter(Boolean).sort((a, b) => Date.parse(a) - Date.parse(b));
  return times[0] ?? null;
}

function milestoneRow(sla, w) {
  const reached = reachedAt(sla, w.window);
  return html`
    <tr class="window-${w.state}" data-window="${w.window}">
      <th scope="row">${t(`console.window_${w.window}`)}</th>
      <td>${formatDateTime(w.deadline)}</td>
      <td>${reached ? formatDateTime(reached) : t('console.notYet')}</td>
      <td><strong>${t(`console.windowState_${w.state}`)}</strong></td>
    </tr>`;
}

export function slaPanel(sla) {
  if (!sla) return html`<p class="meta">${t('console.noSla')}</p>`;
  const proposed = sla.proposed_severity && sla.proposed_severity !== sla.severity
    ? html` <span class="meta">${t('console.proposedWas', { level: severityLabel(sla.proposed_severity) })}</span>` : '';
  return html`
    <div class="sla-state" id="ticket-sla">
      <dl class="fields">
        <div class="field"><dt>${t('console.severity')}</dt><dd>${severityLabel(sla.severity)}${proposed}</dd></div>
        <div class="field"><dt>${t('console.reportedOn')}</dt><dd>${formatDateTime(sla.reported_at) || '—'}</dd></div>
        <div class="field"><dt>${t('console.escalationTier')}</dt>
          <dd id="ticket-tier">${sla.escalation_tier ? t('console.tierN', { tier: sla.escalation_tier }) : t('console.tierNone')}</dd></div>
        <div class="field"><dt>${t('console.breachState')}</dt>
          <dd><span class="sla-flag ${sla.breached ? 'breached' : 'ok'}">${t(sla.breached ? 'console.sla_breached' : 'console.notBreached')}</span></dd></div>
        ${sla.closed_at ? html`<div class="field"><dt>${t('console.closedOn')}</dt><dd>${formatDateTime(sla.closed_at)}</dd></div>` : ''}
        ${sla.follow_up_due_by ? html`<div class="field"><dt>${t('console.followUpBy')}</dt><dd>${formatDateTime(sla.follow_up_due_by)}</dd></div>` : ''}
      </dl>
      ${sla.windows.length ? html`<table class="milestones">
        <caption>${t('console.slaCaption')}</caption>
        <thead><tr><th scope="col">${t('console.window')}</th><th scope="col">${t('console.deadline')}</th>
          <th scope="col">${t('console.reachedAt')}</th><th scope="col">${t('console.status')}</th></tr></thead>
        <tbody>${sla.windows.map((w) => milestoneRow(sla, w))}</tbody>
      </table>` : ''}
    </div>`;
}

function moveText(move) {
  if (move.from_status === move.to_status) return t('console.reassigned');
  return `${t(`console.state_${move.from_status}`)} → ${t(`console.state_${move.to_status}`)}`;
}

// A dispatch or a reassignment names the technician; other moves keep the one they had.
function choosesAssignee(move) {
  return Boolean(move.assignee_id) && (move.to_status === 'dispatched' || move.from_status === move.to_status);
}

function historyRow(move, nameOf) {
  return html`
    <tr>
      <th scope="row">${moveText(move)}
        ${choosesAssignee(move) ? html`<span class="meta">${t('console.toPerson', { name: nameOf(move.assignee_id) })}</span>` : ''}</th>
      <td data-label="${t('console.byWhom')}" class="who">${move.by_user_id ? nameOf(move.by_user_id) : t('console.bySystem')}</td>
      <td data-label="${t('console.trustedAt')}" class="time">${formatDateTime(move.trusted_at)}
        ${move.clamped ? html`<span class="chip clamped" title="${t('console.clampedHint')}">${t('console.clamped')}</span>` : ''}</td>
      <td data-label="${t('console.deviceAt')}" class="time">${move.device_at ? formatDateTime(move.device_at) : '—'}</td>
      <td data-label="${t('console.receivedAt')}" class="time">${formatDateTime(move.received_at)}</td>
      <td data-label="${t('console.reason')}" class="why">${move.reason || '—'}</td>
    </tr>`;
}

export function historyPanel(history, nameOf) {
  if (!history.length) return html`<p class="empty">${t('console.historyEmpty')}</p>`;
  return html`
    <table class="board history-table" id="ticket-history">
      <caption class="wb-visually-hidden">${t('console.historyTitle')}</caption>
      <thead><tr><th scope="col">${t('console.move')}</th><th scope="col">${t('console.byWhom')}</th>
        <th scope="col">${t('console.trustedAt')}</th><th scope="col">${t('console.deviceAt')}</th>
        <th scope="col">${t('console.receivedAt')}</th><th scope="col">${t('console.reason')}</th></tr></thead>
      <tbody>${[...history].reverse().map((m) => historyRow(m, nameOf))}</tbody>
    </table>
    <p class="meta">${t('console.historyHint')}</p>`;
}

/** `nameOf(user id)`: the author's name (comments written before authors were kept have none). */
export function commentsPanel(comments, draft, nameOf) {
  return html`
    ${comments.length ? html`<ol class="comments" id="ticket-comments">${comments.map((c) => html`
      <li><span class="meta">${c.author_id ? html`<strong class="comment-author">${nameOf(c.author_id)}</strong> · ` : ''}${formatDateTime(hlcTime(c.hlc)) || t('console.timeUnknown')}</span><p>${c.body}</p></li>`)}</ol>`
      : html`<p class="empty">${t('console.commentsEmpty')}</p>`}
    <form id="comment-form" class="comment-form">
      <label for="t-comment">${t('console.addComment')}</label>
      <textarea id="t-comment" name="body" rows="3" maxlength="10000" aria-describedby="t-comment-hint">${draft}</textarea>
      <p class="meta" id="t-comment-hint">${t('console.commentHint')}</p>
      <button type="submit" class="primary">${t('console.saveComment')}</button>
    </form>`;
}

const PHASE_ORDER = { before: 0, during: 1, after: 2 };

/** The ticket's evidence photos and whether their bytes reached the server: an offline phone
 * pushes the record before the bytes, and bytes the server refused never come, so a photo can
 * be counted on the ticket while the server has nothing to show (backend/work_orders/evidence.py:
 * closing is refused until every one is here). */
export function evidencePanel(photos, status) {
  if (!photos.length) return html`<p class="empty">${t('console.evidenceEmpty')}</p>`;
  const sorted = [...photos].sort((a, b) => (PHASE_ORDER[a.phase] ?? 3) - (PHASE_ORDER[b.phase] ?? 3));
  const waiting = sorted.filter((p) => p.state === 'pending_blob').length;
  return html`
    ${waiting ? html`<p class="notice" id="evidence-waiting">${t('console.evidenceWaiting', { count: waiting })}</p>` : ''}
    <ul class="evidence-list" id="ticket-evidence">${sorted.map((p) => html`
      <li data-photo="${p.id}" data-state="${p.state}">
        <strong>${t(`wo.phase_${PHASE_ORDER[p.phase] === undefined ? 'other' : p.phase}`)}</strong>
        <span class="meta">${formatDateTime(p.captured_at)} · <span class="mono">${String(p.sha256 ?? '').slice(0, 12)}</span></span>
        ${p.state === 'pending_blob' ? html`<span class="chip bad">${t('console.evidenceAwaiting')}</span>`
          : html`<span class="chip status-in_service">${t('console.evidenceUploaded')}</span>`}
      </li>`)}</ul>
    ${status === 'signed' ? html`<form id="close-form" class="inline-form">
      <button type="submit" class="primary">${t('console.closeTicket')}</button></form>` : ''}`;
}
