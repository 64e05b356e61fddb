// Service worker: precache the shell under one version; API calls always go to the network.
importScripts('/sw-push.js');
const VERSION = 'weibao-shell-v12';
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
  '/store/push.js',
  '/sw-push.js',
  '/store/merge.js',
  '/store/db.js',
  '/store/clock.js',
  '/store/uuidv7.js',
  '/store/view.js',
  '/store/outbox.js',
  '/store/sync-apply.js',
  '/store/sync-client.js',
  '/store/blobs.js',
  '/store/storage.js',
  '/store/local.js',
  '/components/components.css',
  '/components/tag-code.js',
  '/components/scanner.js',
  '/components/photo-capture.js',
  '/components/signature-pad.js',
  // npm packages (import map in index.html); the zxing wasm so scanning works offline.
  '/node_modules/idb/build/index.js',
  '/node_modules/signature_pad/dist/signature_pad.js',
  '/node_modules/barcode-detector/dist/es/ponyfill.js',
  '/node_modules/barcode-detector/dist/es/zxing-exported.js',
  '/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm',
  '/views/login.js',
  '/views/home.js',
  '/views/scan.js',
  '/views/tag.js',
  '/views/asset.js',
  '/views/settings.js',
  '/store/prime.js',
  '/components/sync-indicator.js',
  '/i18n/dates.js',
  '/router.js',
  '/routes.js',
  // Dispatcher console.
  '/console.css',
  '/views/console-reference.js',
  '/views/console-sla.js',
  '/views/console-board.js',
  '/views/console-ticket.js',
  '/views/console-ticket-new.js',
  '/views/console-conflicts.js',
  '/views/console-assets.js',
  '/views/console-plans.js',
  '/views/console-users.js',
  '/views/console-sites.js',
  '/views/console-ticket-record.js',
  // The technician day: Today, inspection runs, conflicts.
  '/day.css',
  '/store/my-work.js',
  '/views/home-time.js',
  '/views/home-push.js',
  '/views/inspection.js',
  '/views/inspection-new.js',
  '/views/inspection-checks.js',
  '/views/inspection-items.js',
  '/views/inspection-summary.js',
  '/views/conflicts.js',
  '/views/conflicts-cards.js',
  '/views/conflicts-refused.js',
  '/views/verify.js',
  // The work order and the client signing view, with the upload queue.
  '/views/work-order.js',
  '/views/work-order.css',
  '/views/work-order-data.js',
  '/views/work-order-parts.js',
  '/views/work-order-rules.js',
  '/views/sign.js',
  '/store/signable.js',
  '/store/signable-form.js',
  '/store/upload.js',
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

// Background Sync: the outbox lives in IndexedDB and the sync loop in the page
// (store/sync-client.js); wake an open page to run it.
self.addEventListener('sync', (event) => {
  if (event.tag !== 'weibao-sync') return;
  event.waitUntil(self.clients.matchAll({ type: 'window' }).then((windows) => {
    for (const client of windows) client.postMessage({ type: 'weibao-sync' });
  }));
});
