// Work order (technician): what is broken and where, the SLA countdowns, the next moves of
// the repair flow as big buttons, and the evidence a repair needs — diagnosis, parts, photos
// before/during/after, the three-level verification with its 30-minute stability timer.
// Every change is a mutation (store/local.js): it shows at once and syncs when it can.
// Typed text is kept as a draft per work order until saved, so a redraw or reload loses nothing.
import '../components/photo-capture.js';
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { currentQuery } from '../router.js';
import { claimBlob } from '../store/upload.js';
import { mutate, onChange, record } from '../store/local.js';
import { usablePhotos } from './conflicts-refused.js';
import { loadWorkOrder } from './work-order-data.js';
import {
  commentsSection, countdownText, diagnosisSection, historySection, movesSection, partsSection, photoSection, reworkSection,
  slaSection, verificationSection,
} from './work-order-parts.js';
import {
  cleanParts, clockText, missingFor, nextActions, reworkAllowed, STABLE_MS, stableElapsedMs,
} from './work-order-rules.js';

const LOCKED = ['signed', 'closed', 'cancelled'];
const WORK_STARTED = ['on_site', 'repaired', 'remote_resolved', 'verified', 'signed', 'closed'];
const VERIFYING = ['repaired', 'remote_resolved', 'verified', 'signed', 'closed'];
let current = null;
let notice = null; // {id, missing?: {to, items}, error?}
let ticker = null;

// A finished sync redraws this screen only when this record changed (a redraw under a finger
// loses the tap), see watchSync below.
export const refreshOnSync = false;
let unwatch = null;

export function ensureStyles() {
  if (document.getElementById('wo-styles')) return;
  const link = Object.assign(document.createElement('link'), { id: 'wo-styles', rel: 'stylesheet', href: '/views/work-order.css' });
  document.head.append(link);
}

const draftKey = (id) => `weibao.wo-draft.${id}`;

export function readDraft(id) {
  try {
    return JSON.parse(localStorage.getItem(draftKey(id))) ?? {};
  } catch {
    return {};
  }
}

function writeDraft(id, changes) {
  const next = { ...readDraft(id), ...changes };
  for (const [key, value] of Object.entries(next)) if (value === undefined) delete next[key];
  if (Object.keys(next).length) localStorage.setItem(draftKey(id), JSON.stringify(next));
  else localStorage.removeItem(draftKey(id));
}

/** A notification's "accept" button opens `#/work-orders/{id}?action=accept`. */
async function acceptFromNotification(data) {
  if (currentQuery().get('action') !== 'accept') return false;
  history.replaceState(null, '', `#/work-orders/${encodeURIComponent(data.state.id)}`);
  if (!nextActions(data.fields.status, data.declaration).includes('accepted')) return false;
  await mutate('work_order', data.state.id, 'work_order.transition', { to: 'accepted' }, ['status']);
  return true;
}

export async function load(ctx) {
  ensureStyles();
  const data = await loadWorkOrder(ctx);
  return (await acceptFromNotification(data)) ? loadWorkOrder(ctx) : data;
}

function head({ state, fields, asset, site }) {
  const status = fields.status;
  return html`<header class="wo-head wo-sev-${fields.severity ?? 0}">
      <h2 id="wo-title">${fields.title}</h2>
      <div class="chips">
        ${fields.severity ? html`<span class="chip wo-sevchip">${t('wo.severity', { n: fields.severity })}</span>` : ''}
        <span class="chip wo-status" id="wo-status" data-status="${status}">${t(`wo.status_${status}`)}</span>
      </div>
    </header>
    <dl class="fields card">
      <div class="field"><dt>${t('wo.asset')}</dt><dd>${state.asset_id
        ? html`<a href="#/assets/${state.asset_id}">${asset?.name ?? t('wo.assetOpen')}</a>` : t('wo.noAsset')}</dd></div>
      <div class="field"><dt>${t('wo.site')}</dt><dd>${site?.name ?? '—'}</dd></div>
      ${fields.notes ? html`<div class="field"><dt>${t('wo.notes')}</dt><dd>${fields.notes}</dd></div>` : ''}
    </dl>`;
}

export function view(data, ctx) {
  current = { data, ctx };
  const { state, fields } = data;
  const status = fields.status;
  const locked = LOCKED.includes(status);
  const shown = notice?.id === state.id ? notice : null;
  const draft = readDraft(state.id);
  return html`<article class="wo-screen">
    ${head(data)}
    ${ctx.online ? '' : html`<p class="notice">${t('wo.offlineNote')}</p>`}
    ${shown?.error ? html`<p class="notice" role="alert" id="wo-error">${shown.error}</p>` : ''}
    ${slaSection(data.sla, status)}
    ${movesSection({ state, moves: nextActions(status, data.declaration), missing: shown?.missing })}
    ${WORK_STARTED.includes(status) || fields.diagnosis ? diagnosisSection({ diagnosis: fields.diagnosis, draft, locked }) : ''}
    ${WORK_STARTED.includes(status) ? partsSection({ parts: fields.parts_used, draft, locked }) : ''}
    ${WORK_STARTED.includes(status) ? photoSection({ photos: data.photos, thumbs: data.thumbs, refused: data.refused, locked, highlight: !locked }) : ''}
    ${VERIFYING.includes(status) ? verificationSection({ verification: fields.verification, locked }) : ''}
    ${reworkAllowed(status, data.declaration) ? reworkSection({ draft, error: shown?.rework }) : ''}
    ${commentsSection({ comments: data.comments, draft, me: data.me, authors: data.authors })}
    ${historySection(data.rest)}
  </article>`;
}

/**
 * One mutation of this work order, then a redraw; a refusal by the local rules is shown.
 * `seen` only for the status: diagnosis, parts and verification are last-writer-wins values
 * and a base value must be a plain scalar (PROTOCOL.md §2).
 */
async function change(ctx, name, args, seen = [], { done = () => {} } = {}) {
  const id = current.data.state.id;
  try {
    await mutate('work_order', id, name, args, seen);
    if (notice?.id === id) notice = null;
    done();
  } catch (error) {
    notice = { id, error: t('wo.changeRefused', { message: error.message }) };
  }
  await redraw(ctx);
}

/** The whole verification with some parts changed, from the record as it is now. */
async function verification(changes) {
  const latest = await record('work_order', current.data.state.id);
  const v = latest?.fields.verification ?? {};
  return {
    self_check_in_range: Boolean(v.self_check_in_range), functional_test_passed: Boolean(v.functional_test_passed),
    stable_from: v.stable_from ?? null, stable_until: v.stable_until ?? null, ...changes,
  };
}

function partRows(screen) {
  const rows = [];
  for (const input of screen.querySelectorAll('[data-part]')) {
    rows[input.dataset.part] ??= { item: '', quantity: 1 };
    rows[input.dataset.part][input.dataset.key] = input.value;
  }
  return rows.filter(Boolean);
}

const screenOf = (element) => element.closest('.screen') ?? document;

export const actions = {
  async move(element, ctx) {
    const { state, fields, photos, refused } = current.data;
    const to = element.dataset.to;
    const missing = missingFor(to, fields, usablePhotos(photos, refused));
    if (missing.length) {
      notice = { id: state.id, missing: { to, items: missing } };
      await redraw(ctx);
      document.getElementById('wo-missing')?.scrollIntoView({ block: 'center' });
      return;
    }
    await change(ctx, 'work_order.transition', { to }, ['status']);
  },
  async saveDiagnosis(element, ctx) {
    const id = current.data.state.id;
    // What the fields show is what is saved (the draft only carries it across redraws).
    const shown = (key) => screenOf(element).querySelector(`[data-draft="${key}"]`)?.value;
    const draft = readDraft(id);
    const saved = current.data.fields.diagnosis ?? {};
    const value = (key) => shown(key) ?? draft[key] ?? saved[key] ?? '';
    const diagnosis = { cause: value('cause'), findings: value('findings'), actions: value('actions') };
    if (!diagnosis.cause) {
      notice = { id, error: t('wo.causeRequired') };
      return redraw(ctx);
    }
    await change(ctx, 'work_order.diagnose', { diagnosis }, [], {
      done: () => writeDraft(id, { cause: undefined, findings: undefined, actions: undefined }),
    });
  },
  async addPart(element, ctx) {
    writeDraft(current.data.state.id, { parts: [...partRows(screenOf(element)), { item: '', quantity: 1 }] });
    await redraw(ctx);
  },
  async removePart(element, ctx) {
    const rows = partRows(screenOf(element));
    rows.splice(Number(element.dataset.index), 1);
    writeDraft(current.data.state.id, { parts: rows.length ? rows : [{ item: '', quantity: 1 }] });
    await redraw(ctx);
  },
  async saveParts(element, ctx) {
    const id = current.data.state.id;
    const saved = current.data.fields.parts_used;
    const none = readDraft(id).noParts ?? (Array.isArray(saved) && !saved.length);
    const parts = none ? [] : cleanParts(partRows(screenOf(element)));
    if (!none && !parts.length) {
      notice = { id, error: t('wo.partsRequired') };
      return redraw(ctx);
    }
    await change(ctx, 'work_order.record_parts', { parts }, [], {
      done: () => writeDraft(id, { parts: undefined, noParts: undefined }),
    });
  },
  async removePhoto(element, ctx) {
    if (!confirm(t(element.dataset.refused ? 'refused.confirmRemove' : 'wo.confirmRemovePhoto'))) return;
    await change(ctx, 'work_order.remove_photo', { photo_id: element.dataset.photo });
  },
  async rework(element, ctx) {
    const id = current.data.state.id;
    const reason = (readDraft(id).reworkReason ?? '').trim();
    if (!reason) {
      notice = { id, rework: 'wo.reworkReasonRequired' }; // a key: the language may change while shown
      await redraw(ctx);
      document.getElementById('wo-rework-reason')?.focus();
      return;
    }
    if (!confirm(t('wo.confirmRework', { reason }))) return;
    await change(ctx, 'work_order.transition', { to: 'on_site', reason }, ['status'], {
      done: () => writeDraft(id, { reworkReason: undefined }),
    });
  },
  async startTimer(element, ctx) {
    const from = new Date().toISOString();
    await change(ctx, 'work_order.verify', { verification: await verification({ stable_from: from, stable_until: null }) });
  },
  async markStable(element, ctx) {
    const v = current.data.fields.verification;
    if (stableElapsedMs(v, Date.now()) < STABLE_MS) return;
    await change(ctx, 'work_order.verify', { verification: await verification({ stable_until: new Date().toISOString() }) });
  },
  async addComment(element, ctx) {
    const id = current.data.state.id;
    const body = (readDraft(id).comment ?? '').trim();
    if (!body) return;
    await change(ctx, 'work_order.add_comment', { comment_id: crypto.randomUUID(), body }, [], {
      done: () => writeDraft(id, { comment: undefined }),
    });
  },
};

async function addPhoto(phase, photo, ctx) {
  const { state } = current.data;
  await claimBlob(current.data.db, photo.sha256, { site_id: state.site_id, kind: 'work_order' });
  const data = { sha256: photo.sha256, phase, captured_at: new Date().toISOString() };
  await change(ctx, 'work_order.add_photo', { photo_id: crypto.randomUUID(), photo: data });
}

function onInput(event, id) {
  const target = event.target;
  if (target.dataset.draft) {
    writeDraft(id, { [target.dataset.draft]: target.type === 'checkbox' ? target.checked : target.value });
  } else if (target.dataset.part !== undefined) {
    writeDraft(id, { parts: partRows(screenOf(target)) });
  }
}

function tick(screen) {
  if (!screen.isConnected) {
    clearInterval(ticker);
    return;
  }
  const now = Date.now();
  for (const el of screen.querySelectorAll('[data-deadline]')) el.textContent = countdownText(Date.parse(el.dataset.deadline) - now);
  const timer = screen.querySelector('[data-stable-from]');
  if (timer) {
    const left = STABLE_MS - (now - Date.parse(timer.dataset.stableFrom));
    timer.textContent = clockText(Math.max(0, left));
    const button = screen.querySelector('[data-action="markStable"]');
    if (button) button.disabled = left > 0;
  }
}

// One redraw at a time: app.js starts a new load when a load finishes while another is in
// flight, so overlapping redraws could keep reloading and never paint.
let redrawing = null;
let redrawAgain = false;

function redraw(ctx) {
  if (redrawing) {
    redrawAgain = true;
    return redrawing;
  }
  redrawing = (async () => {
    do {
      redrawAgain = false;
      await ctx.refresh();
    } while (redrawAgain);
  })().finally(() => { redrawing = null; });
  return redrawing;
}

const fingerprint = (state) => JSON.stringify([state?.version, state?.fields, state?.events]);

function watchSync(screen, ctx) {
  unwatch?.();
  unwatch = onChange(async ({ reason }) => {
    if (reason !== 'sync') return;
    if (!screen.isConnected) return unwatch?.();
    if (screen.querySelector('input:focus, textarea:focus, select:focus')) return;
    const state = await record('work_order', current.data.state.id).catch(() => null);
    if (fingerprint(state) !== fingerprint(current.data.state)) redraw(ctx);
  });
}

export function mounted(screen, data, ctx) {
  const id = data.state.id;
  watchSync(screen, ctx);
  screen.addEventListener('input', (event) => onInput(event, id));
  screen.addEventListener('change', async (event) => {
    const target = event.target;
    if (target.dataset.verify) {
      await change(ctx, 'work_order.verify', { verification: await verification({ [target.dataset.verify]: target.checked }) });
    } else if (target.dataset.draft === 'noParts') {
      await redraw(ctx);
    }
  });
  // Listeners on the element itself: a gallery pick of several photos keeps reporting after a redraw.
  for (const capture of screen.querySelectorAll('wb-photo-capture')) {
    capture.addEventListener('photo', (event) => addPhoto(capture.dataset.phase, event.detail, ctx));
  }
  clearInterval(ticker);
  ticker = setInterval(() => tick(screen), 1000);
}
