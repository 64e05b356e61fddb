// Photo capture: the phone's own camera app (capture="environment") or the gallery; every
// photo is downscaled on the device before it is stored, so a whole shift of photos fits in
// IndexedDB and uploads over a weak signal.
//
// <wb-photo-capture> emits `photo` ({sha256, mime, size, width, height, url}) per stored
// photo and `photo-error` ({file, message}) when a file cannot be read as an image.
import { html, render } from './html.js';
import { t } from '../i18n/index.js';
import { openStore } from '../store/db.js';
import { saveBlob } from '../store/blobs.js';

export const MAX_SIDE = 2048;
export const JPEG_QUALITY = 0.85;

export function fitWithin(width, height, maxSide = MAX_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

function canvasOf(width, height) {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height);
  return Object.assign(document.createElement('canvas'), { width, height });
}

function encodeJpeg(canvas) {
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY));
}

/**
 * Re-encodes any image as JPEG, longest side ≤ 2048 px. Always re-encoding also drops EXIF,
 * including the GPS position, from what leaves the phone.
 */
export async function downscalePhoto(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height);
    const canvas = canvasOf(width, height);
    const context = canvas.getContext('2d');
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, width, height);
    return { blob: await encodeJpeg(canvas), width, height };
  } finally {
    bitmap.close();
  }
}

/** Downscales and stores one photo; resolves with its blob metadata. */
export async function storePhoto(file, db) {
  const { blob, width, height } = await downscalePhoto(file);
  const bytes = await blob.arrayBuffer();
  const stored = await saveBlob(db ?? (await openStore()), bytes, 'image/jpeg', { width, height, kind: 'photo' });
  return { ...stored, width, height, url: URL.createObjectURL(blob) };
}

class PhotoCapture extends HTMLElement {
  connectedCallback() {
    this.urls = [];
    render(this, html`
      <div class="wb-photo-buttons">
        <label class="wb-button primary">${t('photoTake')}
          <input type="file" accept="image/*" capture="environment" data-source="camera" class="wb-visually-hidden">
        </label>
        <label class="wb-button secondary">${t('photoGallery')}
          <input type="file" accept="image/*" multiple data-source="gallery" class="wb-visually-hidden">
        </label>
      </div>
      <p class="wb-photo-status" role="status" aria-live="polite"></p>
      <ul class="wb-thumbs"></ul>`);
    this.addEventListener('change', (event) => this.#take(event.target));
  }

  disconnectedCallback() {
    for (const url of this.urls) URL.revokeObjectURL(url);
  }

  async #take(input) {
    const files = [...(input.files ?? [])];
    input.value = '';
    for (const file of files) await this.#one(file);
  }

  async #one(file) {
    // The thumbnail appears at once from the original; it is swapped for the stored copy.
    const item = document.createElement('li');
    const preview = URL.createObjectURL(file);
    render(item, html`<img src="${preview}" alt="${t('photoThumbAlt')}" class="wb-thumb busy">`);
    this.querySelector('.wb-thumbs').append(item);
    this.#status(t('photoSaving'));
    try {
      const photo = await storePhoto(file, this.db);
      this.urls.push(photo.url);
      item.querySelector('img').src = photo.url;
      item.querySelector('img').classList.remove('busy');
      item.dataset.sha256 = photo.sha256;
      this.#status(t('photoSaved'));
      this.dispatchEvent(new CustomEvent('photo', { detail: photo, bubbles: true }));
    } catch (error) {
      item.remove();
      this.#status(t('photoUnreadable'));
      this.dispatchEvent(new CustomEvent('photo-error', { detail: { file, message: String(error) }, bubbles: true }));
    } finally {
      URL.revokeObjectURL(preview);
    }
  }

  #status(text) {
    this.querySelector('.wb-photo-status').textContent = text;
  }
}

if (!customElements.get('wb-photo-capture')) customElements.define('wb-photo-capture', PhotoCapture);
