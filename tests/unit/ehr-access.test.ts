import { describe, expect, it } from 'vitest';
import { EHR_CONTENT_SCRIPT_ID, syncEhrContentScript, type EhrAccessApis } from '../../extension/background/ehr-access';
import { originPattern } from '../../extension/shared/page-adapter';
import { demoHisAdapter } from './helpers';

/** The browser's scripting, permissions and tabs, in memory. */
function fakeBrowser(granted: string[], tabs: Array<{ id: number; url: string }> = []) {
  let registered: { id: string; matches: string[] } | null = null;
  const injected: number[] = [];
  const calls: string[] = [];
  const apis: EhrAccessApis = {
    getRegisteredContentScripts: async () => (registered ? [registered] : []),
    registerContentScripts: async ([script]) => {
      if (registered) throw new Error(`Duplicate script ID '${script!.id}'`);
      calls.push('register');
      registered = { id: script!.id, matches: script!.matches };
    },
    updateContentScripts: async ([script]) => {
      calls.push('update');
      registered = { id: script!.id, matches: script!.matches };
    },
    unregisterContentScripts: async () => {
      calls.push('unregister');
      registered = null;
    },
    containsPermission: async (pattern) => granted.includes(pattern),
    queryTabs: async (patterns) => tabs.filter((tab) => patterns.some((pattern) => tab.url.startsWith(pattern.slice(0, -1)))),
    injectContentScript: async (tabId) => void injected.push(tabId),
  };
  return { apis, registered: () => registered, injected, calls };
}

const his = { ...demoHisAdapter('https://his.example'), pages: [{ origin: 'https://his.example', pathPrefix: '/consult/' }] };

describe('the EHR content script', () => {
  it('runs on exactly the configured origins the browser granted, for the whole origin', async () => {
    const other = { ...demoHisAdapter('https://tweede.example'), id: 'tweede' };
    const browser = fakeBrowser(['https://his.example/*']);
    expect(await syncEhrContentScript(browser.apis, [his, other], 'chrome')).toEqual(['https://his.example']);
    expect(browser.registered()).toEqual({ id: EHR_CONTENT_SCRIPT_ID, matches: ['https://his.example/*'] });
  });

  it('is registered nowhere while nothing is configured or granted', async () => {
    const browser = fakeBrowser([]);
    expect(await syncEhrContentScript(browser.apis, [his], 'chrome')).toEqual([]);
    expect(browser.registered()).toBeNull();
    expect(browser.calls).toEqual([]);
  });

  it('follows the configuration: updates on change, stays put when nothing changed, unregisters when removed', async () => {
    const browser = fakeBrowser(['https://his.example/*', 'https://tweede.example/*']);
    await syncEhrContentScript(browser.apis, [his], 'chrome');
    await syncEhrContentScript(browser.apis, [his], 'chrome');
    await syncEhrContentScript(browser.apis, [his, { ...demoHisAdapter('https://tweede.example'), id: 'tweede' }], 'chrome');
    await syncEhrContentScript(browser.apis, [], 'chrome');
    expect(browser.calls).toEqual(['register', 'update', 'unregister']);
  });

  it('starts in tabs already open on a newly watched origin, and only there', async () => {
    const browser = fakeBrowser(['https://his.example/*'], [
      { id: 4, url: 'https://his.example/consult/1' },
      { id: 5, url: 'https://elders.example/' },
    ]);
    await syncEhrContentScript(browser.apis, [his], 'chrome');
    expect(browser.injected).toEqual([4]);
    await syncEhrContentScript(browser.apis, [his], 'chrome');
    expect(browser.injected).toEqual([4]);
  });

  it('uses the match pattern each browser understands: with the port in Chromium, without in Firefox', () => {
    expect(originPattern('http://127.0.0.1:4310', 'chrome')).toBe('http://127.0.0.1:4310/*');
    expect(originPattern('http://127.0.0.1:4310', 'firefox')).toBe('http://127.0.0.1/*');
  });
});
