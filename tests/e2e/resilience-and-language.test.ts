import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchWithExtension } from '../../scripts/lib/browser';
import { ConsultPage } from '../../scripts/lib/consult';
import { startEnvironment, type Environment } from './environment';

let env: Environment;
let profile: string;

beforeAll(async () => {
  env = await startEnvironment();
  profile = await mkdtemp(join(tmpdir(), 'vroegsignaal-restart-'));
});
afterAll(async () => {
  await env?.close();
  await rm(profile, { recursive: true, force: true });
});

describe('nothing is lost', () => {
  it('delivers a referral exactly once after the browser was closed while the receiver was down', async () => {
    await env.stopReceiver();
    let browser = await launchWithExtension({ userDataDir: profile });
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
        .poll(async () => (await env.referrals()).filter((r) => r.patientName.includes('Schijnvoet')).length, { timeout: 60_000, interval: 500 })
        .toBe(1);
      const page = await browser.context.newPage();
      const consult = new ConsultPage(page);
      await consult.open(env.ehrUrl, 'P-1008');
      await consult.sidebarTab.click();
      await consult.status.getByText(/Afgeleverd bij Sociaal wijkteam \(demo\)/).waitFor({ timeout: 10_000 });
      const [referral] = (await env.referrals()).filter((r) => r.patientName.includes('Schijnvoet'));
      expect(referral!.timesReceived).toBe(1);
    } finally {
      await browser.context.close();
    }
  });
});

describe('in an English browser', () => {
  it('asks the questions in English', async () => {
    const browser = await launchWithExtension({ locale: 'en-GB' });
    try {
      const page = await browser.context.newPage();
      const consult = new ConsultPage(page);
      await consult.open(env.ehrUrl, 'P-1007');
      await consult.typeCode('P03');
      await consult.sidebar.getByText('Reason: P03 Feeling down or depressed').waitFor({ timeout: 2_000 });
      await expect(consult.sidebar.getByRole('group', { name: /Do you find it hard to make ends meet each month\?/ }).count()).resolves.toBe(1);
      await expect(consult.sidebar.getByRole('button', { name: 'Not now' }).count()).resolves.toBe(1);
    } finally {
      await browser.close();
    }
  });
});
