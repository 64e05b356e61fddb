// Service worker: precache the shell under one version; API calls always go to the network.
const VERSION = 'weibao-shell-v1b';
const SHELL = [
  '/',
  '/index.html',
  '/styles.css',
  '/app.js',
  '/manifest.webmanifest',
  '/components/html.js',
  '/components/language-switch.js',
  '/i18n/index.js',
  '/i18n/zh-CN.js',
  '/i18n/en.js',
  '/store/api.js',
  '/views/login.js',
  '/views/home.js',
  '/router.js',
  '/routes.js',
  '/components/layout.js',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name !== VERSION).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function fromCacheFirst(request) {
  const cache = await caches.open(VERSION);
  const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
  if (cached) return cached;
  if (request.mode === 'navigate') return (await cache.match('/')) || fetch(request);
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/schema')) return;
  event.respondWith(fromCacheFirst(event.request));
});
