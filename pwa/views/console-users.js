// People (administrators only): who can log in with which role; new accounts; disabling an
// account (after a confirmation) ends its sessions on every device and stops new logins.
import { html } from '../components/html.js';
import { t } from '../i18n/index.js';
import { formatDate } from '../i18n/dates.js';
import { alertBox, consoleScreen, errorText, formValues } from './console-reference.js';

const PATH = '/console/users';
const ROLES = ['technician', 'dispatcher', 'client_rep', 'admin'];
const state = { values: {}, message: null };

export const refreshOnSync = false;

export async function load({ api }) {
  const users = await api('GET', '/api/users');
  const message = state.message;
  state.message = null;
  return { users, message };
}

function userRow(user, me) {
  const toggle = user.disabled ? 'console.enable' : 'console.disable';
  return html`
    <tr class="${user.disabled ? 'disabled' : ''}">
      <th scope="row">${user.display_name}</th>
      <td data-label="${t('username')}" class="mono">${user.username}</td>
      <td data-label="${t('accountRole')}">${t(`role_${user.role}`)}</td>
      <td data-label="${t('language')}">${user.locale === 'en' ? 'English' : '中文'}</td>
      <td data-label="${t('console.accountState')}">${t(user.disabled ? 'console.disabled' : 'console.active')}</td>
      <td data-label="${t('console.createdOn')}">${formatDate(user.created_at)}</td>
      <td class="row-action">${user.id === me.id ? '' : html`
        <button type="button" class="secondary small" data-action="toggle-user" data-id="${user.id}"
          data-name="${user.display_name}" data-disabled="${user.disabled ? '1' : '0'}">${t(toggle)}</button>`}</td>
    </tr>`;
}

function userForm() {
  const v = state.values;
  const option = (value, label, current) =>
    html`<option value="${value}" ${value === current ? html`selected` : ''}>${label}</option>`;
  return html`
    <form id="user-form" class="card console-form" novalidate aria-labelledby="user-form-title">
      <h3 id="user-form-title">${t('console.newUser')}</h3>
      <div class="form-pair">
        <div><label for="u-username">${t('username')}</label>
          <input id="u-username" name="username" required autocomplete="off" autocapitalize="none" spellcheck="false"
                 pattern="[A-Za-z0-9_.\\-]{2,64}" value="${v.username ?? ''}" aria-describedby="u-username-hint">
          <p class="meta" id="u-username-hint">${t('console.usernameHint')}</p></div>
        <div><label for="u-name">${t('console.displayName')}</label>
          <input id="u-name" name="display_name" required maxlength="100" value="${v.display_name ?? ''}"></div>
      </div>
      <div class="form-pair">
        <div><label for="u-role">${t('accountRole')}</label>
          <select id="u-role" name="role">${ROLES.map((r) => option(r, t(`role_${r}`), v.role ?? 'technician'))}</select></div>
        <div><label for="u-locale">${t('language')}</label>
          <select id="u-locale" name="locale">${option('zh-CN', '中文', v.locale ?? 'zh-CN')}${option('en', 'English', v.locale)}</select></div>
      </div>
      <label for="u-password">${t('console.initialPassword')}</label>
      <input id="u-password" name="password" type="password" required minlength="8" autocomplete="new-password"
             aria-describedby="u-password-hint">
      <p class="meta" id="u-password-hint">${t('console.passwordHint')}</p>
      <button type="submit" class="primary">${t('console.createUser')}</button>
    </form>`;
}

export function view({ users, message }, { user }) {
  return consoleScreen(PATH, user, html`
    <header class="console-head"><h2>${t('console.usersTitle')}</h2></header>
    ${message ? alertBox(message.text, message.kind) : ''}
    ${users.length ? html`
      <table class="board users">
        <caption class="wb-visually-hidden">${t('console.usersTitle')}</caption>
        <thead><tr><th scope="col">${t('console.displayName')}</th><th scope="col">${t('username')}</th>
          <th scope="col">${t('accountRole')}</th><th scope="col">${t('language')}</th>
          <th scope="col">${t('console.accountState')}</th><th scope="col">${t('console.createdOn')}</th>
          <th scope="col"><span class="wb-visually-hidden">${t('console.actions')}</span></th></tr></thead>
        <tbody>${users.map((u) => userRow(u, user))}</tbody>
      </table>` : html`<p class="empty">${t('console.usersEmpty')}</p>`}
    ${userForm()}`);
}

async function create(ctx, form) {
  const v = formValues(form);
  state.values = { ...v, password: undefined };
  if (!/^[A-Za-z0-9_.-]{2,64}$/.test(v.username ?? '') || !v.display_name || (v.password ?? '').length < 8) {
    state.message = { kind: 'bad', text: t('console.needUserFields') };
    return ctx.refresh();
  }
  try {
    await ctx.api('POST', '/api/users', v);
    state.values = {};
    state.message = { kind: 'ok', text: t('console.userCreated', { name: v.display_name }) };
  } catch (error) {
    state.message = { kind: 'bad', text: error.status === 409 ? t('console.usernameTaken') : errorText(error) };
  }
  ctx.refresh();
}

export function mounted(screen, _data, ctx) {
  const form = screen.querySelector('#user-form');
  form?.addEventListener('submit', (event) => {
    event.preventDefault();
    create(ctx, form);
  });
}

export const actions = {
  'toggle-user': async (element, ctx) => {
    const disable = element.dataset.disabled === '0';
    const { id, name } = element.dataset;
    if (disable && !confirm(t('console.confirmDisable', { name }))) return;
    try {
      await ctx.api('PATCH', `/api/users/${encodeURIComponent(id)}`, { disabled: disable });
      state.message = { kind: 'ok', text: t(disable ? 'console.userDisabled' : 'console.userEnabled', { name }) };
    } catch (error) {
      state.message = { kind: 'bad', text: errorText(error) };
    }
    ctx.refresh();
  },
};
