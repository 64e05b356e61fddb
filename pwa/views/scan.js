// Scan: the camera or a typed code → the asset, from the phone's primed copy when offline.
import '../components/scanner.js';
import { html, render } from '../components/html.js';
import { t } from '../i18n/index.js';
import { go } from '../router.js';
import { openStore } from '../store/db.js';
import { onPriming, primedInfo } from '../store/prime.js';
import { outcomeView, resolveTag } from './tag.js';

// Every code on the phone; refilled in place when a download ends, so a screen drawn
// before it (the user may be typing) never has to be redrawn.
const known = new Set();

async function refill(db) {
  const codes = await db.getAllKeys('tags');
  known.clear();
  for (const code of codes) known.add(code);
}

onPriming((progress) => progress.finished && openStore().then(refill));

// A redraw would restart the camera and drop a shown outcome: no refresh after a sync.
export const refreshOnSync = false;

export async function load() {
  const db = await openStore();
  const [primed] = await Promise.all([primedInfo(db), refill(db)]);
  return { known, primed };
}

export function view({ primed }) {
  return html`
    <section class="scan-screen">
      <h2>${t('scanTitle')}</h2>
      ${primed.at ? '' : html`<p class="notice">${t('scanNotPrimed')}
        <a href="#/settings">${t('openSettings')}</a></p>`}
      <wb-scanner></wb-scanner>
      <div id="scan-outcome" class="scan-outcome" aria-live="polite"></div>
    </section>`;
}

async function opened(code, outcome, context) {
  render(outcome, html`<p class="meta" role="status">${t('scanLookingUp')}</p>`);
  try {
    const result = await resolveTag(context.api, code, navigator.onLine);
    if (result.kind === 'asset') return go(`/assets/${encodeURIComponent(result.asset.id)}`);
    render(outcome, outcomeView(result, navigator.onLine));
  } catch (error) {
    render(outcome, html`<p class="error" role="alert">${t('somethingWrong', { message: error.message })}</p>`);
  }
  outcome.scrollIntoView({ block: 'nearest' });
}

export function mounted(screen, { known }, context) {
  const scanner = screen.querySelector('wb-scanner');
  // Did-you-mean offers only codes this phone knows (it cannot ask the server offline).
  scanner.knownCode = (code) => known.has(code);
  scanner.addEventListener('code', (event) => opened(event.detail.code, screen.querySelector('#scan-outcome'), context));
}
