// The work order screen's sections as html: SLA, next moves, photos by phase, diagnosis,
// parts, verification with the stability timer, comments. Pure rendering; work-order.js
// wires the actions.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { refusedNote } from './conflicts-refused.js';
import {
  CAUSES, clockText, PHASES, photosByPhase, slaWindows, STABLE_MS, stableElapsedMs, timerPhase,
} from './work-order-rules.js';

export function slaSection(sla, status, nowMs = Date.now()) {
  const windows = slaWindows(sla, status, nowMs);
  if (!windows.length) return '';
  return html`<section class="wo-part"><h3>${t('wo.sla')}</h3><ul class="wo-sla">
    ${windows.map((w) => {
      const done = w.state === 'met' || w.state === 'late';
      const left = Date.parse(w.deadline) - nowMs;
      const label = w.state === 'late' ? t('wo.windowLate') : t('wo.windowMet');
      return html`<li class="${w.state === 'met' ? 'met' : w.state === 'late' || left < 0 ? 'late' : ''}">
        <span>${t(`wo.window_${w.window}`)}</span>
        <span class="meta">${formatDateTime(w.deadline)}</span>
        <strong ${done ? '' : html`data-deadline="${w.deadline}"`}>${done ? label : countdownText(left)}</strong>
      </li>`;
    })}</ul></section>`;
}

/** The status moves the server knows (REST history, cached for offline), newest first. */
export function historySection(rest) {
  const moves = rest?.answer?.history ?? [];
  if (!moves.length) return '';
  return html`<section class="wo-part"><h3>${t('wo.history')}</h3>
    ${rest.live ? '' : html`<p class="meta">${t('wo.historyCached', { time: formatDateTime(rest.at) })}</p>`}
    <ol class="history">${[...moves].reverse().map((m) => html`<li>
      <span class="meta">${formatDateTime(m.trusted_at ?? m.received_at)}</span>
      <span>${t(`wo.status_${m.from_status}`)} → ${t(`wo.status_${m.to_status}`)}</span>
      ${m.reason ? html`<span class="meta wo-reason">${t('wo.historyReason', { reason: m.reason })}</span>` : ''}</li>`)}</ol>
  </section>`;
}

/** Rework after a failed verification: a reason (kept as a draft) and a confirmed move. */
export function reworkSection({ draft, error }) {
  return html`<section class="wo-part wo-rework" aria-labelledby="wo-rework-title">
    <details ${draft.reworkReason || error ? 'open' : ''}>
      <summary id="wo-rework-title">${t('wo.rework')}</summary>
      <p class="meta">${t('wo.reworkHint')}</p>
      ${error ? html`<p class="error" role="alert" id="wo-rework-error">${t(error)}</p>` : ''}
      <label for="wo-rework-reason">${t('wo.reworkReason')}</label>
      <textarea id="wo-rework-reason" data-draft="reworkReason" rows="2" maxlength="500">${draft.reworkReason ?? ''}</textarea>
      <button type="button" class="secondary wide" data-action="rework">${t('wo.reworkSend')}</button>
    </details>
  </section>`;
}

export function countdownText(leftMs) {
  return leftMs < 0 ? t('wo.overdueBy', { time: clockText(leftMs) }) : t('wo.timeLeft', { time: clockText(leftMs) });
}

export function movesSection({ state, moves, missing, busy }) {
  const status = state.fields.status;
  const sign = status === 'verified'
    ? html`<a class="button primary big" id="wo-sign" href="#/work-orders/${state.id}/sign">${t('wo.toSign')}</a>` : '';
  return html`<section class="wo-part wo-moves" aria-labelledby="wo-next">
    <h3 id="wo-next">${t('wo.next')}</h3>
    ${missing ? missingList(missing) : ''}
    ${moves.map((to) => html`<button type="button" class="primary big" data-action="move" data-to="${to}"
      ${busy ? 'disabled' : ''}>${t(`wo.move_${to}`)}</button>`)}
    ${sign}
    ${!moves.length && !sign ? html`<p class="meta">${t('wo.noMoves')}</p>` : ''}
  </section>`;
}

function missingList({ to, items }) {
  return html`<div class="outcome bad" id="wo-missing" role="alert">
    <h4>${t('wo.missingTitle', { action: t(`wo.move_${to}`) })}</h4>
    <ul>${items.map((item) => html`<li data-missing="${item}">${t(`wo.need_${item.replace(/\./g, '_')}`)}</li>`)}</ul>
  </div>`;
}

function thumb(photo, url, locked, refusal) {
  return html`<li class="${refusal === undefined ? '' : 'refused'}" data-photo-id="${photo.id}">
    ${url ? html`<img class="wb-thumb" src="${url}" alt="${t(`wo.phase_${photo.phase}`)}">`
      : html`<span class="wb-thumb wo-nothumb">${t('wo.photoElsewhere')}</span>`}
    ${locked || refusal !== undefined ? '' : html`<button type="button" class="wo-remove" data-action="removePhoto"
      data-photo="${photo.id}" aria-label="${t('wo.removePhoto')}">✕</button>`}
    ${refusal === undefined ? '' : refusedNote(refusal, locked ? '' : html`<button type="button" class="secondary"
      data-action="removePhoto" data-photo="${photo.id}" data-refused="1">${t('refused.retake')}</button>`)}
  </li>`;
}

export function photoSection({ photos, thumbs, refused = {}, locked, highlight }) {
  const grouped = photosByPhase(photos);
  return html`<section class="wo-part" aria-labelledby="wo-photos"><h3 id="wo-photos">${t('wo.photos')}</h3>
    ${PHASES.map((phase) => {
      const list = grouped[phase];
      const usable = list.filter((p) => refused[p.sha256] === undefined); // refused bytes never arrive
      const missing = !usable.length;
      return html`<div class="wo-phase ${missing && highlight ? 'missing' : ''}" data-phase="${phase}">
        <h4>${t(`wo.phase_${phase}`)} <span class="chip ${missing ? 'bad' : 'ok'}">${missing ? t('wo.phaseMissing') : usable.length}</span></h4>
        <ul class="wb-thumbs">${list.map((p) => thumb(p, thumbs[p.sha256], locked, refused[p.sha256]))}</ul>
        ${locked ? '' : html`<wb-photo-capture data-phase="${phase}"></wb-photo-capture>`}
      </div>`;
    })}
  </section>`;
}

function savedChip(saved, pending) {
  if (pending) return html`<span class="chip bad" data-saved="no">${t('wo.unsaved')}</span>`;
  return saved ? html`<span class="chip ok" data-saved="yes">${t('wo.saved')}</span>` : '';
}

export function diagnosisSection({ diagnosis, draft, locked }) {
  const cause = draft.cause ?? diagnosis?.cause ?? '';
  const off = locked ? 'disabled' : '';
  const pending = ['cause', 'findings', 'actions'].some((k) => draft[k] !== undefined && draft[k] !== (diagnosis?.[k] ?? ''));
  return html`<section class="wo-part" id="wo-diagnosis" aria-labelledby="wo-diag">
    <h3 id="wo-diag">${t('wo.diagnosis')} ${savedChip(Boolean(diagnosis), pending)}</h3>
    <label for="wo-cause">${t('wo.cause')}</label>
    <select id="wo-cause" name="cause" data-draft="cause" ${off}>
      <option value="" ${cause ? '' : 'selected'}>${t('wo.chooseCause')}</option>
      ${CAUSES.map((c) => html`<option value="${c}" ${c === cause ? 'selected' : ''}>${t(`wo.cause_${c}`)}</option>`)}
    </select>
    <label for="wo-findings">${t('wo.findings')}</label>
    <textarea id="wo-findings" data-draft="findings" rows="3" maxlength="10000" ${off}>${draft.findings ?? diagnosis?.findings ?? ''}</textarea>
    <label for="wo-actions">${t('wo.actions')}</label>
    <textarea id="wo-actions" data-draft="actions" rows="3" maxlength="10000" ${off}>${draft.actions ?? diagnosis?.actions ?? ''}</textarea>
    ${locked ? '' : html`<button type="button" class="secondary wide" data-action="saveDiagnosis">${t('wo.saveDiagnosis')}</button>`}
  </section>`;
}

export function partsSection({ parts, draft, locked }) {
  const rows = draft.parts ?? (parts?.length ? parts : [{ item: '', quantity: 1 }]);
  const none = draft.noParts ?? (Array.isArray(parts) && parts.length === 0);
  const off = locked ? 'disabled' : '';
  const pending = draft.parts !== undefined || draft.noParts !== undefined;
  return html`<section class="wo-part" id="wo-parts-part" aria-labelledby="wo-parts">
    <h3 id="wo-parts">${t('wo.parts')} ${savedChip(Array.isArray(parts), pending)}</h3>
    ${parts === null || parts === undefined ? html`<p class="meta" id="wo-parts-unstated">${t('wo.partsNotStated')}</p>` : ''}
    <ul class="wo-part-rows">${none ? '' : rows.map((row, i) => html`<li>
      <input aria-label="${t('wo.partItem')}" placeholder="${t('wo.partItem')}" data-part="${i}" data-key="item" value="${row.item}" maxlength="100" ${off}>
      <input aria-label="${t('wo.partQuantity')}" type="number" min="1" max="10000" inputmode="numeric" data-part="${i}" data-key="quantity" value="${row.quantity}" ${off}>
      ${locked ? '' : html`<button type="button" class="secondary" data-action="removePart" data-index="${i}" aria-label="${t('wo.removePart')}">✕</button>`}
    </li>`)}</ul>
    <label class="check"><input type="checkbox" data-draft="noParts" ${none ? 'checked' : ''} ${off}> ${t('wo.noParts')}</label>
    ${locked ? '' : html`<div class="button-row">
      ${none ? '' : html`<button type="button" class="secondary" data-action="addPart">${t('wo.addPart')}</button>`}
      <button type="button" class="secondary" data-action="saveParts">${t('wo.saveParts')}</button></div>`}
  </section>`;
}

function timer(verification, nowMs, locked) {
  const phase = timerPhase(verification, nowMs);
  if (phase === 'done') {
    return html`<p class="ok" id="wo-stable">${t('wo.stableDone', {
      from: formatDateTime(verification.stable_from), until: formatDateTime(verification.stable_until) })}</p>`;
  }
  if (locked) return html`<p class="meta">${t('wo.stableNotDone')}</p>`;
  if (phase === 'idle') {
    return html`<button type="button" class="secondary wide" data-action="startTimer">${t('wo.startTimer')}</button>`;
  }
  const left = STABLE_MS - stableElapsedMs(verification, nowMs);
  return html`<div class="wo-timer" id="wo-stable">
    <p>${t('wo.stableSince', { time: formatDateTime(verification.stable_from) })}</p>
    <p class="wo-countdown" role="timer" data-stable-from="${verification.stable_from}">${clockText(Math.max(0, left))}</p>
    <button type="button" class="primary big" data-action="markStable" ${left > 0 ? 'disabled' : ''}>${t('wo.markStable')}</button>
    <button type="button" class="secondary wide" data-action="startTimer">${t('wo.restartTimer')}</button>
  </div>`;
}

export function verificationSection({ verification, locked, nowMs = Date.now() }) {
  const v = verification ?? {};
  const off = locked ? 'disabled' : '';
  return html`<section class="wo-part" aria-labelledby="wo-verify"><h3 id="wo-verify">${t('wo.verification')}</h3>
    <label class="check"><input type="checkbox" data-verify="self_check_in_range" ${v.self_check_in_range ? 'checked' : ''} ${off}> ${t('wo.selfCheck')}</label>
    <label class="check"><input type="checkbox" data-verify="functional_test_passed" ${v.functional_test_passed ? 'checked' : ''} ${off}> ${t('wo.functionalTest')}</label>
    <h4>${t('wo.stability')}</h4>
    ${timer(verification, nowMs, locked)}
  </section>`;
}

/** Who wrote a comment: the phone's own (sent or still pending), a known name, or a colleague. */
function commentAuthor(comment, me, authors) {
  if (!comment.by || comment.by === me) return t('wo.commentMine');
  return authors[comment.by] ?? t('wo.commentOther');
}

export function commentsSection({ comments, draft, me = null, authors = {} }) {
  return html`<section class="wo-part" aria-labelledby="wo-comments"><h3 id="wo-comments">${t('wo.comments')}</h3>
    ${comments.length ? html`<ol class="history wo-comments">${comments.map((c) => html`<li>
      <span class="meta">${commentAuthor(c, me, authors)}${c.hlc ? ` · ${formatDateTime(Number(c.hlc.slice(0, 15)))}` : ''}</span>
      <span>${c.body}</span></li>`)}</ol>`
      : html`<p class="meta">${t('wo.noComments')}</p>`}
    <label for="wo-comment" class="wb-visually-hidden">${t('wo.comment')}</label>
    <textarea id="wo-comment" data-draft="comment" rows="2" maxlength="10000" placeholder="${t('wo.comment')}">${draft.comment ?? ''}</textarea>
    <button type="button" class="secondary wide" data-action="addComment">${t('wo.addComment')}</button>
  </section>`;
}
