import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { originPattern } from '../../extension/shared/page-adapter';
import type { DrivenBrowser } from './driven-browser';
import { acceptPermissionPrompt, answerFirefoxPermissionPrompt } from './virtual-display';

/**
 * practice-setup.ts for a browser driven by puppeteer-core (either browser): the administrator picks
 * the configuration file in the options page, presses "Importeren en toegang geven" and allows access
 * at the browser's own prompt. Returns the options page, left open.
 */
export async function importConfigurationDriven(driven: DrivenBrowser, configuration: unknown, options: { answer?: 'allow' | 'deny' } = {}): Promise<Page> {
  if (!driven.display) throw new Error('importing a configuration needs a browser with a window (pass a display)');
  const page = await driven.openExtensionPage('/options.html');
  await page.waitForSelector('#practice');
  const folder = await mkdtemp(join(tmpdir(), 'vroegsignaal-config-'));
  try {
    const file = join(folder, 'vroegsignaal.config.json');
    await writeFile(file, JSON.stringify(configuration, null, 2));
    const input = (await page.waitForSelector('#configuration-import')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(file);
    const importButton = await page.waitForSelector('#transfer .vs-preview button.vs-primary', { timeout: 10_000 });
    await answerPermissionPrompt(driven, () => importButton!.click(), options.answer ?? 'allow');
    await page.waitForFunction(() => [...document.querySelectorAll('[role="status"]')].some((status) => /Geïmporteerd/.test(status.textContent ?? '')), { timeout: 15_000 });
    return page;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Answers the browser's permission prompt that `trigger` brings up (denying is done in Firefox only). */
export async function answerPermissionPrompt(driven: DrivenBrowser, trigger: () => Promise<void>, answer: 'allow' | 'deny'): Promise<void> {
  if (!driven.display) throw new Error('a permission prompt needs a browser with a window (pass a display)');
  if (driven.name === 'firefox') return answerFirefoxPermissionPrompt(driven.display, trigger, answer);
  if (answer === 'deny') throw new Error('the tests deny a permission prompt in Firefox only');
  return acceptPermissionPrompt(driven.display, trigger);
}

/** The match patterns the browser runs the EHR content script on (registered by the background). */
export async function registeredEhrPatterns(driven: DrivenBrowser): Promise<string[]> {
  return driven.extensionApi<string[]>('return (await api.scripting.getRegisteredContentScripts()).flatMap((script) => script.matches ?? []);');
}

/** Waits until the EHR content script is registered for `origin` (in Firefox: its host; its patterns have no port). */
export async function waitUntilWatchedDriven(driven: DrivenBrowser, origin: string): Promise<void> {
  const pattern = originPattern(origin, driven.name);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const patterns = await registeredEhrPatterns(driven);
    if (patterns.includes(pattern)) return;
    if (Date.now() > deadline) throw new Error(`the EHR content script was not registered for ${pattern} within 10 s (registered: ${patterns.join(', ') || 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Waits until Firefox has suspended the extension's idle event page (runtime.getContexts, asked from
 * an extension page, which does not wake it). Chromium's service worker lives 30 s past its last
 * event; its tests stop it over the DevTools protocol instead (scripts/lib/delivery-run.ts).
 */
export async function untilBackgroundSuspended(driven: DrivenBrowser, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (await driven.extensionApi<boolean>("return (await api.runtime.getContexts({ contextTypes: ['BACKGROUND'] })).length > 0;")) {
    if (Date.now() > deadline) throw new Error(`${driven.name} did not suspend the idle background within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
