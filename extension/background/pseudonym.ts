const SALT_KEY = 'pseudonymSalt';

/** The slice of `browser.storage.local` the pseudonymiser needs. */
export interface KeyValueStorage {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Turns an EHR patient key into a pseudonym: SHA-256 over a random per-installation salt, the
 * adapter id and the key. The same patient gets the same pseudonym in this browser only, and the
 * key cannot be read back from what the background stores.
 */
export function createPseudonymizer(storage: KeyValueStorage) {
  let salt: Promise<string> | null = null;

  async function loadSalt(): Promise<string> {
    const stored = (await storage.get(SALT_KEY))[SALT_KEY];
    if (typeof stored === 'string' && stored.length >= 32) return stored;
    const fresh = toHex(crypto.getRandomValues(new Uint8Array(32)));
    await storage.set({ [SALT_KEY]: fresh });
    return fresh;
  }

  return async (adapterId: string, patientKey: string): Promise<string> => {
    salt ??= loadSalt().catch((error: unknown) => {
      salt = null;
      throw error;
    });
    const data = new TextEncoder().encode(`${await salt}\u0000${adapterId}\u0000${patientKey}`);
    return toHex(await crypto.subtle.digest('SHA-256', data));
  };
}
