/** What became of the request to keep the extension's storage (see keepStoragePersistent). */
export type StoragePersistence = 'persistent' | 'best-effort' | 'not-asked';

/**
 * Asks the browser to keep the extension's IndexedDB (outbox, audit log) when the disk runs full.
 * Storage is "best effort" by default and a browser may clear it under pressure: an unsent referral
 * or an audit trail must not go that way. Firefox grants this at once to an extension holding
 * `unlimitedStorage` (its background is an event page, a window, where `persist()` exists);
 * Chromium exempts such an extension from eviction itself, and its service worker has no
 * `persist()`, so there nothing is asked.
 */
export async function keepStoragePersistent(storage: Pick<StorageManager, 'persist' | 'persisted'> | undefined): Promise<StoragePersistence> {
  if (typeof storage?.persist !== 'function') return 'not-asked';
  if (await storage.persisted()) return 'persistent';
  return (await storage.persist()) ? 'persistent' : 'best-effort';
}
