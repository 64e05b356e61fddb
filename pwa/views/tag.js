// Resolving a tag code (scanned, typed, or from a /t/{code} link a camera app opened) to its
// asset: from the primed data on the phone, or from the server when online, which also
// teaches the phone what it did not know yet (a label replaced since the last download).
import { html } from '../components/html.js';
import { formatCode, validate } from '../components/tag-code.js';
import { tagProblem } from '../components/scanner.js';
import { t } from '../i18n/index.js';
import { ApiError } from '../store/api.js';
import { openStore } from '../store/db.js';
import { rememberAsset, rememberRetired } from '../store/prime.js';

const ONLINE_WAIT_MS = 5000;

/**
 * {kind: 'asset', asset} | {kind: 'replaced', code, currentCode, asset} |
 * {kind: 'unknown', code, where: 'phone'|'server'}
 */
export async function resolveLocal(db, code) {
  const tag = await db.get('tags', code);
  if (!tag) return { kind: 'unknown', code, where: 'phone' };
  const asset = await db.get('assets', tag.asset_id);
  if (!asset) return { kind: 'unknown', code, where: 'phone' };
  if (tag.active) return { kind: 'asset', asset };
  return { kind: 'replaced', code, currentCode: asset.tag_code ?? tag.replaced_by, asset };
}

function withTimeout(promise, ms) {
  return Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))]);
}

async function resolveOnline(db, api, code) {
  try {
    const found = await withTimeout(api('GET', `/api/tags/${encodeURIComponent(code)}`), ONLINE_WAIT_MS);
    await rememberAsset(db, found.asset);
    return { kind: 'asset', asset: found.asset };
  } catch (error) {
    if (!(error instanceof ApiError)) return null; // no answer: the phone's copy decides
    if (error.code === 'tag_replaced') return replacedOnline(db, api, code, error.detail);
    if (error.status === 404) return { kind: 'unknown', code, where: 'server' };
    if (error.code === 'did_you_mean') return { kind: 'typo', code, candidates: error.detail.candidates };
    throw error;
  }
}

async function replacedOnline(db, api, code, detail) {
  await rememberRetired(db, { code, asset_id: detail.asset_id, replaced_by: detail.replaced_by });
  const asset = (await db.get('assets', detail.asset_id))
    ?? (await api('GET', `/api/assets/${encodeURIComponent(detail.asset_id)}`).catch(() => null));
  return { kind: 'replaced', code, currentCode: detail.current_code ?? detail.replaced_by, asset };
}

/** A checked code → what it is. Online answers win; without one the primed data answers. */
export async function resolveTag(api, code, online, db = null) {
  db ??= await openStore();
  if (online) {
    const answer = await resolveOnline(db, api, code);
    if (answer) return answer;
  }
  return resolveLocal(db, code);
}

/** The outcome of a lookup that did not simply open an asset. */
export function outcomeView(result, online) {
  if (result.kind === 'replaced') {
    const current = result.currentCode ? formatCode(result.currentCode) : t('tagNoCurrent');
    return html`
      <div class="outcome warn" role="alert">
        <h3>${t('tagReplacedTitle', { code: formatCode(result.code) })}</h3>
        <p>${t('tagReplacedBody', { current })}</p>
        ${result.asset ? html`<p><strong>${result.asset.name}</strong></p>
          <a class="button primary" href="#/assets/${encodeURIComponent(result.asset.id)}">${t('openCurrentAsset')}</a>`
          : html`<p>${t('tagReplacedNoAsset')}</p>`}
      </div>`;
  }
  if (result.kind === 'typo') {
    return html`
      <div class="outcome warn" role="alert">
        <p>${t('scanDidYouMean')}</p>
        <div class="choices">${result.candidates.map((c) =>
          html`<a class="button secondary mono" href="#/t/${c}">${formatCode(c)}</a>`)}</div>
      </div>`;
  }
  if (result.kind === 'invalid') {
    return html`<div class="outcome bad" role="alert"><p>${result.message}</p></div>`;
  }
  const body = result.where === 'server' || online ? t('tagUnknownServer') : t('tagUnknownOffline');
  return html`
    <div class="outcome bad" role="alert">
      <h3>${t('tagUnknownTitle', { code: formatCode(result.code) })}</h3>
      <p>${body}</p>
    </div>`;
}

function checked(raw) {
  const result = validate(raw);
  if (result.type === 'ok') return { code: result.code };
  if (result.type === 'invalid') return { outcome: { kind: 'invalid', message: tagProblem(result) } };
  return { candidates: result.candidates };
}

async function knownAmong(candidates) {
  const db = await openStore();
  const found = await Promise.all(candidates.map((code) => db.get('tags', code)));
  return candidates.filter((_, i) => found[i]);
}

export async function load({ api, online, params }) {
  const check = checked(params.code ?? '');
  if (check.outcome) return { result: check.outcome };
  if (check.candidates) {
    const known = await knownAmong(check.candidates);
    return { result: known.length ? { kind: 'typo', code: params.code, candidates: known }
      : { kind: 'invalid', message: t('scanCheckFailed') } };
  }
  const result = await resolveTag(api, check.code, online);
  // Replace, not push: Back from the asset should not land on this redirect again.
  if (result.kind === 'asset') location.replace(`#/assets/${encodeURIComponent(result.asset.id)}`);
  return { result };
}

export function view({ result }, { online }) {
  if (result.kind === 'asset') return html`<p class="loading-inline">${t('opening')}</p>`;
  return html`
    <section class="tag-screen">
      <h2>${t('tagTitle')}</h2>
      ${outcomeView(result, online)}
      <a class="button secondary" href="#/scan">${t('scanAnother')}</a>
    </section>`;
}
