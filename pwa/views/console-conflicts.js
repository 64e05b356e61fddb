// Conflicts a person must decide (GET /api/conflicts), in the console frame. Each card is the
// one component the phone's conflicts screen uses (conflicts-cards.js: both values side by
// side, what happens next); here every choice is confirmed first. A resolution is an
// ordinary change that syncs to every device (backend/sync_api/conflicts.py).
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { record } from '../store/local.js';
import { cardView } from './conflicts-cards.js';
import { alertBox, consoleScreen, errorText } from './console-reference.js';

const PATH = '/console/conflicts';
let message = null; // { kind, text } of the last resolution

export async function load({ api }) {
  const cards = await api('GET', '/api/conflicts');
  // The phone's copy of the record, when it has one, gives the card its title.
  for (const card of cards) card.state = await record(card.entity, card.record_id).catch(() => null);
  const shown = message;
  message = null;
  return { cards, message: shown };
}

export function view({ cards, message: shown }, { user }) {
  return consoleScreen(PATH, user, html`
    <header class="console-head"><h2>${t('console.conflictsTitle')}</h2></header>
    ${shown ? alertBox(shown.text, shown.kind) : ''}
    ${cards.length
      ? html`<ul class="conflict-list console-conflicts">${cards.map((card) => cardView(card))}</ul>`
      : html`<p class="empty">${t('console.conflictsEmpty')}</p>`}`);
}

function typedValues(button) {
  const values = {};
  for (const input of button.closest('.conflict').querySelectorAll('[data-value-field]')) {
    values[input.dataset.valueField] = input.value;
  }
  return values;
}

async function resolve(ctx, id, body, question) {
  if (!confirm(t(question))) return;
  try {
    await ctx.api('POST', `/api/conflicts/${encodeURIComponent(id)}/resolve`, body);
    message = { kind: 'ok', text: t('console.resolved') };
  } catch (error) {
    message = { kind: 'bad', text: errorText(error) };
  }
  ctx.refresh();
}

// The card's buttons carry these action names (conflicts-cards.js).
export const actions = {
  'conflict-current': (button, ctx) =>
    resolve(ctx, button.dataset.id, { choice: 'current' }, 'console.confirmKeepCurrent'),
  'conflict-proposed': (button, ctx) =>
    resolve(ctx, button.dataset.id, { choice: 'proposed' }, 'console.confirmUseProposed'),
  'conflict-value': (button, ctx) =>
    resolve(ctx, button.dataset.id, { choice: 'value', values: typedValues(button) }, 'console.confirmUseTyped'),
};
