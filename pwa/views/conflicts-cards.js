// How one conflict looks: the record it concerns, the two values side by side (mine and the
// current one) with field names and values in the user's language, and what happens next.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDateTime } from '../i18n/dates.js';
import { applyMutation } from '../store/merge.js';
import { seenBase } from '../store/outbox.js';

/** A translated label, or the fallback when the catalogue has none. */
function known(key, fallback) {
  const text = t(key);
  return text === key ? fallback : text;
}

export function entityName(entity) {
  return known(`conflicts.entity_${entity}`, entity);
}

function fieldName(field) {
  return known(`conflicts.field_${field}`, field);
}

function valueText(field, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (field === 'status') {
    return known(`conflicts.status_${value}`, known(`today.status_${value}`, known(`insp.status_${value}`, String(value))));
  }
  if (typeof value === 'boolean') return t(value ? 'conflicts.yes' : 'conflicts.no');
  if (typeof value === 'object') {
    const shown = { ...value };
    delete shown.add;
    delete shown.remove;
    return Object.values(shown).filter((v) => v !== null && typeof v !== 'object').join(' · ') || '—';
  }
  return String(value);
}

/** {fields, mine, now, retry, kind}: what the change wanted against what the record holds now. */
export function describeRow(row, state, declaration, args) {
  let fields = [];
  let mine = args;
  let now = {};
  let kind = null;
  if (declaration) {
    // With an empty base the rules report exactly which fields collide and their values.
    const probe = applyMutation(state, { ...row.mutation, base: {} }, declaration, Date.now());
    if (probe.conflict) ({ fields, proposed: mine, current: now, kind } = probe.conflict);
    // The kind from what the user actually saw (the row's own base): a move that is illegal
    // from the status they saw is not "someone else changed this".
    const own = applyMutation(state, row.mutation, declaration, Date.now());
    if (own.conflict) kind = own.conflict.kind;
  }
  const retry = Boolean(state && declaration) &&
    applyMutation(state, { ...row.mutation, base: seenBase(state, fields) }, declaration, Date.now()).status === 'applied';
  return { fields, mine, now, retry, kind };
}

function recordTitle(entity, recordId, state) {
  const title = state?.fields?.title;
  return `${entityName(entity)}: ${title || recordId.slice(-8)}`;
}

function sides(mine, now, mineLabel, nowLabel) {
  const names = [...new Set([...Object.keys(mine ?? {}), ...Object.keys(now ?? {})])];
  if (!names.length) return '';
  return html`<div class="sides">
    <div class="side mine"><h4>${mineLabel}</h4><dl>${names.map((f) => html`
      <dt>${fieldName(f)}</dt><dd data-side="mine" data-field="${f}">${valueText(f, mine?.[f])}</dd>`)}</dl></div>
    <div class="side now"><h4>${nowLabel}</h4><dl>${names.map((f) => html`
      <dt>${fieldName(f)}</dt><dd data-side="now" data-field="${f}">${Object.hasOwn(now ?? {}, f) ? valueText(f, now[f]) : '—'}</dd>`)}</dl></div>
  </div>`;
}

function kindText(kind) {
  return known(`conflicts.kind_${kind}`, t('conflicts.kind_other'));
}

/** One of this phone's own problem rows. */
export function ownRow({ row, state, mine, now, retry, kind: probed }) {
  const conflict = row.state === 'conflict';
  const kind = conflict ? kindText(probed ?? 'other') : t('conflicts.rejected');
  return html`<li class="card conflict ${row.state}" data-problem="${row.id}">
    <h4>${recordTitle(row.entity, row.record_id, state)}</h4>
    <p class="meta">${formatDateTime(row.created_at)}</p>
    <p><strong>${kind}</strong></p>
    ${sides(mine, now, t('conflicts.mine'), t('conflicts.current'))}
    ${row.result?.message ? html`<details><summary>${t('conflicts.details')}</summary><p class="meta">${row.result.message}</p></details>` : ''}
    <p class="next">${t(conflict ? 'conflicts.nextDispatcher' : 'conflicts.nextRejected')}</p>
    <div class="button-row">
      ${retry ? html`<button type="button" class="secondary" data-action="conflict-resend" data-id="${row.id}">${t('conflicts.resend')}</button>` : ''}
      <button type="button" class="secondary" data-action="conflict-dismiss" data-id="${row.id}">${t('conflicts.dismiss')}</button>
    </div>
    ${retry ? html`<p class="meta">${t('conflicts.resendHint')}</p>` : ''}
  </li>`;
}

/** What the dispatcher decided, in the user's words: kept, took mine, or set new values. */
export function outcomeText(resolution) {
  const choice = resolution?.choice;
  if (choice === 'current' || choice === 'proposed') return t(`conflicts.outcome_${choice}`);
  const values = Object.entries(resolution?.values ?? {}).map(([f, v]) => `${fieldName(f)} ${valueText(f, v)}`);
  return t('conflicts.outcome_value', { values: values.join('，') || '—' });
}

/**
 * One of this phone's conflicts that a dispatcher resolved since (the pull carried the card
 * as resolved): the outcome and the values now, until the user has seen it.
 */
export function resolvedRow({ row, state, card }) {
  const fields = card?.fields ?? Object.keys(card?.proposed ?? {});
  const now = Object.fromEntries(fields.filter((f) => state?.fields && Object.hasOwn(state.fields, f)).map((f) => [f, state.fields[f]]));
  const mine = Object.fromEntries(fields.map((f) => [f, card?.proposed?.[f]]));
  return html`<li class="card conflict resolved" data-resolved="${row.id}">
    <h4>${recordTitle(row.entity, row.record_id, state)}</h4>
    <p class="meta">${formatDateTime(row.created_at)}</p>
    <p class="resolved-outcome" role="status"><span aria-hidden="true">✓</span> <strong>${outcomeText(card?.resolution)}</strong></p>
    ${sides(mine, now, t('conflicts.mine'), t('conflicts.resultNow'))}
    <div class="button-row">
      <button type="button" class="secondary" data-action="conflict-dismiss" data-id="${row.id}">${t('conflicts.seen')}</button>
    </div>
  </li>`;
}

function valueInputs(card) {
  const fields = card.conflict.fields ?? [];
  const plain = fields.filter((f) => f !== 'deleted' && typeof (card.conflict.proposed?.[f] ?? '') !== 'object');
  if (!plain.length) return '';
  return html`<details class="own-value"><summary>${t('conflicts.enterValue')}</summary>
    ${plain.map((f) => html`<label for="v-${card.id}-${f}">${fieldName(f)}</label>
      <input id="v-${card.id}-${f}" data-value-field="${f}" value="${card.conflict.proposed?.[f] ?? ''}">`)}
    <button type="button" class="secondary wide" data-action="conflict-value" data-id="${card.id}">${t('conflicts.useValue')}</button>
  </details>`;
}

/** A dispatcher's open conflict card from the server. */
export function cardView(card) {
  const { conflict } = card;
  return html`<li class="card conflict server" data-card="${card.id}">
    <h4>${recordTitle(card.entity, card.record_id, card.state)}</h4>
    <p class="meta">${formatDateTime(card.at_ms)}</p>
    <p><strong>${kindText(card.kind)}</strong></p>
    ${sides(conflict.proposed, conflict.current, t('conflicts.proposed'), t('conflicts.current'))}
    <details><summary>${t('conflicts.details')}</summary><p class="meta">${conflict.message}</p></details>
    <div class="button-row">
      <button type="button" class="secondary" data-action="conflict-current" data-id="${card.id}">${t('conflicts.keepCurrent')}</button>
      <button type="button" class="primary" data-action="conflict-proposed" data-id="${card.id}">${t('conflicts.takeProposed')}</button>
    </div>
    ${valueInputs(card)}
    <p class="meta">${t('conflicts.resolveHint')}</p>
  </li>`;
}
