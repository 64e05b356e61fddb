// One checklist item as the technician answers it: big buttons for pass / fail / N/A and
// choices (gloves), a number field with its unit and allowed range, text, photos, a note,
// and the verdict, shown the moment it changes. Rendering only; inspection.js saves.
import { html } from '../components/html.js';
import { lang, t } from '../i18n/index.js';
import { refusedNote } from './conflicts-refused.js';
import { rangeText } from './inspection-checks.js';

export function label(text) {
  return lang() === 'zh-CN' ? text.zh : text.en;
}

/** The verdict line: outcome word plus the reason, in the user's language. */
export function verdictText({ outcome, reason }) {
  const params = { ...reason.params };
  if (params.option) params.option = label(params.option);
  const why = t(`insp.reason_${reason.key}`, params);
  return `${t(`insp.outcome_${outcome}`)} · ${why}`;
}

function pressed(on) {
  return on ? 'true' : 'false';
}

function choiceButton(key, value, text, on, locked, kind = '') {
  return html`<button type="button" class="answer ${kind} ${on ? 'on' : ''}" data-action="insp-answer"
    data-item="${key}" data-value="${value}" aria-pressed="${pressed(on)}" ${locked ? html`disabled` : ''}>${text}</button>`;
}

function naButton(key, answer, locked) {
  return choiceButton(key, 'na', t('insp.na'), Boolean(answer?.not_applicable), locked, 'na');
}

function passFailInput(item, answer, locked) {
  const value = answer?.not_applicable ? null : answer?.value;
  return html`<div class="answers three">
    ${choiceButton(item.key, 'pass', `✓ ${t('insp.pass')}`, value === true, locked, 'pass')}
    ${choiceButton(item.key, 'fail', `✗ ${t('insp.fail')}`, value === false, locked, 'fail')}
    ${naButton(item.key, answer, locked)}
  </div>`;
}

function readingInput(item, answer, locked) {
  const value = typeof answer?.value === 'number' && !answer.not_applicable ? String(answer.value) : '';
  const range = rangeText(item);
  return html`<div class="reading">
      <label class="wb-visually-hidden" for="reading-${item.key}">${label(item.label)}</label>
      <input id="reading-${item.key}" type="text" inputmode="decimal" autocomplete="off" data-reading="${item.key}"
        value="${value}" placeholder="${t('insp.readingPlaceholder')}" ${locked ? html`disabled` : ''}>
      <span class="unit">${item.unit}</span>
    </div>
    ${range ? html`<p class="meta">${t('insp.allowed', { range, unit: item.unit })}</p>` : ''}
    <div class="answers one">${naButton(item.key, answer, locked)}</div>`;
}

function textInput(item, answer, locked) {
  const value = typeof answer?.value === 'string' ? answer.value : '';
  return html`<label class="wb-visually-hidden" for="text-${item.key}">${label(item.label)}</label>
    <textarea id="text-${item.key}" rows="3" data-text="${item.key}" ${locked ? html`disabled` : ''}>${value}</textarea>
    <div class="answers one">${naButton(item.key, answer, locked)}</div>`;
}

function choiceInput(item, answer, locked) {
  const chosen = answer?.not_applicable ? null : answer?.value;
  const failing = item.failing ?? [];
  return html`<div class="answers options">
    ${item.options.map((o) => choiceButton(item.key, `opt:${o.key}`, label(o.label), chosen === o.key, locked,
      failing.includes(o.key) ? 'fail' : ''))}
    ${naButton(item.key, answer, locked)}
  </div>`;
}

function input(item, answer, locked) {
  if (item.kind === 'pass_fail_na') return passFailInput(item, answer, locked);
  if (item.kind === 'reading') return readingInput(item, answer, locked);
  if (item.kind === 'text') return textInput(item, answer, locked);
  if (item.kind === 'choice') return choiceInput(item, answer, locked);
  return '';
}

// A photo whose bytes the server refused: the badge and reason, and (while a draft) a way to
// remove it so it can be taken again (views/conflicts-refused.js).
function refusedPart(photo, refused, locked) {
  if (!Object.hasOwn(refused, photo.sha256)) return '';
  const retake = locked ? '' : html`<button type="button" class="secondary" data-action="insp-remove-photo"
    data-photo="${photo.id}">${t('refused.retake')}</button>`;
  return refusedNote(refused[photo.sha256], retake);
}

function photosPart(judged, photos, locked, refused) {
  const { item } = judged;
  const mine = photos.filter((p) => p.item === item.key);
  const wanted = item.photo_required || item.kind === 'photo';
  if (locked && !mine.length) return '';
  return html`<div class="item-photos">
    ${mine.length ? html`<ul class="wb-thumbs">${mine.map((p) => html`<li class="${Object.hasOwn(refused, p.sha256) ? 'refused' : ''}">
      <img class="wb-thumb" data-blob="${p.sha256}" alt="${t('insp.photoAlt', { item: label(item.label) })}">
      ${refusedPart(p, refused, locked)}</li>`)}</ul>` : ''}
    ${locked ? '' : html`<details class="add-photo" ${wanted && !mine.length ? html`open` : ''}>
      <summary>${t(mine.length ? 'insp.morePhotos' : 'insp.addPhoto')}</summary>
      <wb-photo-capture data-item="${item.key}"></wb-photo-capture></details>`}
  </div>`;
}

function notePart(judged, locked) {
  const note = judged.answer?.note ?? '';
  if (locked && !note) return '';
  return html`<details class="note" ${note ? html`open` : ''}>
    <summary>${t('insp.note')}</summary>
    <textarea rows="2" data-note="${judged.item.key}" aria-label="${t('insp.note')}" ${locked ? html`disabled` : ''}>${note}</textarea>
  </details>`;
}

function faultPart(judged, link) {
  if (judged.outcome !== 'fail') return '';
  if (link) {
    return html`<a class="button secondary" href="#/work-orders/${encodeURIComponent(link)}">${t('insp.openWorkOrder')}</a>`;
  }
  return html`<button type="button" class="secondary wide fault" data-action="insp-create-wo" data-item="${judged.item.key}">
    ${t('insp.createWorkOrder')}</button>`;
}

/** The item's card; `number` is its position (1-based) in the checklist. */
export function itemCard(judged, number, { photos, locked, link, refused = {} }) {
  const { item, outcome } = judged;
  return html`
    <section class="insp-item outcome-${outcome}" id="item-${item.key}" data-item-card="${item.key}" aria-labelledby="label-${item.key}">
      <h3 id="label-${item.key}"><span class="num">${number}</span> ${label(item.label)}</h3>
      <div class="chips">
        ${item.required ? '' : html`<span class="chip">${t('insp.optional')}</span>`}
        ${item.photo_required ? html`<span class="chip photo">📷 ${t('insp.photoRequired')}</span>` : ''}
      </div>
      ${input(item, judged.answer, locked)}
      <p class="verdict ${outcome}" role="status" aria-live="polite" data-verdict="${item.key}">${verdictText(judged)}</p>
      ${notePart(judged, locked)}
      ${photosPart(judged, photos, locked, refused)}
      ${faultPart(judged, link)}
    </section>`;
}
