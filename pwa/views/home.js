import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { languageSwitch } from '../components/language-switch.js';

function siteItem(site) {
  return html`
    <li class="site">
      <strong>${site.name}</strong>
      <span class="meta">${t(`kind_${site.kind}`)} · ${t(`area_${site.area}`)}</span>
      <span class="meta">${site.address}</span>
    </li>`;
}

export async function load({ api }) {
  return { sites: await api('GET', '/api/sites') };
}

export function view({ sites }, { user, online }) {
  return html`
    <section class="home">
      <h2 id="greeting">${t('hello', { name: user.display_name })}</h2>
      <p class="role">${t(`role_${user.role}`)}</p>
      ${online ? '' : html`<p class="notice">${t('offlineHint')}</p>`}
      <h3>${t('mySites')}</h3>
      ${sites.length
        ? html`<ul class="sites">${sites.map(siteItem)}</ul>`
        : html`<p class="empty">${t('noSites')}</p>`}
      <footer class="actions">
        ${languageSwitch()}
        <button type="button" data-action="logout" class="secondary">${t('logOut')}</button>
      </footer>
    </section>`;
}
