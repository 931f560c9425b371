import { originPattern } from '../../shared/page-adapter';

/** The slice of `browser.permissions` the options page uses. */
export interface PermissionsApi {
  request(permissions: { origins: string[] }): Promise<boolean>;
  remove(permissions: { origins: string[] }): Promise<boolean>;
  onAdded: { addListener(listener: () => void): void; removeListener(listener: () => void): void };
  onRemoved: { addListener(listener: () => void): void; removeListener(listener: () => void): void };
}

/** Access to the practice's sites (EHR, social team), granted by the browser per origin at run time. */
export interface HostAccess {
  /**
   * Asks for access to all `origins` in one browser prompt; resolves true when granted. Call it
   * synchronously in the click or submit handler, before any `await`: the browser only shows the
   * prompt during a user gesture and refuses it otherwise.
   */
  request(origins: readonly string[]): Promise<boolean>;
  /** Gives up access to `origins`; resolves true when the browser removed it. */
  remove(origins: readonly string[]): Promise<boolean>;
  /** The match pattern the browser grants for an origin (Firefox's patterns have no port). */
  patternFor(origin: string): string;
  /** Calls `listener` whenever granted sites change, here or in the browser's own settings; returns the unsubscribe. */
  onChange(listener: () => void): () => void;
}

/** Host access through the browser's permissions API, with patterns as `browserName` wants them. */
export function createHostAccess(permissions: PermissionsApi, browserName: string): HostAccess {
  const patternsFor = (origins: readonly string[]) => {
    const patterns = new Set<string>();
    for (const origin of origins) {
      // The page checks origins before asking; an unparsable one is left out rather than throwing
      // inside a click handler, where it would cost the user gesture.
      if (URL.canParse(origin)) patterns.add(originPattern(origin, browserName));
    }
    return [...patterns];
  };
  return {
    // Deliberately not async: the permissions call must happen before this returns.
    request(origins) {
      const patterns = patternsFor(origins);
      if (patterns.length === 0) return Promise.resolve(true);
      return permissions.request({ origins: patterns }).catch(() => false);
    },
    remove(origins) {
      const patterns = patternsFor(origins);
      if (patterns.length === 0) return Promise.resolve(true);
      return permissions.remove({ origins: patterns }).catch(() => false);
    },
    patternFor: (origin) => originPattern(origin, browserName),
    onChange(listener) {
      const notify = () => listener();
      permissions.onAdded.addListener(notify);
      permissions.onRemoved.addListener(notify);
      return () => {
        permissions.onAdded.removeListener(notify);
        permissions.onRemoved.removeListener(notify);
      };
    },
  };
}
