/**
 * What only Firefox does, in Debian's Firefox ESR against the real demo HIS and receiver: installed
 * and configured by enterprise policy (policies.json at /etc/firefox/policies, in a mount namespace
 * of the test browser's own), an outbox in the event page's IndexedDB that outlives the browser, a
 * background suspended when idle and woken by its alarm, and the sidebar's handed-over channel (the
 * framed sidebar has no tabs API there) holding against a page that tries to take it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import eenzaamheid from '../../rules/eenzaamheid.rules.json';
import { SIDEBAR_HANDOVER_TYPE } from '../../extension/shared/sidebar-channel';
import { MIN_VISIBLE_MS } from '../../extension/pages/sidebar/click-guard';
import { FIREFOX_ADDON_ID, FIREFOX_EXTENSION_PACKAGE, launchDrivenBrowser, type DrivenBrowser } from '../../scripts/lib/driven-browser';
import { DrivenConsult } from '../../scripts/lib/driven-consult';
import { answerPermissionPrompt, importConfigurationDriven, registeredEhrPatterns, untilBackgroundSuspended, waitUntilWatchedDriven } from '../../scripts/lib/driven-setup';
import { originPattern } from '../../extension/shared/page-adapter';
import { policyFor } from '../../scripts/policy';
import { startServers, type Servers } from '../e2e/environment';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers?.close();
});

/** A policies.json as a practice's IT writes it: the add-on installed from its .xpi, and `configuration` for it. */
function practicePolicy(configuration: Record<string, unknown>) {
  return policyFor(configuration, FIREFOX_ADDON_ID, 'firefox', `file://${FIREFOX_EXTENSION_PACKAGE}`) as { policies: { '3rdparty': { Extensions: Record<string, Record<string, string>> } } };
}

/** Configures `driven` for the demo practice through its options page, as the administrator does. */
async function configure(driven: DrivenBrowser): Promise<void> {
  (await importConfigurationDriven(driven, servers.configuration)).close();
  await waitUntilWatchedDriven(driven, servers.ehrUrl);
}

/** A new tab in front for a consult; `prepare` runs before a page loads in it (to plant the page's own script). */
async function consultTab(driven: DrivenBrowser, prepare?: (page: Page) => Promise<unknown>): Promise<DrivenConsult> {
  const page = await driven.newPage();
  await page.bringToFront();
  await prepare?.(page);
  return new DrivenConsult(page);
}

/** Runs `test` in a Firefox with the add-on (temporary), configured for the demo practice; closes it after. */
async function inConfiguredFirefox(test: (driven: DrivenBrowser) => Promise<void>): Promise<void> {
  const driven = await launchDrivenBrowser('firefox', { display: servers.display });
  try {
    await configure(driven);
    await test(driven);
  } finally {
    await driven.close();
  }
}

describe('Firefox ESR', () => {
  it('installs the add-on from policy and shows the settings policy pushes as locked, reporting an invalid value while ignoring it', async () => {
    const regional = { ...structuredClone(eenzaamheid), id: 'regio-eenzaamheid', name: { nl: 'Eenzaamheid (regio Heuvelland)', en: 'Loneliness (Heuvelland region)' } };
    const policy = practicePolicy({ ruleSets: [regional], practice: { name: 'Huisartsenpraktijk Beleid (regio)' } });
    policy.policies['3rdparty'].Extensions[FIREFOX_ADDON_ID]!.adapters = '[{"id": "kapot"';
    const driven = await launchDrivenBrowser('firefox', { display: servers.display, firefoxPolicy: policy });
    try {
      const options = await driven.openExtensionPage('/options.html');
      await options.waitForFunction(() => document.querySelector('#rule-sets')?.textContent?.includes('Eenzaamheid (regio Heuvelland)'), { timeout: 10_000 });
      const view = await options.evaluate(() => {
        const card = [...document.querySelectorAll('#rule-sets article')].find((article) => article.textContent?.includes('Eenzaamheid (regio Heuvelland)'))!;
        const toggle = card.querySelector<HTMLInputElement>('input[type="checkbox"]')!;
        const nameLabel = [...document.querySelectorAll('#practice label')].find((label) => label.textContent?.trim() === 'Naam van de praktijk')!;
        const practiceName = document.getElementById(nameLabel.getAttribute('for')!) as HTMLInputElement;
        return {
          locked: card.textContent?.includes('Vergrendeld door beleid'),
          toggle: { checked: toggle.checked, disabled: toggle.matches(':disabled') },
          removable: [...card.querySelectorAll('button')].some((button) => button.textContent?.trim() === 'Verwijderen'),
          // Disabled as a form control is: by itself or by its fieldset.
          practiceName: { value: practiceName.value, disabled: practiceName.matches(':disabled') },
          notices: [...document.querySelectorAll('[role="alert"]')].map((alert) => alert.textContent ?? '').join(' '),
          adapters: document.querySelectorAll('#adapters article').length,
        };
      });
      expect(view).toEqual({
        locked: true,
        toggle: { checked: true, disabled: true },
        removable: false,
        practiceName: { value: 'Huisartsenpraktijk Beleid (regio)', disabled: true },
        notices: expect.stringMatching(/beleid · adapters: is not valid JSON/),
        adapters: 0,
      });
      // Installed by policy, not as a temporary add-on: the browser's own record says so.
      const installType = await driven.extensionApi<string>("return (await api.management.getSelf()).installType;");
      expect(installType).toBe('admin');
    } finally {
      await driven.close();
    }
  });

  it('keeps a queued referral in the event page’s IndexedDB over a browser restart and delivers it exactly once on start', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'vroegsignaal-firefox-profile-'));
    const policy = practicePolicy({});
    let driven = await launchDrivenBrowser('firefox', { display: servers.display, firefoxPolicy: policy, userDataDir: profile });
    try {
      await configure(driven);
      // The outbox and the audit log are kept when the disk runs full (unlimitedStorage → persist()).
      expect(await driven.extensionApi<boolean>('return navigator.storage.persisted();')).toBe(true);

      await servers.stopReceiver();
      const consult = await consultTab(driven);
      await consult.open(servers.ehrUrl, 'P-1003');
      await consult.typeCode('P01');
      await consult.screenPositiveAndConsent('Na de herstart versturen.');
      await consult.send();
      await consult.waitForText(/Nog niet afgeleverd: ontvanger niet bereikbaar/, 20_000);
      // Idle, the event page is suspended (after 3 s in these tests); the outbox does not need it running.
      await untilBackgroundSuspended(driven);
      await driven.close();

      await servers.startReceiver();
      driven = await launchDrivenBrowser('firefox', { display: servers.display, firefoxPolicy: policy, userDataDir: profile });
      const arrived = Date.now() + 60_000;
      while ((await servers.referrals()).filter((referral) => referral.note === 'Na de herstart versturen.').length === 0) {
        if (Date.now() > arrived) throw new Error('the queued referral did not arrive within 60 s of the restart');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const received = (await servers.referrals()).filter((referral) => referral.note === 'Na de herstart versturen.');
      expect(received).toHaveLength(1);
      expect(received[0]!.timesReceived).toBe(1);
    } finally {
      await servers.startReceiver();
      await driven.close().catch(() => {});
      await rm(profile, { recursive: true, force: true });
    }
  });

  it('an administrator who answers Firefox’s prompt with “Weigeren” gives no site; “Toegang geven” asks again and then the EHR is watched', async () => {
    const driven = await launchDrivenBrowser('firefox', { display: servers.display });
    try {
      const options = await importConfigurationDriven(driven, servers.configuration, { answer: 'deny' });
      const said = await options.evaluate(() => [...document.querySelectorAll('[role="status"]')].map((status) => status.textContent ?? '').join(' '));
      expect(said).toMatch(/Geen toegang tot: http:\/\/127\.0\.0\.1:\d+/);
      expect(await driven.extensionApi<string[]>('return (await api.permissions.getAll()).origins;')).toEqual([]);
      expect(await registeredEhrPatterns(driven)).toEqual([]);

      // The prompt shows over the tab that asks, which must be in front (the API calls above opened another).
      await options.bringToFront();
      const grant = await options.evaluateHandle(() => [...document.querySelectorAll('#adapters button')].find((button) => button.textContent?.trim() === 'Toegang geven'));
      const button = grant.asElement() as ElementHandle<Element> | null;
      expect(button).not.toBeNull();
      await answerPermissionPrompt(driven, () => button!.click(), 'allow');
      await waitUntilWatchedDriven(driven, servers.ehrUrl);
      expect(await registeredEhrPatterns(driven)).toEqual([originPattern(servers.ehrUrl, 'firefox')]);
    } finally {
      await driven.close();
    }
  });

  it('refuses to send under a click-through cover or popover (no occlusion tracking in Firefox: the content script sees them), and sends once they are gone', async () => {
    await inConfiguredFirefox(async (driven) => {
      const consult = await consultTab(driven);
      const page = consult.page;
      await consult.open(servers.ehrUrl, 'P-1006');
      await consult.typeCode('N01');
      await consult.screenPositiveAndConsent('Onder een deken versturen?');
      const posts = (await servers.stats()).posts;
      const attacks = {
        cover: () => {
          const cover = document.createElement('div');
          cover.id = 'attack';
          cover.textContent = 'Alles in orde — klik op de knop rechtsonder';
          cover.style.cssText = 'position:fixed;inset:0 0 0 auto;width:420px;background:#fff;z-index:2147483647;pointer-events:none;';
          document.documentElement.append(cover);
        },
        popover: () => {
          const cover = document.createElement('div');
          cover.id = 'attack';
          cover.popover = 'manual';
          cover.textContent = 'Alles in orde — klik op de knop rechtsonder';
          cover.style.cssText = 'position:fixed;inset:0 0 0 auto;margin:0;width:420px;height:100vh;background:#fff;border:0;pointer-events:none;';
          document.body.append(cover);
          cover.showPopover();
        },
      };
      for (const [name, attack] of Object.entries(attacks)) {
        await page.evaluate(attack);
        await consult.send();
        await consult.waitForText(/Niet verstuurd: iets van de pagina lag over de zijbalk/);
        await consult.pause(500);
        expect((await servers.stats()).posts, name).toBe(posts);
        await page.evaluate(() => document.getElementById('attack')?.remove());
      }
      await consult.pause(MIN_VISIBLE_MS + 300);
      await consult.send();
      await consult.waitForText(/Afgeleverd bij Sociaal wijkteam \(demo\)/, 15_000);
      expect((await servers.stats()).posts).toBe(posts + 1);
    });
  });

  it('the sidebar takes its channel only from the content script: the page cannot reach the frame, its look-alike handovers get nothing, and the frame’s key is nowhere in the page', async () => {
    await inConfiguredFirefox(async (driven) => {
      // Before any of the extension's script: the page offers its own channel to every frame, all the time.
      const plantAttack = (page: Page) => page.evaluateOnNewDocument((type: string) => {
        const heard: unknown[] = [];
        const seen = { frames: 0 };
        Object.assign(window, { heard, seen });
        setInterval(() => {
          seen.frames = Math.max(seen.frames, window.frames.length);
          for (let i = 0; i < window.frames.length; i++) {
            const channel = new MessageChannel();
            channel.port1.onmessage = (event) => heard.push(event.data);
            for (const key of ['', 'undefined', 'null', '0']) window.frames[i]!.postMessage({ type, key }, '*', [channel.port2]);
          }
        }, 5);
      }, SIDEBAR_HANDOVER_TYPE);
      const consult = await consultTab(driven, plantAttack);
      const page = consult.page;
      await consult.open(servers.ehrUrl, 'P-1002');
      await consult.typeCode('N01');
      await consult.waitForText('Aanleiding: N01 Hoofdpijn');
      await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
      await consult.click({ kind: 'button', name: 'Verder naar toestemming' });
      // The sidebar shows the patient the content script read, whatever the page offered it.
      await consult.waitForText(/Henk/);
      const key = await (await consult.sidebarFrame()).evaluate(() => location.hash.slice(1));
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      const pageSees = await page.evaluate(() => ({
        heard: (window as unknown as { heard: unknown[] }).heard.length,
        framesReached: (window as unknown as { seen: { frames: number } }).seen.frames,
        timeline: JSON.stringify(performance.getEntries().map((entry) => entry.name)),
        html: document.documentElement.outerHTML,
      }));
      // The page cannot even address the sidebar's window: a frame in a closed shadow root is not
      // among its window.frames. The key check (unit-tested) is the second line, should that change.
      expect(pageSees.framesReached).toBe(0);
      expect(pageSees.heard).toBe(0);
      expect(pageSees.timeline).not.toContain(key);
      expect(pageSees.timeline).not.toContain('moz-extension:');
      expect(pageSees.html).not.toContain(key);
    });
  });
});
