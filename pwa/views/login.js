import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { languageSwitch } from '../components/language-switch.js';

export function loginView({ error = '', busy = false } = {}) {
  return html`
    <section class="login">
      <header class="brand">
        <img src="/icons/icon.svg" alt="" width="72" height="72">
        <h1>${t('appName')}</h1>
        <p>${t('tagline')}</p>
      </header>
      <form id="login-form" class="card" novalidate>
        <label for="username">${t('username')}</label>
        <input id="username" name="username" autocomplete="username" autocapitalize="none"
               spellcheck="false" required>
        <label for="password">${t('password')}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <p class="error" role="alert">${error}</p>
        <button type="submit" class="primary" ${busy ? html`disabled` : ''}>
          ${busy ? t('loggingIn') : t('logIn')}
        </button>
      </form>
      ${languageSwitch()}
    </section>`;
}
