// Web Push in the service worker (imported by sw.js). The payload is built by
// backend/push/payload.py: {ticket, severity, site, kind, lang, title, body, url, tag,
// requireInteraction, actions}. Every promise is awaited inside waitUntil, or the browser may
// stop the worker before the notification is shown.

function notificationOptions(message) {
  return {
    body: message.body,
    tag: message.tag, // one per ticket: a newer message replaces the older one
    requireInteraction: Boolean(message.requireInteraction), // level 1 stays until handled
    actions: message.actions || [],
    lang: message.lang,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { url: message.url, ticket: message.ticket, kind: message.kind },
  };
}

function readPushMessage(event) {
  try {
    return event.data ? event.data.json() : null;
  } catch (error) {
    return null;
  }
}

self.addEventListener('push', (event) => {
  const message = readPushMessage(event);
  if (!message || !message.title) return;
  event.waitUntil(self.registration.showNotification(message.title, notificationOptions(message)));
});

// "accept" opens the ticket with ?action=accept; the app routes it through its sync outbox,
// so it is queued even if the phone lost its signal again since the notification arrived.
function targetUrl(notification, action) {
  const path = (notification.data && notification.data.url) || '/';
  const url = new URL(path, self.location.origin);
  if (action === 'accept') {
    const hash = url.hash || '#/';
    url.hash = hash + (hash.includes('?') ? '&' : '?') + 'action=accept';
  }
  return url.href;
}

async function focusOrOpen(url) {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (!open) return self.clients.openWindow(url);
  const navigated = (await open.navigate(url)) || open;
  // focus() needs the click's user activation; without it the ticket is still on screen.
  return navigated.focus().catch(() => navigated);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(focusOrOpen(targetUrl(event.notification, event.action)));
});

function base64UrlToBytes(text) {
  const padded = (text + '='.repeat((4 - (text.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

async function resubscribe(oldSubscription) {
  const response = await fetch('/api/push/key', { credentials: 'same-origin' });
  const { application_server_key: key } = await response.json();
  const subscription = await self.registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: base64UrlToBytes(key),
  });
  const csrf = await csrfToken();
  await fetch('/api/push/subscriptions', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrftoken': csrf },
    body: JSON.stringify({ ...subscription.toJSON(), oldEndpoint: oldSubscription?.endpoint }),
  });
}

// A worker cannot read document.cookie; the page leaves the CSRF token in IndexedDB for it
// (not in CacheStorage: sw.js deletes every other cache when a new version activates).
function csrfToken() {
  return new Promise((resolve) => {
    const opening = indexedDB.open('weibao-push', 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('kv');
    opening.onerror = () => resolve('');
    opening.onsuccess = () => {
      const reading = opening.result.transaction('kv').objectStore('kv').get('csrf');
      reading.onsuccess = () => resolve(reading.result || '');
      reading.onerror = () => resolve('');
    };
  });
}

self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(resubscribe(event.oldSubscription));
});
