// The shell: who is logged in decides between the login screen and the routed screens.
import { html, render } from './components/html.js';
import { layout } from './components/layout.js';
import { primingBar, replaceElement, syncBadge, unsyncedCount, watchSync } from './components/sync-indicator.js';
import { setLang, t } from './i18n/index.js';
import { currentPath, resolve } from './router.js';
import { ROUTES } from './routes.js';
import { api, ApiError } from './store/api.js';
import { forgetSynced, onChange, startSession } from './store/local.js';
import { forgetScope, lastUser, onPriming, primeAfterLogin, primingState } from './store/prime.js';
import { loginView } from './views/login.js';

const root = document.getElementById('app');
const state = { user: null, online: navigator.onLine, login: {}, screen: null, sync: { pending: 0, problems: 0 } };

// A phone camera app opens /t/{code}; offline the service worker answers with the shell at
// that path, so move the code into the hash route here.
const tagPath = location.pathname.match(/^\/t\/([^/?#]+)/);
if (tagPath) history.replaceState(null, '', `/#/t/${tagPath[1]}`);

function ctx(params = {}) {
  return { user: state.user, online: state.online, params, api, refresh: showScreen, logOut };
}

function sync() {
  return { ...state.sync, online: state.online };
}

function visibleRoutes() {
  // Signed out, only public screens open (the verification page a paper report's QR code opens).
  if (!state.user) return ROUTES.filter((r) => r.public);
  return ROUTES.filter((r) => !r.roles || r.roles.includes(state.user.role));
}

function paint(content) {
  const tabs = visibleRoutes().filter((r) => r.tab);
  render(root, layout({ content, sync: sync(), tabs, path: currentPath(), priming: primingState() }));
}

function problem(error) {
  const message = error instanceof ApiError ? error.message : t('networkError');
  return html`<p class="notice" role="alert">${t('somethingWrong', { message })}</p>
    <button type="button" class="secondary" data-action="reload">${t('retry')}</button>`;
}

// Every showScreen call takes a number; only the newest may set or paint the screen, so a
// slow load (a refresh after a sync) can never paint over a navigation that came after it.
let navigation = 0;

async function showScreen() {
  const ticket = ++navigation;
  const found = resolve(currentPath(), visibleRoutes());
  if (!state.user && !found) {
    state.screen = null;
    return render(root, loginView(state.login));
  }
  if (!found) return paint(html`<p class="empty">${t('notFound')}</p>`);
  const module = await found.route.load();
  if (ticket !== navigation) return;
  const context = ctx(found.params);
  const screen = { module, context, data: null };
  state.screen = screen;
  try {
    const data = await module.load(context);
    if (ticket !== navigation) return;
    screen.data = data;
    repaint();
  } catch (error) {
    if (ticket === navigation) paint(problem(error));
  }
}

/** Draws the current screen again from the data it already has (language, online state). */
function repaint() {
  if (!state.user && !state.screen) return render(root, loginView(state.login));
  if (!state.screen) return showScreen();
  const { module, context, data } = state.screen;
  if (!data) return; // its load is still running and paints when done
  context.online = state.online;
  paint(module.view(data, context));
  module.mounted?.(root.querySelector('.screen'), data, context);
}

async function start() {
  try {
    state.user = (await api('GET', '/api/auth/me')).user;
  } catch (error) {
    // No answer (offline) is not a logout: keep working as the last user of this phone.
    state.user = error instanceof ApiError ? null : await lastUser().catch(() => null);
  }
  await showScreen();
  if (state.user) beginWork();
}

/** After login (or a start as the remembered user): the scope download and the sync loop. */
function beginWork() {
  primeAfterLogin(api, state.user);
  startSession().catch(() => null); // offline first start without cached rules: retried on the next screen
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
  render(root, loginView(state.login));
  try {
    state.user = (await api('POST', '/api/auth/login', body)).user;
    state.login = {};
    beginWork();
  } catch (error) {
    state.login = { error: loginMessage(error) };
  }
  await showScreen();
}

/** Refused while changes or photos exist only on this phone: they would be stranded. */
async function logOut({ everywhere = false } = {}) {
  if (!navigator.onLine) return alert(t('logoutOffline'));
  const unsynced = await unsyncedCount();
  if (unsynced) return alert(t('logoutRefused', { count: unsynced }));
  if (!confirm(t(everywhere ? 'confirmLogOutEverywhere' : 'confirmLogOut'))) return;
  await api('POST', everywhere ? '/api/auth/logout-everywhere' : '/api/auth/logout').catch(() => null);
  await forgetSynced().catch(() => null);
  await forgetScope().catch(() => null);
  state.user = null;
  await showScreen();
}

const GLOBAL_ACTIONS = { logout: logOut, reload: showScreen };

root.addEventListener('submit', (event) => {
  if (event.target.id !== 'login-form') return;
  event.preventDefault();
  logIn(event.target);
});
root.addEventListener('click', (event) => {
  const target = event.target.closest('[data-action]');
  if (!target || target.tagName === 'SELECT') return;
  const name = target.dataset.action;
  const handler = state.screen?.module.actions?.[name];
  if (handler) handler(target, state.screen.context);
  else GLOBAL_ACTIONS[name]?.();
});
root.addEventListener('change', (event) => {
  if (event.target.matches('[data-action="language"]')) {
    setLang(event.target.value);
    repaint();
  }
});
for (const name of ['online', 'offline']) {
  window.addEventListener(name, () => {
    state.online = navigator.onLine;
    repaint();
  });
}
window.addEventListener('hashchange', showScreen);
watchSync((counts) => {
  state.sync = counts;
  if (state.user) replaceElement('sync-badge', syncBadge(sync()));
});
onPriming((progress) => replaceElement('prime-bar', primingBar(progress)));
// A finished sync may have brought newer server states: the screen reloads its data, unless
// the user is typing (a redraw would drop what is in the inputs).
onChange(({ reason }) => {
  if (reason !== 'sync' || !state.user || !state.screen) return;
  if (root.querySelector('input:focus, textarea:focus, select:focus')) return;
  if (state.screen.module.refreshOnSync === false) return;
  showScreen();
});

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js');
}
start();
