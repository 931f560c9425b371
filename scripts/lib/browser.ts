import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Where `wxt build` puts the Chromium extension. */
export const CHROME_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ExtensionBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Starts Debian's Chromium with the built extension loaded unpacked, in a fresh profile.
 * `locale` is the browser's UI language (default Dutch, as in a Dutch practice); the extension's
 * i18n follows it. `userDataDir` may be passed to restart "the same browser" on the same profile.
 */
export async function launchWithExtension(options: { headless?: boolean; userDataDir?: string; locale?: string } = {}): Promise<ExtensionBrowser> {
  const locale = options.locale ?? 'nl-NL';
  const posixLocale = locale.replace('-', '_');
  const ownProfile = !options.userDataDir;
  const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'vroegsignaal-profile-')));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? true,
    viewport: { width: 1400, height: 900 },
    locale,
    args: [
      `--disable-extensions-except=${CHROME_EXTENSION_DIR}`,
      `--load-extension=${CHROME_EXTENSION_DIR}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      `--lang=${locale}`,
    ],
    // On Linux, Chromium takes its UI language from the environment.
    env: { ...process.env, LANGUAGE: posixLocale, LANG: `${posixLocale}.UTF-8` },
  });
  // Ready once the extension's service worker runs: before that, messages from the page go nowhere.
  if (context.serviceWorkers().length === 0) await context.waitForEvent('serviceworker', { timeout: 30_000 });
  return {
    context,
    async close() {
      await context.close();
      if (ownProfile) await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
