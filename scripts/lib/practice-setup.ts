import type { Page } from 'playwright-core';
import type { ExtensionBrowser } from './browser';
import { acceptPermissionPrompt } from './virtual-display';

/**
 * Configures the extension the way a practice administrator does: opens the options page, picks a
 * configuration file under "Importeren en exporteren", checks the preview and presses "Importeren en
 * toegang geven", then answers the browser's permission prompt with "Allow". Leaves the options page
 * open and returns it.
 */
export async function importConfiguration(browser: ExtensionBrowser, configuration: unknown, fileName = 'vroegsignaal.config.json'): Promise<Page> {
  if (!browser.display) throw new Error('importing a configuration needs a browser with a window (pass a display to launchWithExtension)');
  const page = await browser.openOptions();
  await page.getByLabel('Configuratiebestand kiezen').setInputFiles({
    name: fileName,
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(configuration, null, 2)),
  });
  const importButton = page.getByRole('button', { name: 'Importeren en toegang geven' });
  await importButton.waitFor();
  // The browser asks only for sites it has not granted yet; with nothing new, there is no prompt.
  if (await needsAccess(browser, originsOf(configuration))) await acceptPermissionPrompt(browser.display, () => importButton.click());
  else await importButton.click();
  await page.getByRole('status').filter({ hasText: /Geïmporteerd/ }).waitFor({ timeout: 15_000 });
  return page;
}

/** The sites a configuration file names: its adapters' pages and its endpoints. */
function originsOf(configuration: unknown): string[] {
  const file = configuration as { adapters?: Array<{ pages: Array<{ origin: string }> }>; endpoints?: Array<{ url: string }> };
  return [...(file.adapters ?? []).flatMap((adapter) => adapter.pages.map((page) => page.origin)), ...(file.endpoints ?? []).map((endpoint) => new URL(endpoint.url).origin)];
}

/** Whether the browser has yet to grant the extension one of `origins`. */
async function needsAccess(browser: ExtensionBrowser, origins: string[]): Promise<boolean> {
  const worker = await browser.serviceWorker();
  return worker.evaluate(async (patterns) => {
    const { chrome } = globalThis as unknown as { chrome: { permissions: { contains(p: { origins: string[] }): Promise<boolean> } } };
    for (const pattern of patterns) if (!(await chrome.permissions.contains({ origins: [pattern] }))) return true;
    return false;
  }, origins.map((origin) => `${origin}/*`));
}

/**
 * Waits until the extension's EHR content script is registered for `origin` (the background does
 * that once the browser granted access), so a page loaded next gets it.
 */
export async function waitUntilWatched(browser: ExtensionBrowser, origin: string): Promise<void> {
  const worker = await browser.serviceWorker();
  const pattern = `${origin}/*`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const matches = await worker.evaluate(async () => {
      const { chrome } = globalThis as unknown as { chrome: { scripting: { getRegisteredContentScripts(): Promise<Array<{ matches?: string[] }>> } } };
      const scripts = await chrome.scripting.getRegisteredContentScripts();
      return scripts.flatMap((script) => script.matches ?? []);
    });
    if (matches.includes(pattern)) return;
    if (Date.now() > deadline) throw new Error(`the EHR content script was not registered for ${origin} within 10 s (registered: ${matches.join(', ') || 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
