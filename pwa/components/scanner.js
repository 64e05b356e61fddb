// Tag scanner: the back camera through getUserMedia, decoded by the native BarcodeDetector
// when it reads QR codes, else by the barcode-detector polyfill (zxing-wasm, served from
// this origin and precached so it works in a basement); plus typed entry with the check
// character. <wb-scanner> emits `code` ({code, source: 'camera'|'manual', raw}).
import { html, render } from './html.js';
import { t } from '../i18n/index.js';
import { formatCode, validate } from './tag-code.js';

export const ZXING_WASM_URL = '/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm';
const SCAN_PAUSE_MS = 150;
let detector = null;

async function nativeDetector() {
  if (!('BarcodeDetector' in self)) return null;
  try {
    const formats = await self.BarcodeDetector.getSupportedFormats();
    return formats.includes('qr_code') ? new self.BarcodeDetector({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

async function polyfillDetector() {
  const { BarcodeDetector, prepareZXingModule } = await import('barcode-detector/ponyfill');
  // Never the CDN the package defaults to: the phone may be offline, and the app's code
  // comes from one origin only.
  prepareZXingModule({
    overrides: { locateFile: (path, prefix) => (path.endsWith('.wasm') ? ZXING_WASM_URL : prefix + path) },
    fireImmediately: true,
  });
  return new BarcodeDetector({ formats: ['qr_code'] });
}

/** The detector this browser should use; created once per page. */
export function qrDetector() {
  detector ??= nativeDetector().then((found) => found ?? polyfillDetector());
  return detector;
}

function cameraProblem(error) {
  if (error?.name === 'NotAllowedError' || error?.name === 'SecurityError') return t('scanCameraDenied');
  if (error?.name === 'NotFoundError' || error?.name === 'OverconstrainedError') return t('scanNoCamera');
  return t('scanCameraFailed');
}

/** The translated message for a code that failed validate(). */
export function tagProblem(result) {
  if (result.problem === 'empty') return t('tagEmpty');
  if (result.problem === 'length') return t('tagLength', { count: result.params.count });
  return t('tagForeign', { chars: result.params.chars });
}

class Scanner extends HTMLElement {
  connectedCallback() {
    this.#render();
    this.addEventListener('click', (event) => this.#click(event));
    this.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#manual(this.querySelector('input').value);
    });
    this.onHidden = () => document.visibilityState === 'hidden' && this.stop();
    document.addEventListener('visibilitychange', this.onHidden);
    if (this.getAttribute('autostart') !== 'false') this.start();
    else this.stop();
  }

  disconnectedCallback() {
    document.removeEventListener('visibilitychange', this.onHidden);
    this.stop();
  }

  #render() {
    render(this, html`
      <div class="wb-scan-view">
        <video playsinline muted aria-label="${t('scanVideoLabel')}"></video>
        <div class="wb-scan-frame" aria-hidden="true"></div>
      </div>
      <p class="wb-scan-status" role="status" aria-live="polite"></p>
      <div class="wb-scan-tools">
        <button type="button" class="secondary" data-scan="torch" aria-pressed="false" hidden>${t('scanTorch')}</button>
        <button type="button" class="secondary" data-scan="start" hidden>${t('scanStartCamera')}</button>
      </div>
      <form class="wb-scan-manual" novalidate>
        <label for="wb-scan-code">${t('scanManualLabel')}</label>
        <p class="meta" id="wb-scan-hint">${t('scanManualHint')}</p>
        <div class="wb-scan-entry">
          <input id="wb-scan-code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false"
            aria-describedby="wb-scan-hint wb-scan-result" maxlength="40">
          <button type="submit" class="primary">${t('scanCheck')}</button>
        </div>
        <div id="wb-scan-result" class="wb-scan-result" aria-live="polite"></div>
      </form>`);
  }

  #status(text) {
    this.querySelector('.wb-scan-status').textContent = text;
  }

  async start() {
    this.stop();
    const token = (this.token = Symbol('scan'));
    this.#live(true);
    this.#status(t('scanStarting'));
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false,
      });
      if (this.token !== token) return stream.getTracks().forEach((track) => track.stop());
      this.stream = stream;
      const video = this.querySelector('video');
      video.srcObject = stream;
      await video.play();
      this.#offerTorch(stream.getVideoTracks()[0]);
      this.#status(t('scanPointAtTag'));
      this.#loop(token, video, await qrDetector());
    } catch (error) {
      if (this.token !== token) return;
      this.stop();
      this.#status(cameraProblem(error));
    }
  }

  stop() {
    this.token = null;
    this.stream?.getTracks().forEach((track) => track.stop());
    this.stream = null;
    const video = this.querySelector('video');
    if (video) video.srcObject = null;
    if (this.querySelector('video')) this.#live(false);
  }

  // The camera view only takes space while the camera runs; otherwise a button restarts it.
  #live(on) {
    this.querySelector('.wb-scan-view').hidden = !on;
    this.querySelector('[data-scan=start]').hidden = on;
    if (!on) this.querySelector('[data-scan=torch]').hidden = true;
  }

  async #loop(token, video, qr) {
    while (this.token === token) {
      if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
        const found = await qr.detect(video).catch(() => []);
        if (this.token !== token) return;
        for (const barcode of found) if (this.#scanned(barcode.rawValue)) return;
      }
      await new Promise((resolve) => setTimeout(resolve, SCAN_PAUSE_MS));
    }
  }

  #scanned(raw) {
    const result = validate(raw);
    if (result.type !== 'ok') {
      this.#status(t('scanNotATag'));
      return false;
    }
    this.stop();
    this.#status(t('scanFound', { code: formatCode(result.code) }));
    this.#emit(result.code, 'camera', raw);
    return true;
  }

  #offerTorch(track) {
    const torch = this.querySelector('[data-scan=torch]');
    torch.hidden = !track?.getCapabilities?.().torch;
    torch.setAttribute('aria-pressed', 'false');
  }

  async #toggleTorch(button) {
    const track = this.stream?.getVideoTracks()[0];
    if (!track) return;
    const on = button.getAttribute('aria-pressed') !== 'true';
    await track.applyConstraints({ advanced: [{ torch: on }] }).then(
      () => button.setAttribute('aria-pressed', String(on)),
      () => { button.hidden = true; },
    );
  }

  #click(event) {
    const button = event.target.closest('button');
    if (!button) return;
    if (button.dataset.scan === 'torch') this.#toggleTorch(button);
    if (button.dataset.scan === 'start') this.start();
    if (button.dataset.candidate) this.#emit(button.dataset.candidate, 'manual', button.dataset.candidate);
  }

  #manual(raw) {
    const result = validate(raw);
    const out = this.querySelector('.wb-scan-result');
    if (result.type === 'ok') {
      render(out, '');
      this.#emit(result.code, 'manual', raw);
      return;
    }
    if (result.type === 'invalid') {
      render(out, html`<p class="error">${tagProblem(result)}</p>`);
      return;
    }
    // Only codes that exist are worth offering when the screen can tell (tags.py: the caller filters).
    const candidates = this.knownCode ? result.candidates.filter((code) => this.knownCode(code)) : result.candidates;
    render(out, html`
      <p class="error">${t(candidates.length ? 'scanDidYouMean' : 'scanCheckFailed')}</p>
      <div class="wb-scan-candidates">
        ${candidates.slice(0, 5).map((code) => html`
          <button type="button" class="secondary" data-candidate="${code}">${formatCode(code)}</button>`)}
      </div>`);
  }

  #emit(code, source, raw) {
    this.dispatchEvent(new CustomEvent('code', { detail: { code, source, raw }, bubbles: true }));
  }
}

if (!customElements.get('wb-scanner')) customElements.define('wb-scanner', Scanner);
