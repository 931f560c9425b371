import { originPattern, type PageAdapter } from '../shared/page-adapter';

/** The id under which the EHR content script is registered. */
export const EHR_CONTENT_SCRIPT_ID = 'vroegsignaal-ehr';
/** The built content script (WXT's output path for entrypoints/ehr.content). */
export const EHR_CONTENT_SCRIPT_FILE = 'content-scripts/ehr.js' as const;

/** The slices of `browser.scripting`, `browser.permissions` and `browser.tabs` this module needs. */
export interface EhrAccessApis {
  getRegisteredContentScripts(filter: { ids: string[] }): Promise<Array<{ id: string; matches?: string[] }>>;
  registerContentScripts(scripts: Array<{ id: string; matches: string[]; js: string[]; runAt: 'document_idle'; allFrames: false; persistAcrossSessions?: boolean }>): Promise<void>;
  updateContentScripts(scripts: Array<{ id: string; matches: string[] }>): Promise<void>;
  unregisterContentScripts(filter: { ids: string[] }): Promise<void>;
  containsPermission(pattern: string): Promise<boolean>;
  /** Open tabs whose URL matches one of the patterns (visible to us only where we have access). */
  queryTabs(patterns: string[]): Promise<Array<{ id?: number; url?: string }>>;
  injectContentScript(tabId: number): Promise<void>;
}

/** The distinct origins of the adapters' pages. */
export function adapterOrigins(adapters: readonly PageAdapter[]): string[] {
  return [...new Set(adapters.flatMap((adapter) => adapter.pages.map((page) => page.origin)))];
}

/**
 * Makes the EHR content script run on exactly the configured origins the browser granted access to,
 * and nowhere else: registers, updates or unregisters it, and starts it in tabs that are already
 * open on a newly watched origin (a registration only applies to pages loaded after it). The
 * script is registered for the whole origin, because a single-page EHR can move into a watched path
 * without loading a page; outside the adapter's paths it stays idle.
 * @returns the origins watched from now on.
 */
export async function syncEhrContentScript(apis: EhrAccessApis, adapters: readonly PageAdapter[], browserName: string): Promise<string[]> {
  const origins = adapterOrigins(adapters);
  const granted: string[] = [];
  for (const origin of origins) if (await apis.containsPermission(originPattern(origin, browserName))) granted.push(origin);
  const matches = [...new Set(granted.map((origin) => originPattern(origin, browserName)))];

  const [existing] = await apis.getRegisteredContentScripts({ ids: [EHR_CONTENT_SCRIPT_ID] });
  const before = new Set(existing?.matches ?? []);
  if (matches.length === 0) {
    if (existing) await apis.unregisterContentScripts({ ids: [EHR_CONTENT_SCRIPT_ID] });
    return [];
  }
  if (!existing) {
    await apis.registerContentScripts([
      { id: EHR_CONTENT_SCRIPT_ID, matches, js: [EHR_CONTENT_SCRIPT_FILE], runAt: 'document_idle', allFrames: false, persistAcrossSessions: true },
    ]);
  } else if (matches.length !== before.size || matches.some((pattern) => !before.has(pattern))) {
    await apis.updateContentScripts([{ id: EHR_CONTENT_SCRIPT_ID, matches }]);
  }

  const added = matches.filter((pattern) => !before.has(pattern));
  if (added.length > 0) {
    for (const tab of await apis.queryTabs(added)) {
      // A tab may close or navigate meanwhile; it gets the script on its next load anyway.
      if (tab.id !== undefined) await apis.injectContentScript(tab.id).catch(() => {});
    }
  }
  return granted;
}
