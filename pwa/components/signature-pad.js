// A full-screen signing surface around signature_pad, for handing the phone to the client.
// <wb-signature-pad> emits `signature` ({png: Uint8Array, points, width, height}) when the
// signer confirms a non-empty signature, and `cancel`. captureSignature() wraps it in a promise.
import SignaturePad from 'signature_pad';
import { html, render } from './html.js';
import { t } from '../i18n/index.js';

async function pngBytes(canvas) {
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  return new Uint8Array(await blob.arrayBuffer());
}

class SignatureSurface extends HTMLElement {
  connectedCallback() {
    this.setAttribute('role', 'dialog');
    this.setAttribute('aria-modal', 'true');
    this.setAttribute('aria-labelledby', 'wb-sign-title');
    render(this, html`
      <header class="wb-sign-header">
        <h2 id="wb-sign-title">${this.getAttribute('heading') || t('signTitle')}</h2>
        ${this.summary ? html`<p class="wb-sign-summary">${this.summary}</p>` : ''}
      </header>
      <div class="wb-sign-area">
        <canvas role="img" aria-label="${t('signCanvasLabel')}"></canvas>
        <span class="wb-sign-line" aria-hidden="true">${t('signHere')}</span>
        <p class="wb-sign-error" role="alert"></p>
      </div>
      <div class="wb-sign-actions">
        <button type="button" class="secondary" data-sign="undo">${t('signUndo')}</button>
        <button type="button" class="secondary" data-sign="clear">${t('signClear')}</button>
        <button type="button" class="secondary" data-sign="cancel">${t('cancel')}</button>
        <button type="button" class="primary" data-sign="done">${t('signDone')}</button>
      </div>`);
    this.canvas = this.querySelector('canvas');
    this.pad = new SignaturePad(this.canvas, { backgroundColor: 'rgb(255,255,255)', penColor: '#000', minWidth: 1, maxWidth: 3 });
    this.pad.addEventListener('beginStroke', () => this.#error(''));
    this.resizer = new ResizeObserver(() => this.#fit());
    this.resizer.observe(this.canvas);
    this.addEventListener('click', (event) => this.#act(event.target.closest('[data-sign]')?.dataset.sign));
    document.documentElement.classList.add('wb-signing');
  }

  disconnectedCallback() {
    this.resizer?.disconnect();
    this.pad?.off();
    document.documentElement.classList.remove('wb-signing');
  }

  // Canvas pixels follow the device pixel ratio so strokes stay sharp; resizing keeps strokes.
  #fit() {
    const ratio = Math.max(window.devicePixelRatio || 1, 1);
    const { width, height } = this.canvas.getBoundingClientRect();
    const [pixelWidth, pixelHeight] = [Math.round(width * ratio), Math.round(height * ratio)];
    if (!width || !height || (pixelWidth === this.canvas.width && pixelHeight === this.canvas.height)) return;
    const data = this.pad.toData();
    this.canvas.width = pixelWidth;
    this.canvas.height = pixelHeight;
    this.canvas.getContext('2d').scale(ratio, ratio);
    this.pad.clear();
    this.pad.fromData(data);
  }

  #act(action) {
    if (action === 'undo') {
      const data = this.pad.toData();
      data.pop();
      this.pad.fromData(data);
    } else if (action === 'clear') {
      this.pad.clear();
    } else if (action === 'cancel') {
      this.dispatchEvent(new CustomEvent('cancel', { bubbles: true }));
    } else if (action === 'done') {
      this.#finish();
    }
  }

  async #finish() {
    if (this.pad.isEmpty()) {
      this.#error(t('signEmpty'));
      return;
    }
    const { width, height } = this.canvas.getBoundingClientRect();
    const detail = { png: await pngBytes(this.canvas), points: this.pad.toData(), width, height };
    this.dispatchEvent(new CustomEvent('signature', { detail, bubbles: true }));
  }

  #error(text) {
    this.querySelector('.wb-sign-error').textContent = text;
  }
}

if (!customElements.get('wb-signature-pad')) customElements.define('wb-signature-pad', SignatureSurface);

/** Opens the signing surface; resolves with the signature, or null when the signer cancels. */
export function captureSignature({ heading, summary } = {}) {
  const surface = document.createElement('wb-signature-pad');
  if (heading) surface.setAttribute('heading', heading);
  surface.summary = summary;
  document.body.append(surface);
  return new Promise((resolve) => {
    surface.addEventListener('signature', (event) => { surface.remove(); resolve(event.detail); }, { once: true });
    surface.addEventListener('cancel', () => { surface.remove(); resolve(null); }, { once: true });
  });
}
