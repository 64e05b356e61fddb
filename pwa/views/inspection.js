// Inspection run (巡检): one checklist item per step (or the whole list), every answer saved
// at once as a sync mutation (inspection.answer), photos per item, the narrative fields, and
// submit — refused on the phone while required items are unanswered, naming them. A failed
// item offers a fault work order pre-filled from it. Works offline from the primed template.
import { html } from '../components/html.js';
import '../components/photo-capture.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { currentQuery, go } from '../router.js';
import { ApiError } from '../store/api.js';
import { readBlob } from '../store/blobs.js';
import { openStore } from '../store/db.js';
import { liveEvents, mutate, record } from '../store/local.js';
import { fetchTemplate, inspectionMeta, rememberInspection, templateFor } from '../store/my-work.js';
import { claimBlob } from '../store/upload.js';
import { uuidv7 } from '../store/uuidv7.js';
import { refusedOf, usablePhotos } from './conflicts-refused.js';
import { evaluate, judgeAll, latestAnswers, parseReading, photoCounts } from './inspection-checks.js';
import { itemCard, label, verdictText } from './inspection-items.js';
import { fieldsPart, summaryPart } from './inspection-summary.js';

const MODE_KEY = 'weibao.inspMode';
let current = null; // the data on screen, for the actions
let missing = null; // items named after a refused submit, shown once
const urls = [];

function unavailable(key) {
  return new ApiError(404, { error: 'inspection_unavailable', message: t(key) });
}

/** Where the record belongs: this phone's note of the start, else the synced record, else the server. */
async function whereabouts(db, api, online, id, state) {
  const meta = await inspectionMeta(db, id);
  if (meta?.template_id) return meta;
  const server = online ? await api('GET', `/api/inspections/${encodeURIComponent(id)}`).catch(() => null) : null;
  if (!server) return meta ?? (state?.asset_id ? { id, asset_id: state.asset_id, site_id: state.site_id } : null);
  const found = { id, asset_id: server.asset_id, site_id: server.site_id, round_id: server.round_id,
    template_id: server.template_id, started_at: server.started_at_device ?? server.created_at };
  await rememberInspection(db, found);
  return found;
}

async function checklist(db, api, online, meta, asset) {
  const known = await templateFor(db, asset ?? {}, meta.template_id ?? null);
  if (known || !online || !meta.template_id) return known;
  return fetchTemplate(api, db, meta.template_id);
}

export async function load({ api, online, params }) {
  const db = await openStore();
  const state = await record('inspection', params.id).catch(() => null);
  const meta = await whereabouts(db, api, online, params.id, state);
  if (!meta) throw unavailable(online ? 'insp.missing' : 'insp.notOnPhone');
  const asset = await db.get('assets', meta.asset_id);
  const template = await checklist(db, api, online, meta, asset);
  if (!template) throw unavailable('insp.templateMissing');
  const photos = liveEvents(state, 'photos');
  const refused = await refusedOf(db, photos);
  const items = template.body.items;
  // Refused bytes never reach the server: such a photo does not count for a required one.
  const judged = judgeAll(items, latestAnswers(liveEvents(state, 'answers')), photoCounts(usablePhotos(photos, refused)));
  const step = Math.min(Math.max(Number(currentQuery().get('step')) || 0, 0), items.length);
  const links = (await db.get('cache', `insp-wo:${params.id}`)) ?? {};
  const unsent = (await db.getAllFromIndex('outbox', 'by-record', ['inspection', params.id]))
    .filter((row) => row.state === 'pending').length;
  return {
    id: params.id, state, meta, asset, template, judged, photos, links, step, refused,
    status: state?.fields?.status ?? 'draft', fields: state?.fields ?? {}, synced: unsent === 0,
    mode: localStorage.getItem(MODE_KEY) === 'list' ? 'list' : 'step',
  };
}

function header(data) {
  const answered = data.judged.filter((j) => j.answer || j.photos).length;
  const failed = data.judged.filter((j) => j.outcome === 'fail').length;
  return html`
    <header class="insp-head">
      <h2 id="insp-title">${data.asset?.name ?? t('insp.unknownAsset')}</h2>
      <p class="meta">${label(data.template.body.name)} · v${data.template.version}
        ${data.meta.started_at ? html` · ${t('insp.startedAt', { time: formatDateTime(data.meta.started_at) })}` : ''}</p>
      <div class="chips">
        <span class="chip insp-status-${data.status}" id="insp-status">${t(`insp.status_${data.status}`)}</span>
        ${failed ? html`<span class="chip bad" id="insp-failed">${t('insp.failedCount', { count: failed })}</span>` : ''}
      </div>
      <progress max="${data.judged.length}" value="${answered}" aria-label="${t('insp.progressLabel')}"></progress>
      <p class="meta" id="insp-progress">${t('insp.progress', { done: answered, total: data.judged.length })}</p>
      <div class="segmented" role="group" aria-label="${t('insp.modeLabel')}">
        <button type="button" data-action="insp-mode" data-mode="step" aria-pressed="${data.mode === 'step'}">${t('insp.modeStep')}</button>
        <button type="button" data-action="insp-mode" data-mode="list" aria-pressed="${data.mode === 'list'}">${t('insp.modeList')}</button>
      </div>
    </header>`;
}

function cardOf(data, index, locked) {
  const judged = data.judged[index];
  return itemCard(judged, index + 1, { photos: data.photos, locked, link: data.links[judged.item.key], refused: data.refused });
}

function stepNav(data) {
  const last = data.judged.length;
  const at = data.step;
  return html`<nav class="step-nav" aria-label="${t('insp.stepNav')}">
    <button type="button" class="secondary" data-action="insp-step" data-step="${at - 1}" ${at === 0 ? html`disabled` : ''}>← ${t('insp.previous')}</button>
    <span class="meta" id="insp-step">${at < last ? t('insp.stepOf', { n: at + 1, total: last }) : t('insp.finish')}</span>
    <button type="button" class="primary" data-action="insp-step" data-step="${at + 1}" ${at >= last ? html`disabled` : ''}>${t(at === last - 1 ? 'insp.toFinish' : 'insp.next')} →</button>
  </nav>`;
}

function body(data, locked) {
  const finish = html`${fieldsPart(data, locked)}${summaryPart(data, locked, missing)}`;
  if (data.mode === 'list' || locked) {
    return html`<div class="insp-list">${data.judged.map((_, i) => cardOf(data, i, locked))}</div>${finish}`;
  }
  return html`${stepNav(data)}${data.step < data.judged.length ? cardOf(data, data.step, locked) : finish}`;
}

export function view(data, { online }) {
  current = data;
  const locked = data.status !== 'draft';
  const shown = html`
    <article class="inspection" data-inspection="${data.id}">
      ${header(data)}
      ${online ? '' : html`<p class="notice">${t('insp.offlineNote')}</p>`}
      ${body(data, locked)}
    </article>`;
  missing = null;
  return shown;
}

// --- saving -------------------------------------------------------------------------------

function judgedOf(key) {
  return current.judged.find((j) => j.item.key === key);
}

async function saveAnswer(key, changes) {
  const before = judgedOf(key).answer ?? {};
  const answer = { item: key, value: before.value ?? null, not_applicable: false, note: before.note ?? '', ...changes };
  await mutate('inspection', current.id, 'inspection.answer', { answer_id: uuidv7(), answer });
}

function valueOf(element) {
  const value = element.dataset.value;
  if (value === 'pass') return { value: true };
  if (value === 'fail') return { value: false };
  if (value === 'na') return { value: null, not_applicable: true };
  return { value: value.slice('opt:'.length) };
}

function showVerdict(screen, key, judged) {
  const verdict = screen.querySelector(`[data-verdict="${key}"]`);
  verdict.textContent = verdictText(judged);
  verdict.className = `verdict ${judged.outcome}`;
  const card = screen.querySelector(`[data-item-card="${key}"]`);
  card.className = card.className.replace(/outcome-\w+/, `outcome-${judged.outcome}`);
}

/** Typing a reading: judged on every keystroke (shown, not saved); saved when the field is left. */
function onReadingInput(screen, input) {
  const key = input.dataset.reading;
  const { item, photos } = judgedOf(key);
  const value = parseReading(input.value);
  if (value === null && input.value.trim()) {
    const verdict = screen.querySelector(`[data-verdict="${key}"]`);
    verdict.textContent = t('insp.notANumber');
    verdict.className = 'verdict incomplete';
    return;
  }
  showVerdict(screen, key, evaluate(item, { value, not_applicable: false, note: '' }, photos));
}

async function onChange(target, ctx) {
  if (target.dataset.reading) {
    const value = parseReading(target.value);
    if (value === null && target.value.trim()) return; // the verdict already says to type a number
    await saveAnswer(target.dataset.reading, { value });
  } else if (target.dataset.text) {
    await saveAnswer(target.dataset.text, { value: target.value.trim() ? target.value : null });
  } else if (target.dataset.note) {
    const key = target.dataset.note;
    await saveAnswer(key, { note: target.value, not_applicable: Boolean(judgedOf(key).answer?.not_applicable) });
  } else if (target.dataset.field) {
    if ((current.fields[target.dataset.field] ?? '') === target.value) return;
    await mutate('inspection', current.id, 'inspection.set_fields', { fields: { [target.dataset.field]: target.value } });
  } else {
    return;
  }
  ctx.refresh();
}

async function onPhoto(event, ctx) {
  const key = event.target.dataset.item;
  const photo = { sha256: event.detail.sha256, phase: 'other', captured_at: new Date().toISOString(), item: key };
  await mutate('inspection', current.id, 'inspection.add_photo', { photo_id: uuidv7(), photo });
  // The upload queue sends bytes only once a record files them under its site.
  await claimBlob(await openStore(), photo.sha256, { site_id: current.meta.site_id, kind: 'inspection' });
  ctx.refresh();
}

async function showThumbnails(screen) {
  const db = await openStore();
  for (const img of screen.querySelectorAll('img[data-blob]')) {
    const blob = await readBlob(db, img.dataset.blob);
    if (!blob) continue;
    const url = URL.createObjectURL(blob);
    urls.push(url);
    img.src = url;
  }
}

export function mounted(screen, _data, ctx) {
  while (urls.length) URL.revokeObjectURL(urls.pop());
  screen.addEventListener('input', (event) => event.target.dataset.reading && onReadingInput(screen, event.target));
  screen.addEventListener('change', (event) => onChange(event.target, ctx));
  screen.addEventListener('photo', (event) => onPhoto(event, ctx));
  showThumbnails(screen);
}

function goStep(n) {
  location.replace(`#/inspections/${encodeURIComponent(current.id)}?step=${n}`);
  window.scrollTo(0, 0);
}

/** A fault work order from a failed item: title and notes from the item, then open it. */
async function createWorkOrder(key) {
  const judged = judgedOf(key);
  const assetName = current.asset?.name ?? '';
  const title = `${assetName}：${label(judged.item.label)}`.slice(0, 200);
  const notes = t('insp.woNotes', {
    checklist: label(current.template.body.name), item: label(judged.item.label),
    verdict: verdictText(judged), note: judged.answer?.note ?? '',
  }).trim();
  const id = uuidv7();
  await mutate('work_order', id, 'work_order.create', { title, notes, site_id: current.meta.site_id, asset_id: current.meta.asset_id });
  const db = await openStore();
  await db.put('cache', { ...current.links, [key]: id }, `insp-wo:${current.id}`);
  go(`/work-orders/${id}`);
}

export const actions = {
  'insp-answer': async (element, ctx) => {
    await saveAnswer(element.dataset.item, valueOf(element));
    const advance = current.mode === 'step' && element.dataset.value !== 'fail' && !element.dataset.value.startsWith('opt:');
    if (advance && current.step < current.judged.length) return goStep(current.step + 1);
    return ctx.refresh();
  },
  'insp-step': (element) => goStep(Number(element.dataset.step)),
  'insp-mode': (element, ctx) => {
    localStorage.setItem(MODE_KEY, element.dataset.mode);
    ctx.refresh();
  },
  'insp-goto': (element, ctx) => {
    if (current.mode === 'step') return goStep(current.judged.findIndex((j) => j.item.key === element.dataset.item));
    document.getElementById(`item-${element.dataset.item}`)?.scrollIntoView({ block: 'start' });
    return ctx;
  },
  'insp-create-wo': (element) => createWorkOrder(element.dataset.item),
  'insp-remove-photo': async (element, ctx) => {
    if (!confirm(t('refused.confirmRemove'))) return;
    await mutate('inspection', current.id, 'inspection.remove_photo', { photo_id: element.dataset.photo });
    ctx.refresh();
  },
  'insp-submit': async (_element, ctx) => {
    const open = current.judged.filter((j) => j.outcome === 'incomplete');
    if (open.length) {
      missing = open;
    } else {
      await mutate('inspection', current.id, 'inspection.submit', { finished_at: new Date().toISOString() }, ['status']);
    }
    ctx.refresh();
  },
};
