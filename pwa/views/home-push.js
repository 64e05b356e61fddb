// The notification card on Today: asked for in a card the technician can read first (never
// on page load — browsers only prompt after a tap anyway), explaining what notifications
// bring. "Not now" is remembered on this phone.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { enablePush, pushSupported } from '../store/push.js';

const DISMISSED_KEY = 'weibao.pushPrompt';
let message = null; // the outcome of the last tap, shown until the next visit

function wanted(user) {
  if (user.role !== 'technician' || !pushSupported()) return false;
  return Notification.permission === 'default' && localStorage.getItem(DISMISSED_KEY) !== 'dismissed';
}

export function pushCard(user) {
  if (message) {
    const shown = html`<p class="${message.ok ? 'ok' : 'notice'}" role="status" id="push-outcome">${message.text}</p>`;
    message = null;
    return shown;
  }
  if (!wanted(user)) return '';
  return html`
    <section class="card push-card" aria-labelledby="push-title" id="push-card">
      <h3 id="push-title">${t('today.pushTitle')}</h3>
      <p>${t('today.pushWhy')}</p>
      <div class="button-row">
        <button type="button" class="primary" data-action="push-enable">${t('today.pushEnable')}</button>
        <button type="button" class="secondary" data-action="push-later">${t('today.pushLater')}</button>
      </div>
    </section>`;
}

function failure(error) {
  const reason = String(error?.message ?? error);
  if (reason === 'push-permission-denied') return t('today.pushDenied');
  return t('today.pushFailed');
}

export const pushActions = {
  'push-enable': async (element, ctx) => {
    element.disabled = true;
    try {
      await enablePush(navigator.userAgent.slice(0, 60));
      message = { ok: true, text: t('today.pushOn') };
    } catch (error) {
      message = { ok: false, text: failure(error) };
      if (Notification.permission === 'denied') localStorage.setItem(DISMISSED_KEY, 'dismissed');
    }
    ctx.refresh();
  },
  'push-later': (_element, ctx) => {
    localStorage.setItem(DISMISSED_KEY, 'dismissed');
    ctx.refresh();
  },
};
