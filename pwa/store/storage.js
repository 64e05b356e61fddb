// Keeping offline data: ask the browser not to evict it, and say when space runs low
// (a shift of photos is tens of MB; browsers evict non-persistent origins under pressure).
export const LOW_FREE_BYTES = 200 * 1024 * 1024;
export const LOW_USED_FRACTION = 0.9;

/** True when this origin's storage is (now) persistent; never throws. */
export async function requestPersistence() {
  try {
    if (!navigator.storage?.persist) return false;
    if (await navigator.storage.persisted()) return true;
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}

export function isLow(usage, quota) {
  if (!quota) return false;
  return quota - usage < LOW_FREE_BYTES || usage / quota > LOW_USED_FRACTION;
}

/** {usage, quota, free, low}; quota 0 when the browser does not say. */
export async function storageEstimate() {
  const { usage = 0, quota = 0 } = (await navigator.storage?.estimate?.().catch(() => null)) ?? {};
  return { usage, quota, free: Math.max(0, quota - usage), low: isLow(usage, quota) };
}
