import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from '../../scripts/lib/browser';
import { ConsultPage } from '../../scripts/lib/consult';
import { importConfiguration, waitUntilWatched } from '../../scripts/lib/practice-setup';
import { startEnvironment, type Environment } from './environment';

let env: Environment;
let profile: string;

beforeAll(async () => {
  env = await startEnvironment({ configure: false });
  profile = await mkdtemp(join(tmpdir(), 'vroegsignaal-restart-'));
});
afterAll(async () => {
  await env?.close();
  await rm(profile, { recursive: true, force: true });
});

/** A browser on `profile`, configured for the demo practice through its options page. */
async function configuredBrowser(userDataDir: string): Promise<ExtensionBrowser> {
  const browser = await launchWithExtension({ display: env.display, userDataDir });
  await (await importConfiguration(browser, env.configuration)).close();
  await waitUntilWatched(browser, env.ehrUrl);
  return browser;
}

describe('nothing is lost', () => {
  it('delivers a referral exactly once after the browser was closed while the receiver was down', async () => {
    await env.stopReceiver();
    let browser = await configuredBrowser(profile);
    try {
      const page = await browser.context.newPage();
      const consult = new ConsultPage(page);
      await consult.open(env.ehrUrl, 'P-1008');
      await consult.typeCode('L02');
      await consult.screenPositiveAndConsent({ note: '' });
      await consult.sendButton.click();
      await consult.status.getByText(/Nog niet afgeleverd/).waitFor({ timeout: 20_000 });
    } finally {
      await browser.context.close();
    }

    await env.startReceiver();
    browser = await launchWithExtension({ userDataDir: profile });
    try {
      // The restarted browser's service worker finds the outbox entry and sends it on its own.
      await expect
        .poll(async () => (await env.referrals()).filter((r) => r.patientName?.includes('Schijnvoet')).length, { timeout: 60_000, interval: 500 })
        .toBe(1);
      const page = await browser.context.newPage();
      const consult = new ConsultPage(page);
      await consult.open(env.ehrUrl, 'P-1008');
      await consult.sidebarTab.click();
      // Opening the patient reads the referral's Task back: it arrived and waits for the team's call.
      await consult.sidebar.getByText('Ontvangen door het sociaal team, nog niet gebeld.').waitFor({ timeout: 10_000 });
      const [referral] = (await env.referrals()).filter((r) => r.patientName?.includes('Schijnvoet'));
      expect(referral!.timesReceived).toBe(1);
    } finally {
      await browser.context.close();
    }
  });
});

describe('in an English browser', () => {
  it('asks the questions in English', async () => {
    // Configured in Dutch, then the same profile started in English: the sidebar follows the browser.
    const englishProfile = await mkdtemp(join(tmpdir(), 'vroegsignaal-english-'));
    await (await configuredBrowser(englishProfile)).context.close();
    const browser = await launchWithExtension({ locale: 'en-GB', userDataDir: englishProfile });
    try {
      const page = await browser.context.newPage();
      const consult = new ConsultPage(page);
      await consult.open(env.ehrUrl, 'P-1007');
      await consult.typeCode('P03');
      // The first page after a browser start also wakes the extension's service worker: allow for that.
      await consult.sidebar.getByText('Reason: P03 Feeling down or depressed').waitFor({ timeout: 10_000 });
      await expect(consult.sidebar.getByRole('group', { name: /Do you find it hard to make ends meet each month\?/ }).count()).resolves.toBe(1);
      await expect(consult.sidebar.getByRole('button', { name: 'Not now' }).count()).resolves.toBe(1);
    } finally {
      await browser.close();
      await rm(englishProfile, { recursive: true, force: true });
    }
  });
});
