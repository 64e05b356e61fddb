// Photos whose bytes the server refused for good (store/upload.js marks the blob `refused`:
// not an image, too large, a hash mismatch). Never retried, so a person must see them: a badge
// with the reason on the photo (work order, inspection) and a list on the conflicts screen,
// each with the way to retake it (remove the photo, take it again).
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { liveEvents, records } from '../store/local.js';

const RECORD_PATHS = { work_order: 'work-orders', inspection: 'inspections' };

// Why, from the refusing status (store/upload.js): 415 not an image, 413 too large, 422 a
// bomb or a hash mismatch, 404 the site is no longer the user's, 0 the bytes left the phone.
const WHY = [0, 404, 413, 415, 422];

/** The badge and the reason, with an optional action (a retake button or link). */
export function refusedNote({ status, text }, action = '') {
  const why = t(WHY.includes(status) ? `refused.why_${status}` : 'refused.why_other');
  return html`<div class="refused-note" role="note">
    <strong class="refused-badge"><span aria-hidden="true">⚠</span> ${t('refused.badge')}</strong>
    <span>${t('refused.reason', { reason: why })}</span>
    ${text ? html`<details><summary>${t('conflicts.details')}</summary><p class="meta">${text}</p></details>` : ''}
    ${action}
  </div>`;
}

/** {sha256: {status, text}} for those of `photos` whose bytes the server refused. */
export async function refusedOf(db, photos) {
  const found = {};
  for (const photo of photos) {
    const row = await db.get('blobs', photo.sha256);
    if (row?.state === 'refused') found[photo.sha256] = { status: row.error_status ?? null, text: row.error ?? '' };
  }
  return found;
}

/** The photos still usable as evidence: refused bytes will never reach the server. */
export function usablePhotos(photos, refused) {
  return photos.filter((photo) => !Object.hasOwn(refused, photo.sha256));
}

async function title(db, entity, state) {
  if (entity === 'work_order') return state.fields?.title ?? state.id.slice(-8);
  const asset = state.asset_id ? await db.get('assets', state.asset_id) : null;
  return asset?.name ?? state.id.slice(-8);
}

/** Every live photo of a work order or inspection on this phone whose bytes were refused. */
export async function refusedPhotos(db) {
  const out = [];
  for (const entity of Object.keys(RECORD_PATHS)) {
    for (const state of Object.values(await records(entity).catch(() => ({})))) {
      const photos = liveEvents(state, 'photos');
      const refused = await refusedOf(db, photos);
      for (const photo of photos.filter((p) => Object.hasOwn(refused, p.sha256))) {
        out.push({ entity, id: state.id, photo, refusal: refused[photo.sha256], title: await title(db, entity, state) });
      }
    }
  }
  return out;
}

/** One refused photo on the conflicts screen: which record, why, and where to retake it. */
export function refusedRow({ entity, id, photo, refusal, title: name }) {
  const href = `#/${RECORD_PATHS[entity]}/${encodeURIComponent(id)}`;
  return html`<li class="card conflict refused-photo" data-refused-photo="${photo.id}">
    <h4>${t(`conflicts.entity_${entity}`)}: ${name}</h4>
    <p class="meta">${formatPhase(entity, photo)}</p>
    ${refusedNote(refusal, html`<a class="button secondary" href="${href}">${t('refused.open')}</a>`)}
  </li>`;
}

function formatPhase(entity, photo) {
  return entity === 'work_order' ? t(`wo.phase_${photo.phase}`) : t('refused.inspectionPhoto');
}
