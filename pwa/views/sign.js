// The client's signing view (issue 6 §6–7): the phone is handed over; the whole screen shows
// what was done, the parts, the three phase photos and the record hash, computed here exactly
// as the server will (store/signable.js). The client signs (name, role/organisation, optional
// phone, the pad) or refuses (contact person, reason). Leaving a half-filled form asks first.
import { captureSignature } from '../components/signature-pad.js';
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { go } from '../router.js';
import { saveBlob } from '../store/blobs.js';
import { mutate, record } from '../store/local.js';
import { recordHash } from '../store/signable.js';
import { signableForm } from '../store/signable-form.js';
import { claimBlob } from '../store/upload.js';
import { ensureStyles } from './work-order.js';
import { loadWorkOrder } from './work-order-data.js';
import { PHASES, photosByPhase } from './work-order-rules.js';

export const REFUSAL_REASONS = ['not_authorised', 'disagrees_with_record', 'not_present', 'other'];
// The signer is reading: a sync must not swap the record under their eyes (the hash is
// checked again at the moment of signing).
export const refreshOnSync = false;
let current = null;
let mode = 'sign';
let guard = null;
let typed = {}; // what the signer typed: an online/offline redraw must not wipe it

export async function load(ctx) {
  ensureStyles();
  const data = await loadWorkOrder(ctx);
  const { text, hash } = await recordHash(signableForm('work_order', data.state));
  return { ...data, signedText: text, hash };
}

/** The hash in groups of eight, so a signer can compare it with the printed report. */
export function groupedHash(hash) {
  return hash.match(/.{1,8}/g).join(' ');
}

function summary({ fields, asset, site, photos, thumbs }) {
  const d = fields.diagnosis ?? {};
  const parts = fields.parts_used ?? d.parts_used ?? [];
  const grouped = photosByPhase(photos);
  return html`<dl class="fields card sign-summary">
    <div class="field"><dt>${t('wo.asset')}</dt><dd>${asset?.name ?? t('wo.noAsset')} · ${site?.name ?? ''}</dd></div>
    ${d.cause ? html`<div class="field"><dt>${t('wo.cause')}</dt><dd>${t(`wo.cause_${d.cause}`)}</dd></div>` : ''}
    <div class="field"><dt>${t('wo.findings')}</dt><dd>${d.findings ?? '—'}</dd></div>
    <div class="field"><dt>${t('sign.done')}</dt><dd>${d.actions ?? '—'}</dd></div>
    <div class="field"><dt>${t('wo.parts')}</dt><dd>${parts.length
      ? html`<ul class="sign-parts">${parts.map((p) => html`<li>${p.item} × ${p.quantity}</li>`)}</ul>` : t('sign.noParts')}</dd></div>
    <div class="field"><dt>${t('wo.verification')}</dt><dd>${fields.verification?.stable_until
      ? t('sign.verified', { until: formatDateTime(fields.verification.stable_until) }) : '—'}</dd></div>
  </dl>
  <ul class="sign-photos">${PHASES.map((phase) => {
    const photo = grouped[phase][0];
    const url = photo && thumbs[photo.sha256];
    return html`<li><span>${t(`wo.phase_${phase}`)}</span>${url
      ? html`<img class="wb-thumb" src="${url}" alt="${t(`wo.phase_${phase}`)}">`
      : html`<span class="wb-thumb wo-nothumb">${photo ? t('wo.photoElsewhere') : t('wo.phaseMissing')}</span>`}</li>`;
  })}</ul>`;
}

function signForm() {
  return html`<form id="sign-form" class="sign-form" novalidate>
    <label for="sign-name">${t('sign.name')}</label>
    <input id="sign-name" name="signer_name" value="${typed.signer_name ?? ''}" maxlength="200" required autocomplete="name">
    <label for="sign-role">${t('sign.role')}</label>
    <input id="sign-role" name="role" value="${typed.role ?? ''}" maxlength="200" required placeholder="${t('sign.rolePlaceholder')}">
    <label for="sign-phone">${t('sign.phone')}</label>
    <input id="sign-phone" name="phone" value="${typed.phone ?? ''}" maxlength="30" type="tel" autocomplete="tel">
    <p class="error" id="sign-error" role="alert"></p>
    <button type="submit" class="primary big">${t('sign.signNow')}</button>
  </form>`;
}

function refuseForm() {
  return html`<form id="refuse-form" class="sign-form" novalidate>
    <label for="refuse-contact">${t('sign.contact')}</label>
    <input id="refuse-contact" name="contact_person" value="${typed.contact_person ?? ''}" maxlength="200" required>
    <label for="refuse-reason">${t('sign.reason')}</label>
    <select id="refuse-reason" name="reason" required>
      <option value="">${t('sign.chooseReason')}</option>
      ${REFUSAL_REASONS.map((r) => html`<option value="${r}" ${typed.reason === r ? 'selected' : ''}>${t(`sign.reason_${r}`)}</option>`)}
    </select>
    <label for="refuse-text">${t('sign.reasonText')}</label>
    <textarea id="refuse-text" name="reason_text" maxlength="500" rows="3">${typed.reason_text ?? ''}</textarea>
    <p class="error" id="sign-error" role="alert"></p>
    <button type="submit" class="primary big danger">${t('sign.recordRefusal')}</button>
  </form>`;
}

export function view(data) {
  current = data;
  const status = data.fields.status;
  const ready = status === 'verified';
  return html`<article class="sign-screen" aria-labelledby="sign-title">
    <header class="sign-top">
      <a href="#/work-orders/${data.state.id}" class="button secondary" data-leave>${t('sign.back')}</a>
      <h2 id="sign-title">${t('sign.title')}</h2>
    </header>
    <h3 id="sign-wo-title">${data.fields.title}</h3>
    ${summary(data)}
    <section class="sign-hash">
      <h3>${t('sign.hash')}</h3>
      <p class="mono" id="sign-hash" data-hash="${data.hash}">${groupedHash(data.hash)}</p>
      <p class="meta">${t('sign.hashHelp')}</p>
    </section>
    ${ready ? html`
      <div class="sign-modes" role="group" aria-label="${t('sign.title')}">
        <button type="button" data-action="mode" data-mode="sign" aria-pressed="${mode === 'sign'}">${t('sign.modeSign')}</button>
        <button type="button" data-action="mode" data-mode="refuse" aria-pressed="${mode === 'refuse'}">${t('sign.modeRefuse')}</button>
      </div>
      ${mode === 'sign' ? signForm() : refuseForm()}`
    : html`<p class="notice" id="sign-not-ready">${t(status === 'signed' ? 'sign.alreadySigned' : 'sign.notReady')}</p>`}
  </article>`;
}

function dirty(screen) {
  return [...screen.querySelectorAll('.sign-form input, .sign-form select, .sign-form textarea')].some((el) => el.value.trim());
}

function fail(screen, key, params) {
  screen.querySelector('#sign-error').textContent = t(key, params);
}

/** Strokes as the protocol wants them: [[x, y, ms since the first point], …] per stroke. */
export function strokesOf(points) {
  const first = points[0]?.points?.[0]?.time ?? 0;
  return points.filter((g) => g.points?.length).slice(0, 500).map((g) => g.points.slice(0, 5000)
    .map((p) => [Math.round(p.x * 10) / 10, Math.round(p.y * 10) / 10, Math.max(0, Math.round(p.time - first))]));
}

/** The record must still be the one on screen: otherwise the signer sees it again. */
async function stillShown(screen) {
  const state = await record('work_order', current.state.id);
  const { hash } = await recordHash(signableForm('work_order', state));
  if (hash === current.hash && state.fields.status === 'verified') return true;
  fail(screen, 'sign.changed');
  return false;
}

async function send(capture) {
  const id = current.state.id;
  await mutate('work_order', id, 'work_order.sign', { record_hash: current.hash, capture }, ['status']);
  guard?.abort();
  typed = {};
  mode = 'sign';
  go(`/work-orders/${id}`);
}

async function submitSignature(form, screen) {
  const values = Object.fromEntries(new FormData(form));
  if (!values.signer_name.trim() || !values.role.trim()) return fail(screen, 'sign.nameRequired');
  if (!(await stillShown(screen))) return null;
  const signature = await captureSignature({ heading: t('sign.padHeading', { name: values.signer_name.trim() }), summary: groupedHash(current.hash) });
  if (!signature) return null;
  const blob = await saveBlob(current.db, signature.png, 'image/png', { kind: 'signature' });
  await claimBlob(current.db, blob.sha256, { site_id: current.state.site_id, kind: 'work_order' });
  const phone = values.phone.trim();
  return send({
    type: 'signature', signer_name: values.signer_name.trim(), role: values.role.trim(), signed_at: new Date().toISOString(),
    image_sha256: blob.sha256, strokes: strokesOf(signature.points), ...(phone ? { phone } : {}),
  });
}

async function submitRefusal(form, screen) {
  const values = Object.fromEntries(new FormData(form));
  if (!values.contact_person.trim() || !values.reason) return fail(screen, 'sign.refusalRequired');
  if (!confirm(t('sign.confirmRefusal'))) return null;
  if (!(await stillShown(screen))) return null;
  return send({
    type: 'refusal', contact_person: values.contact_person.trim(), reason: values.reason,
    reason_text: values.reason_text.trim(), refused_at: new Date().toISOString(),
  });
}

export const actions = {
  mode(element, ctx) {
    const screen = element.closest('.screen');
    if (dirty(screen) && !confirm(t('sign.confirmLeave'))) return;
    mode = element.dataset.mode;
    typed = {};
    ctx.refresh();
  },
};

export function mounted(screen) {
  guard?.abort();
  guard = new AbortController();
  const { signal } = guard;
  screen.addEventListener('input', (event) => { if (event.target.name) typed[event.target.name] = event.target.value; });
  screen.addEventListener('submit', (event) => {
    event.preventDefault();
    const work = event.target.id === 'sign-form' ? submitSignature : submitRefusal;
    work(event.target, screen).catch((error) => fail(screen, 'sign.failed', { message: error.message }));
  });
  // Leaving by a link (back, tab bar) or by reloading with a half-filled form asks first.
  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (!screen.isConnected) return guard.abort();
    if (link && dirty(screen) && !confirm(t('sign.confirmLeave'))) event.preventDefault();
  }, { capture: true, signal });
  window.addEventListener('beforeunload', (event) => {
    if (screen.isConnected && dirty(screen)) event.preventDefault();
  }, { signal });
  window.addEventListener('hashchange', () => { if (!screen.isConnected) guard.abort(); }, { signal });
}
