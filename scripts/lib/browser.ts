import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';

/** Where `wxt build` puts the Chromium extension. */
export const CHROME_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/chrome-mv3');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ExtensionBrowser {
  context: BrowserContext;
  /** The extension's id in this browser (Chromium derives it from the unpacked folder's path). */
  extensionId: string;
  /** The X display the browser window is on, when it has one (see startVirtualDisplay). */
  display: string | undefined;
  /** The extension's service worker, for tests that look at what the browser granted. */
  serviceWorker(): Promise<Worker>;
  /** Opens the extension's options page in a new tab. */
  openOptions(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts Debian's Chromium with the built extension loaded unpacked, in a fresh profile. With
 * `display` (an X display such as Xvfb's) the browser has a window — needed wherever the browser's
 * own permission prompt must be answered; without, it runs headless. `locale` is the browser's UI
 * language (default Dutch, as in a Dutch practice); `userDataDir` restarts "the same browser".
 */
export async function launchWithExtension(options: { display?: string; userDataDir?: string; locale?: string } = {}): Promise<ExtensionBrowser> {
  const { context, ownProfile, userDataDir } = await launchChromium({ ...options, extension: true });
  const serviceWorker = async () => context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  // Ready once the extension's service worker runs: before that, messages from pages go nowhere.
  const worker = await serviceWorker();
  const extensionId = new URL(worker.url()).host;
  return {
    context,
    extensionId,
    display: options.display,
    serviceWorker,
    async openOptions() {
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/options.html`);
      // Loaded once the sections are drawn from what the background answered.
      await page.locator('#practice').waitFor();
      return page;
    },
    async close() {
      await context.close();
      if (ownProfile) await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The same Chromium, window and profile settings without any extension: the baseline a benchmark
 * compares against.
 */
export async function launchPlainChromium(options: { display?: string; locale?: string } = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { context, userDataDir } = await launchChromium({ ...options, extension: false });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

async function launchChromium(options: { display?: string; userDataDir?: string; locale?: string; extension: boolean }) {
  const locale = options.locale ?? 'nl-NL';
  const ownProfile = !options.userDataDir;
  const userDataDir = options.userDataDir ?? (await mkdtemp(join(tmpdir(), 'vroegsignaal-profile-')));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: options.display === undefined,
    viewport: { width: 1400, height: 860 },
    locale,
    args: chromiumArguments({ locale, extension: options.extension }),
    env: chromiumEnvironment({ locale, display: options.display }),
  });
  return { context, ownProfile, userDataDir };
}

/**
 * Chromium's command line for the tests, the demo and the benchmarks, whichever library drives it:
 * the built extension loaded unpacked (or none), no background traffic, a fixed window.
 */
export function chromiumArguments(options: { locale: string; extension: boolean }): string[] {
  return [
    ...(options.extension ? [`--disable-extensions-except=${CHROME_EXTENSION_DIR}`, `--load-extension=${CHROME_EXTENSION_DIR}`] : ['--disable-extensions']),
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
    '--window-position=0,0',
    '--window-size=1400,900',
    `--lang=${options.locale}`,
  ];
}

/** Chromium's environment: on Linux it takes its UI language from there; `display` is an X display. */
export function chromiumEnvironment(options: { locale: string; display?: string | undefined }): Record<string, string | undefined> {
  const posixLocale = options.locale.replace('-', '_');
  return { ...process.env, LANGUAGE: posixLocale, LANG: `${posixLocale}.UTF-8`, ...(options.display ? { DISPLAY: options.display } : {}) };
}
