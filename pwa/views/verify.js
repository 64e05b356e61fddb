// The page a paper report's QR code opens (`/#/verify/{record hash}`): whether a record with
// this hash was signed and still verifies. It works signed out (the client's auditor has no
// account; app.js lets `public` routes through) and needs the server: offline it says so.
import { html } from '../components/html.js';
import { languageSwitch } from '../components/language-switch.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { ApiError } from '../store/api.js';

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const RECORD_PATHS = { work_order: 'work-orders', inspection: 'inspections' };

export async function load(ctx) {
  const hash = ctx.params.hash.trim().toLowerCase();
  if (!HEX_SHA256.test(hash)) return { hash, state: 'malformed' };
  if (!navigator.onLine) return { hash, state: 'offline' };
  try {
    const check = await ctx.api('GET', `/api/verify/${hash}`);
    return { hash, check, state: !check.found ? 'missing' : check.ok ? 'valid' : 'problem' };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'malformed_hash') return { hash, state: 'malformed' };
    if (error instanceof ApiError) throw error;
    return { hash, state: 'offline' }; // no answer: the network, not the record
  }
}

// Groups of four, so a person can compare the printed hash with the screen.
function spaced(hash) {
  return hash.match(/.{1,4}/g).join(' ');
}

function verdict(state) {
  const mark = { valid: '✓', problem: '✗', missing: '?', malformed: '?', offline: '…' }[state];
  const tone = { valid: 'good', problem: 'bad' }[state] ?? 'warn';
  return html`
    <div class="outcome verify-verdict ${tone}" role="status">
      <h2><span class="verify-mark" aria-hidden="true">${mark}</span> ${t(`verify.${state}`)}</h2>
      <p>${t(`verify.${state}Text`)}</p>
    </div>`;
}

function checkRow(name, ok) {
  return html`<li class="${ok ? 'ok' : 'bad'}">
    <span aria-hidden="true">${ok ? '✓' : '✗'}</span> ${t(`verify.check_${name}_${ok ? 'ok' : 'bad'}`)}</li>`;
}

function recordLink(check) {
  const path = RECORD_PATHS[check.record_kind];
  if (!check.record_id || !path) return '';
  return html`<a class="button secondary" href="#/${path}/${encodeURIComponent(check.record_id)}">${t('verify.open')}</a>`;
}

function details(check, ctx) {
  return html`
    <dl class="fields">
      <div class="field"><dt>${t('verify.kind')}</dt><dd>${t(`verify.kind_${check.record_kind}`)}</dd></div>
      <div class="field"><dt>${t('verify.outcome')}</dt><dd>${t(`verify.outcome_${check.outcome}`)}</dd></div>
      <div class="field"><dt>${t('verify.signedAt')}</dt><dd>${formatDateTime(check.signed_at)}</dd></div>
      <div class="field"><dt>${t('verify.version')}</dt><dd>${check.version}</dd></div>
    </dl>
    ${check.newer_version ? html`<p class="notice">${t('verify.newerVersion')}</p>` : ''}
    <ul class="verify-checks">
      ${checkRow('chain', check.chain_ok)}${checkRow('record', check.record_ok)}${checkRow('files', check.files_ok)}
    </ul>
    ${check.files_pending ? html`<p class="notice">${t('verify.filesPending', { count: check.files_pending })}</p>` : ''}
    ${ctx.user ? recordLink(check) : ''}`;
}

export function view(data, ctx) {
  return html`
    <section class="verify">
      <h2>${t('verify.title')}</h2>
      ${verdict(data.state)}
      ${data.check?.found ? details(data.check, ctx) : ''}
      ${data.state === 'offline' ? html`<button type="button" class="secondary" data-action="reload">${t('retry')}</button>` : ''}
      <p class="meta">${t('verify.hash')}</p>
      <p class="mono verify-hash">${spaced(data.hash)}</p>
      ${ctx.user ? '' : html`<a class="button secondary" href="#/">${t('verify.logIn')}</a>${languageSwitch()}`}
    </section>`;
}
