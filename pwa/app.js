// The shell: who is logged in decides the screen; everything else is a view function.
import { render } from './components/html.js';
import { setLang, t } from './i18n/index.js';
import { api, ApiError } from './store/api.js';
import { loginView } from './views/login.js';
import { homeView } from './views/home.js';

const root = document.getElementById('app');
const state = { user: null, sites: [], online: navigator.onLine };

function show() {
  render(root, state.user ? homeView(state) : loginView(state.login));
}

async function loadHome() {
  state.sites = await api('GET', '/api/sites').catch(() => state.sites);
  show();
}

async function start() {
  try {
    state.user = (await api('GET', '/api/auth/me')).user;
    await loadHome();
  } catch {
    state.user = null;
    show();
  }
}

function loginMessage(error) {
  if (error instanceof ApiError && error.status === 429) {
    return t('rateLimited', { seconds: error.detail?.retry_after ?? 60 });
  }
  if (error instanceof ApiError && error.status === 401) return t('badCredentials');
  if (error instanceof ApiError) return error.message;
  return t('networkError');
}

async function logIn(form) {
  const body = { username: form.username.value.trim(), password: form.password.value };
  state.login = { busy: true };
  show();
  try {
    state.user = (await api('POST', '/api/auth/login', body)).user;
    state.login = {};
    await loadHome();
  } catch (error) {
    state.login = { error: loginMessage(error) };
    show();
  }
}

async function logOut() {
  if (!confirm(t('confirmLogOut'))) return;
  await api('POST', '/api/auth/logout').catch(() => null);
  state.user = null;
  show();
}

root.addEventListener('submit', (event) => {
  if (event.target.id !== 'login-form') return;
  event.preventDefault();
  logIn(event.target);
});
root.addEventListener('click', (event) => {
  if (event.target.closest('[data-action="logout"]')) logOut();
});
root.addEventListener('change', (event) => {
  if (event.target.matches('[data-action="language"]')) {
    setLang(event.target.value);
    show();
  }
});
for (const name of ['online', 'offline']) {
  window.addEventListener(name, () => { state.online = navigator.onLine; show(); });
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js');
}
start();
