// Conflicts: changes the server did not apply. First this phone's own (conflict: kept on the
// server for the dispatcher to decide; rejected: not applied at all), each with my value and
// the current one side by side and what happens next; then, for dispatchers, the open
// conflict cards of their sites to resolve — a resolution is an ordinary change that syncs
// to every device.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { ApiError } from '../store/api.js';
import { openStore } from '../store/db.js';
import { mutate, record, startSession, syncNow } from '../store/local.js';
import { cardView, describeRow, ownRow, resolvedRow } from './conflicts-cards.js';
import { refusedPhotos, refusedRow } from './conflicts-refused.js';

const ENVELOPE = ['id', 'name', 'client_id', 'seq', 'hlc', 'record_id', 'base'];
const STAFF = ['admin', 'dispatcher'];
let current = null;
let failure = null; // a refused resolution, shown until the next decision

export function mutationArgs(mutation) {
  return Object.fromEntries(Object.entries(mutation).filter(([key]) => !ENVELOPE.includes(key)));
}

async function ownProblems() {
  const session = await startSession().catch(() => null);
  if (!session) return [];
  const rows = await session.outbox.problems();
  const out = [];
  for (const row of rows.sort((a, b) => b.seq - a.seq)) {
    const state = await record(row.entity, row.record_id).catch(() => null);
    out.push({ row, state, ...describeRow(row, state, session.declarations[row.entity], mutationArgs(row.mutation)) });
  }
  return out;
}

/** This phone's conflicts a dispatcher has resolved since, each with the synced card. */
async function resolvedOwn() {
  const session = await startSession().catch(() => null);
  if (!session) return [];
  const db = await openStore();
  const cards = (await db.getAllFromIndex('records', 'by-entity', 'conflict')).map((r) => r.server ?? r.local);
  const out = [];
  for (const row of (await session.outbox.resolved()).sort((a, b) => b.seq - a.seq)) {
    const state = await record(row.entity, row.record_id).catch(() => null);
    out.push({ row, state, card: cards.find((c) => c?.mutation_id === row.id) ?? null });
  }
  return out;
}

/** A record this phone has not synced yet (another technician's): its title from the server. */
async function titleOnly(api, card) {
  if (card.entity !== 'work_order') return null;
  const order = await api('GET', `/api/work-orders/${encodeURIComponent(card.record_id)}`).catch(() => null);
  return order ? { fields: { title: order.title } } : null;
}

async function serverCards(api, online, user) {
  if (!STAFF.includes(user.role)) return { cards: [], reachable: true };
  if (!online) return { cards: [], reachable: false };
  try {
    const cards = await api('GET', '/api/conflicts');
    for (const card of cards) card.state = await record(card.entity, card.record_id).catch(() => null) ?? await titleOnly(api, card);
    return { cards, reachable: true };
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) throw error;
    return { cards: [], reachable: false };
  }
}

export async function load({ api, online, user }) {
  const [own, resolved, refused, server] = await Promise.all([
    ownProblems(), resolvedOwn(), refusedPhotos(await openStore()), serverCards(api, online, user),
  ]);
  return { own, resolved, refused, ...server, staff: STAFF.includes(user.role) };
}

function staffSection(data) {
  if (!data.staff) return '';
  const body = !data.reachable ? html`<p class="empty">${t('conflicts.serverOffline')}</p>`
    : data.cards.length ? html`<ul class="conflict-list">${data.cards.map((card) => cardView(card))}</ul>`
      : html`<p class="empty" id="conflicts-none-server">${t('conflicts.noneServer')}</p>`;
  return html`<h3 id="conflicts-server">${t('conflicts.serverTitle')}</h3>
    <p class="meta">${t('conflicts.serverHint')}</p>${body}`;
}

export function view(data) {
  current = data;
  const shown = html`
    <section class="conflicts">
      <h2>${t('conflicts.title')}</h2>
      ${failure ? html`<p class="error" role="alert">${failure}</p>` : ''}
      <h3 id="conflicts-mine">${t('conflicts.mineTitle')}</h3>
      ${data.own.length ? html`<ul class="conflict-list">${data.own.map(ownRow)}</ul>`
        : data.resolved.length ? '' : html`<p class="empty" id="conflicts-none">${t('conflicts.none')}</p>`}
      ${data.resolved.length ? html`<h3 id="conflicts-resolved">${t('conflicts.resolvedTitle')}</h3>
        <ul class="conflict-list">${data.resolved.map(resolvedRow)}</ul>` : ''}
      ${data.refused.length ? html`<h3 id="conflicts-refused">${t('refused.title')}</h3>
        <p class="meta">${t('refused.hint')}</p><ul class="conflict-list">${data.refused.map(refusedRow)}</ul>` : ''}
      ${staffSection(data)}
    </section>`;
  return shown;
}

async function resend(problem) {
  const { row, state, fields } = problem;
  const { outbox } = await startSession();
  await mutate(row.entity, row.record_id, row.mutation.name, mutationArgs(row.mutation), fields);
  await outbox.dismiss(row.id);
  return state;
}

async function resolve(ctx, id, body) {
  failure = null;
  try {
    await ctx.api('POST', `/api/conflicts/${encodeURIComponent(id)}/resolve`, body);
    syncNow().catch(() => null); // bring the resolution to this phone now
  } catch (error) {
    failure = error instanceof ApiError ? t('conflicts.resolveFailed', { message: error.message }) : t('networkError');
  }
  ctx.refresh();
}

function valuesFrom(form) {
  const values = {};
  for (const input of form.querySelectorAll('[data-value-field]')) values[input.dataset.valueField] = input.value;
  return values;
}

export const actions = {
  'conflict-dismiss': async (element, ctx) => {
    const { outbox } = await startSession();
    await outbox.dismiss(element.dataset.id);
    ctx.refresh();
  },
  'conflict-resend': async (element, ctx) => {
    const problem = current.own.find((p) => p.row.id === element.dataset.id);
    if (problem) await resend(problem);
    ctx.refresh();
  },
  'conflict-current': (element, ctx) => resolve(ctx, element.dataset.id, { choice: 'current' }),
  'conflict-proposed': (element, ctx) => resolve(ctx, element.dataset.id, { choice: 'proposed' }),
  'conflict-value': (element, ctx) => {
    const form = element.closest('.conflict');
    return resolve(ctx, element.dataset.id, { choice: 'value', values: valuesFrom(form) });
  },
};
