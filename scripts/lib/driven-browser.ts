import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { CHROME_EXTENSION_DIR, CHROMIUM_PATH, chromiumArguments, chromiumEnvironment } from './browser';

/**
 * The built extension in Chromium or in Firefox, driven by puppeteer-core: Chromium over the DevTools
 * protocol, Debian's Firefox ESR over WebDriver BiDi (Playwright drives only its own patched Firefox).
 * The cross-browser end-to-end tests (tests/cross-browser/) run the same steps through this in both.
 */

export type BrowserName = 'chromium' | 'firefox';

/** Where `wxt build -b firefox` puts the Firefox extension; `wxt zip -b firefox` packs it as an .xpi. */
export const FIREFOX_EXTENSION_DIR = resolve(import.meta.dirname, '../../.output/firefox-mv3');
const ROOT = resolve(import.meta.dirname, '../..');
const { name: packageName, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
/** WXT's artifact name: `{name}-{version}-{browser}.zip`. */
export const FIREFOX_EXTENSION_PACKAGE = join(ROOT, '.output', `${packageName}-${version}-firefox.zip`);
export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
/** The add-on id in the Firefox manifest (wxt.config.ts); Firefox's policies name the add-on by it. */
export const FIREFOX_ADDON_ID = 'vroegsignaal@vroegsignaal.example';
/**
 * Firefox gives each installation a random extension origin; the test profile pins it (the pref
 * `extensions.webextensions.uuids`), so the tests can open the extension's pages by address.
 */
const TEST_EXTENSION_UUID = '6d2c4a1e-5b3f-4c8d-9e7a-000000e2e001';
/**
 * How long Firefox lets an idle event page live before it suspends it (its default is 30 s). The
 * tests shorten it, so a background that is suspended and woken again is the normal case in them,
 * as Chromium's tests stop its service worker.
 */
export const FIREFOX_TEST_IDLE_TIMEOUT_MS = 3_000;

export interface DrivenBrowser {
  readonly name: BrowserName;
  readonly browser: Browser;
  /** `chrome-extension://<id>` or `moz-extension://<uuid>`. */
  readonly extensionOrigin: string;
  /** The X display the browser window is on (see startVirtualDisplay). */
  readonly display: string | undefined;
  newPage(): Promise<Page>;
  /** Opens one of the extension's own pages (`/options.html`) in a new tab, once its document is complete. */
  openExtensionPage(path: string): Promise<Page>;
  /**
   * Runs `body` (the text of an async function body) in an extension page of its own, where the
   * extension's APIs are `api`: what a test asks the browser about the extension (granted sites,
   * registered scripts). Both browsers answer the same promise-based calls. The first call opens that
   * page as a new tab, which comes to the front.
   */
  extensionApi<T>(body: string): Promise<T>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  display?: string;
  /** The browser's UI language (default Dutch, as in a Dutch practice). */
  locale?: string;
  /**
   * Firefox only: a policies.json document, read from the path a practice's IT uses
   * (/etc/firefox/policies/policies.json) in a mount namespace of this browser's own, so the
   * machine's file is neither read nor touched. With `ExtensionSettings` installing the add-on, the
   * browser installs it itself (as in a practice) instead of as a temporary add-on.
   */
  firefoxPolicy?: unknown;
  /** Firefox only: a profile to start with (and keep), to restart "the same browser". */
  userDataDir?: string;
}

/** Starts `name` with the built extension in a fresh profile. */
export async function launchDrivenBrowser(name: BrowserName, options: LaunchOptions = {}): Promise<DrivenBrowser> {
  const built = name === 'chromium' ? [join(CHROME_EXTENSION_DIR, 'manifest.json')] : [join(FIREFOX_EXTENSION_DIR, 'manifest.json'), FIREFOX_EXTENSION_PACKAGE];
  const missing = built.filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} — run "npx wxt build && npx wxt zip -b firefox" first (npm test does)`);
  return name === 'chromium' ? launchChromium(options) : launchFirefox(options);
}

async function launchChromium(options: LaunchOptions): Promise<DrivenBrowser> {
  const locale = options.locale ?? 'nl-NL';
  const userDataDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-profile-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.display === undefined,
    userDataDir,
    defaultViewport: { width: 1400, height: 860 },
    args: chromiumArguments({ locale, extension: true }),
    ignoreDefaultArgs: ['--disable-extensions'],
    env: chromiumEnvironment({ locale, display: options.display }) as Record<string, string>,
  });
  const worker = await browser.waitForTarget((target) => target.type() === 'service_worker' && target.url().startsWith('chrome-extension://'), { timeout: 30_000 });
  const extensionOrigin = `chrome-extension://${new URL(worker.url()).host}`;
  const openExtensionPage = async (path: string) => {
    const page = await browser.newPage();
    await page.goto(`${extensionOrigin}${path}`);
    return page;
  };
  return driven('chromium', browser, extensionOrigin, options.display, openExtensionPage, async () => {
    await browser.close();
    await rm(userDataDir, { recursive: true, force: true });
  });
}

async function launchFirefox(options: LaunchOptions): Promise<DrivenBrowser> {
  const locale = options.locale ?? 'nl-NL';
  const posixLocale = locale.replace('-', '_');
  const scratch = await mkdtemp(join(tmpdir(), 'vroegsignaal-firefox-'));
  const executablePath = options.firefoxPolicy === undefined ? FIREFOX_PATH : await policyWrapper(scratch, options.firefoxPolicy);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath,
    ...(options.userDataDir ? { userDataDir: options.userDataDir } : {}),
    headless: options.display === undefined,
    defaultViewport: { width: 1400, height: 860 },
    args: ['--width=1400', '--height=900'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: TEST_EXTENSION_UUID }),
      'extensions.background.idle.timeout': FIREFOX_TEST_IDLE_TIMEOUT_MS,
      // An add-on from a file (the policy install) is unsigned; ESR honours this, release builds do not.
      'xpinstall.signatures.required': false,
    },
    env: {
      ...(process.env as Record<string, string>),
      LANG: `${posixLocale}.UTF-8`,
      LANGUAGE: posixLocale,
      ...(options.display ? { DISPLAY: options.display } : {}),
      // Lets WebDriver open the extension's own pages (moz-extension:), which it otherwise refuses.
      MOZ_REMOTE_ALLOW_SYSTEM_ACCESS: '1',
    },
  });
  const installedByPolicy = (options.firefoxPolicy as { policies?: { ExtensionSettings?: Record<string, unknown> } } | undefined)?.policies?.ExtensionSettings?.[FIREFOX_ADDON_ID] !== undefined;
  if (!installedByPolicy) await browser.installExtension(FIREFOX_EXTENSION_DIR);
  const extensionOrigin = `moz-extension://${TEST_EXTENSION_UUID}`;
  const openExtensionPage = async (path: string) => {
    const page = await browser.newPage();
    // WebDriver BiDi does not report events from extension pages (Firefox bug 1755014), so a
    // navigation there never "finishes" for puppeteer: navigate without waiting, then watch the page.
    const context = (page.mainFrame() as unknown as { _id: string })._id;
    const url = `${extensionOrigin}${path}`;
    const deadline = Date.now() + 20_000;
    for (;;) {
      await (browser as unknown as { connection: { send(method: string, params: object): Promise<unknown> } }).connection.send('browsingContext.navigate', { context, url, wait: 'none' });
      for (const until = Date.now() + 5_000; Date.now() < until; ) {
        const state = await page.evaluate(() => `${location.href} ${document.readyState}`).catch(() => '');
        if (state === `${url} complete`) return page;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // A policy-installed add-on may still be starting: its origin does not answer yet.
      if (Date.now() > deadline) throw new Error(`Firefox did not open ${url} within 20 s`);
    }
  };
  return driven('firefox', browser, extensionOrigin, options.display, openExtensionPage, async () => {
    await browser.close();
    await rm(scratch, { recursive: true, force: true });
  });
}

function driven(name: BrowserName, browser: Browser, extensionOrigin: string, display: string | undefined, openExtensionPage: (path: string) => Promise<Page>, close: () => Promise<void>): DrivenBrowser {
  let apiPage: Promise<Page> | undefined;
  return {
    name,
    browser,
    extensionOrigin,
    display,
    newPage: () => browser.newPage(),
    openExtensionPage,
    async extensionApi<T>(body: string): Promise<T> {
      // The report page: an extension page that sends nothing by itself.
      apiPage ??= openExtensionPage('/report.html');
      const page = await apiPage;
      return page.evaluate(`(async (api) => { ${body} })(globalThis.browser ?? globalThis.chrome)`) as Promise<T>;
    },
    close,
  };
}

/**
 * A Firefox start script that shows this browser, and only it, `policy` at
 * /etc/firefox/policies/policies.json: a private mount namespace with a folder of ours bound over
 * that path. Needs root (the README's test command runs as root), as writing the real file would.
 */
async function policyWrapper(scratch: string, policy: unknown): Promise<string> {
  if (process.getuid?.() !== 0) throw new Error('a Firefox policy test binds its policies.json over /etc/firefox/policies, which needs root (the README\'s test command runs as root)');
  const policyDir = join(scratch, 'policies');
  await mkdir(policyDir);
  await writeFile(join(policyDir, 'policies.json'), JSON.stringify(policy, null, 2));
  const wrapper = join(scratch, 'firefox-with-policy');
  await writeFile(
    wrapper,
    `#!/bin/sh
# Generated by scripts/lib/firefox.ts: Firefox with its own /etc/firefox/policies.
mkdir -p /etc/firefox/policies
exec unshare --mount --propagation private sh -c 'mount --bind "$0" /etc/firefox/policies && exec "$@"' '${policyDir}' '${FIREFOX_PATH}' "$@"
`,
  );
  await chmod(wrapper, 0o755);
  return wrapper;
}
