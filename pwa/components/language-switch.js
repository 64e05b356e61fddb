import { html } from './html.js';
import { LANGUAGES, lang, t } from '../i18n/index.js';

export function languageSwitch() {
  return html`
    <label class="language">${t('language')}
      <select data-action="language">
        ${LANGUAGES.map(([code, name]) =>
          html`<option value="${code}" ${code === lang() ? html`selected` : ''}>${name}</option>`)}
      </select>
    </label>`;
}
