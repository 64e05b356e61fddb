import { html } from './html.js';
import { t } from '../i18n/index.js';
import { primingBar, syncBadge } from './sync-indicator.js';

function tabBar(tabs, path) {
  if (tabs.length < 2) return '';
  return html`
    <nav class="tabbar" aria-label="${t('navigation')}">
      ${tabs.map((tab) => html`
        <a href="#${tab.path}" class="${tab.path === path ? 'active' : ''}"
           aria-current="${tab.path === path ? 'page' : 'false'}">
          <span aria-hidden="true">${tab.icon}</span>${t(`tab_${tab.tab}`)}
        </a>`)}
    </nav>`;
}

export function layout({ content, sync, tabs, path, priming = {} }) {
  return html`
    <header class="topbar">
      <h1>${t('appName')}</h1>
      ${syncBadge(sync)}
    </header>
    ${primingBar(priming)}
    <section class="screen">${content}</section>
    ${tabBar(tabs, path)}`;
}
