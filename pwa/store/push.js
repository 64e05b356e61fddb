// Page side of Web Push: ask permission, subscribe with the server's key, register the device.
// The settings screen (a later issue) calls enablePush() from a button press: browsers only
// show the permission prompt in response to a user gesture.
import { api } from './api.js';

const SUBSCRIBE_TIMEOUT_MS = 10000;

export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function base64UrlToBytes(text) {
  const padded = (text + '='.repeat((4 - (text.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

// subscribe() can hang for ever when no push service is reachable (STACK-NOTES): race it.
function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The service worker cannot read cookies; it needs the CSRF token to re-subscribe on
// pushsubscriptionchange, so the page leaves a copy in IndexedDB (read by sw-push.js).
export function shareCsrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (!match) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open('weibao-push', 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('kv');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const tx = opening.result.transaction('kv', 'readwrite');
      tx.objectStore('kv').put(decodeURIComponent(match[1]), 'csrf');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    };
  });
}

export async function enablePush(deviceLabel = '') {
  if (!pushSupported()) throw new Error('push-unsupported');
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw new Error('push-permission-denied');
  const registration = await navigator.serviceWorker.ready;
  const { application_server_key: key } = await api('GET', '/api/push/key');
  const existing = await registration.pushManager.getSubscription();
  const subscription =
    existing ||
    (await withTimeout(
      registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlToBytes(key) }),
      SUBSCRIBE_TIMEOUT_MS,
      'push-subscribe-timeout',
    ));
  await shareCsrfToken();
  return api('POST', '/api/push/subscriptions', { ...subscription.toJSON(), deviceLabel });
}

export async function disablePush(deviceId) {
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (deviceId) await api('DELETE', `/api/push/subscriptions/${encodeURIComponent(deviceId)}`);
  if (subscription) await subscription.unsubscribe();
}

export const listDevices = () => api('GET', '/api/push/subscriptions');
export const sendTest = (deviceId) =>
  api('POST', `/api/push/subscriptions/${encodeURIComponent(deviceId)}/test`);
export const getQuietHours = () => api('GET', '/api/push/preferences');
export const setQuietHours = (start, end) =>
  api('PUT', '/api/push/preferences', { quiet_start: start, quiet_end: end });
