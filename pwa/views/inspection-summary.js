// The end of an inspection run: what was found (problems, cause, how solved, parts to
// replace), the failed items with their work orders, and submit — or, when submit was
// refused, the items still to answer, each a tap away.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { label } from './inspection-items.js';

export const FIELDS = ['problems', 'cause', 'solution', 'parts_to_replace'];

export function fieldsPart(data, locked) {
  return html`<section class="card insp-fields" aria-labelledby="insp-fields-title">
    <h3 id="insp-fields-title">${t('insp.findings')}</h3>
    ${FIELDS.map((name) => html`
      <label for="field-${name}">${t(`insp.field_${name}`)}</label>
      <textarea id="field-${name}" rows="2" data-field="${name}" ${locked ? html`disabled` : ''}>${data.fields[name] ?? ''}</textarea>`)}
  </section>`;
}

function failedList(data) {
  const failed = data.judged.filter((j) => j.outcome === 'fail');
  if (!failed.length) return html`<p class="ok" id="insp-no-failures">${t('insp.noFailures')}</p>`;
  return html`<h4>${t('insp.failedItems')}</h4><ul class="failed-items">
    ${failed.map((j) => html`<li><span>${label(j.item.label)}</span>
      ${data.links[j.item.key]
        ? html`<a class="button secondary small" href="#/work-orders/${encodeURIComponent(data.links[j.item.key])}">${t('insp.openWorkOrder')}</a>`
        : html`<button type="button" class="secondary small" data-action="insp-create-wo" data-item="${j.item.key}">${t('insp.createWorkOrder')}</button>`}
    </li>`)}</ul>`;
}

function missingList(missing) {
  if (!missing?.length) return '';
  return html`<div class="outcome bad" role="alert" id="insp-missing">
    <h4>${t('insp.cannotSubmit', { count: missing.length })}</h4>
    <ul>${missing.map((j) => html`<li><button type="button" class="link" data-action="insp-goto" data-item="${j.item.key}">
      ${label(j.item.label)} — ${t(`insp.reason_${j.reason.key}`, j.reason.params)}</button></li>`)}</ul>
  </div>`;
}

function submittedNote(data) {
  const key = data.status === 'draft' ? '' : data.synced && data.status !== 'draft' ? 'insp.submittedSynced' : 'insp.submittedLocal';
  if (!key) return '';
  return html`<p class="ok" role="status" id="insp-submitted">${t(key)}</p>
    <a class="button secondary" href="#/">${t('insp.backToToday')}</a>`;
}

export function summaryPart(data, locked, missing) {
  return html`<section class="card insp-summary" aria-labelledby="insp-summary-title">
    <h3 id="insp-summary-title">${t('insp.summary')}</h3>
    ${failedList(data)}
    ${missingList(missing)}
    ${locked ? submittedNote(data) : html`
      <p class="meta">${t('insp.submitHint')}</p>
      <button type="button" class="primary" data-action="insp-submit" id="insp-submit">${t('insp.submit')}</button>`}
  </section>`;
}
