/**
 * The closed loop in real Chromium against the real receiver: a referral sent from the demo HIS is
 * worked in the social team's inbox by a logged-in team member, and the GP sees the outcome when the
 * patient is opened again; consent withdrawn for a delivered referral reaches the inbox; a referral
 * withdrawn while still queued never arrives.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsultPage } from '../../scripts/lib/consult';
import { DEMO_TEAM_MEMBER } from '../../scripts/lib/demo-configuration';
import { InboxPage } from '../../scripts/lib/inbox';
import { seriousAccessibilityViolations } from './axe';
import { startEnvironment, type Environment } from './environment';

/** Screenshots of the loop; `npm run screenshots` copies them to docs/ for the README. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../.test-output/screenshots');

let env: Environment;
const pages: Page[] = [];

beforeAll(async () => {
  env = await startEnvironment();
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
});

async function newPage(): Promise<Page> {
  const page = await env.browser.context.newPage();
  pages.push(page);
  return page;
}

/** Screens the patient positive, consents and sends; returns the open consult once delivery is settled or fails. */
async function refer(patientId: string, expectStatus: RegExp): Promise<ConsultPage> {
  const consult = new ConsultPage(await newPage());
  await consult.open(env.ehrUrl, patientId);
  await consult.typeCode('N01');
  await consult.screenPositiveAndConsent({ note: 'Graag na 14 uur bellen.' });
  await consult.sendButton.click();
  await consult.status.getByText(expectStatus).first().waitFor({ timeout: 15_000 });
  return consult;
}

/** The extension's outbox as its background holds it (IndexedDB of the service worker). */
async function outbox(): Promise<Array<{ key: string; kind: string; state: string }>> {
  const worker = await env.browser.serviceWorker();
  return worker.evaluate(
    () =>
      new Promise((resolveEntries, rejectEntries) => {
        const open = indexedDB.open('vroegsignaal');
        open.onerror = () => rejectEntries(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('outbox').objectStore('outbox').getAll();
          request.onsuccess = () => resolveEntries(request.result.map((entry: { key: string; kind: string; state: string }) => ({ key: entry.key, kind: entry.kind, state: entry.state })));
          request.onerror = () => rejectEntries(request.error);
        };
      }),
  );
}

describe('the closed loop', () => {
  it('a referral from the demo HIS is worked in the inbox, and the GP sees the outcome when the patient is opened again', async () => {
    const consult = await refer('P-1003', /Afgeleverd bij Sociaal wijkteam \(demo\)/);
    const [referral] = (await env.referrals()).filter((stored) => stored.patientName === 'Samira El Fictief');
    expect(referral).toMatchObject({ taskStatus: 'received', practiceId: 'denkbeeld', timesReceived: 1 });

    // Not logged in: the inbox shows nothing of it.
    const inboxPage = await newPage();
    await inboxPage.goto(`${env.receiverUrl}/verwijzingen/${referral!.uuid}`);
    expect(new URL(inboxPage.url()).pathname).toBe('/inloggen');
    expect(await inboxPage.content()).not.toContain('El Fictief');

    const inbox = new InboxPage(inboxPage, env.receiverUrl);
    await inbox.logIn(DEMO_TEAM_MEMBER.username, DEMO_TEAM_MEMBER.password);
    const row = inboxPage.locator('tr', { has: inboxPage.locator(`a[href="/verwijzingen/${referral!.uuid}"]`) });
    await expect(row.textContent()).resolves.toMatch(/Samira El Fictief[\s\S]*uiterlijk/);
    expect(await seriousAccessibilityViolations(inboxPage)).toEqual([]);
    await inboxPage.screenshot({ path: resolve(SCREENSHOTS, 'loop-1-inbox-queue.png') });

    await inbox.openReferral(referral!.uuid);
    await expect(inboxPage.getByRole('link', { name: '+31699990003' }).count()).resolves.toBe(1);
    await inbox.recordCalled();
    await inbox.recordOutcome('handled-with-partners', ['credit-bank', 'language-help'], 'Afspraak met budgetcoach op 3 december.');
    await expect(inboxPage.getByText('Opgepakt door het sociaal team met partners').count()).resolves.toBeGreaterThan(0);
    expect(await seriousAccessibilityViolations(inboxPage)).toEqual([]);
    await inboxPage.screenshot({ path: resolve(SCREENSHOTS, 'loop-2-inbox-outcome.png'), fullPage: true });
    expect((await env.referrals()).find((stored) => stored.uuid === referral!.uuid)).toMatchObject({ taskStatus: 'completed' });

    // The GP opens Samira again: the tab says there is news, the panel says what happened.
    await consult.switchTo('P-1001');
    await consult.switchTo('P-1003');
    const news = consult.sidebarDocument.getByRole('button', { name: 'Vroegsignaal openen: terugkoppeling van het sociaal team' });
    await news.waitFor({ timeout: 10_000 });
    await news.click();
    await consult.sidebar.getByText(/^Gebeld op \d{1,2} \w+, opgepakt door het sociaal team met partners\.$/).waitFor({ timeout: 10_000 });
    await expect(consult.sidebar.getByText('Partners: Kredietbank, taalhulp').count()).resolves.toBe(1);
    await expect(consult.sidebar.getByText('Afspraak met budgetcoach op 3 december.').count()).resolves.toBe(1);
    // The EHR makes room for the opened panel with a short transition; picture it settled.
    await consult.page.waitForTimeout(600);
    await consult.page.screenshot({ path: resolve(SCREENSHOTS, 'loop-3-sidebar-outcome.png') });
  });

  it('consent withdrawn for a delivered referral reaches the inbox, which then no longer shows the contact details', async () => {
    const consult = await refer('P-1006', /Afgeleverd bij Sociaal wijkteam \(demo\)/);
    const [referral] = (await env.referrals()).filter((stored) => stored.patientName === 'Ruud de Testmaker');
    expect(referral).toBeDefined();
    await consult.withdrawConsent();
    await consult.sidebar.locator('[data-withdrawal="delivered"]').waitFor({ timeout: 15_000 });

    const stored = (await env.referrals()).find((candidate) => candidate.uuid === referral!.uuid);
    expect(stored).toMatchObject({ withdrawn: true, taskStatus: 'cancelled', patientName: null, patientPhone: null, note: null });
    expect(JSON.stringify(stored!.bundle)).not.toContain(referral!.patientPhone!);

    const inbox = new InboxPage(await newPage(), env.receiverUrl);
    await inbox.logIn(DEMO_TEAM_MEMBER.username, DEMO_TEAM_MEMBER.password);
    await inbox.queue('withdrawn');
    const link = inbox.page.locator(`a[href="/verwijzingen/${referral!.uuid}"]`);
    await expect(link.textContent()).resolves.toBe('Toestemming ingetrokken');
    await inbox.openReferral(referral!.uuid);
    const detail = await inbox.page.content();
    expect(detail).not.toContain(referral!.patientName!);
    expect(detail).not.toContain(referral!.patientPhone!);
  });

  it('a referral withdrawn while still queued never arrives', async () => {
    const before = (await env.referrals()).length;
    await env.stopReceiver();
    const consult = await refer('P-1007', /Nog niet afgeleverd/);
    await consult.withdrawConsent();
    await consult.sidebar.getByText(/de verwijzing is niet verstuurd/).waitFor();
    await env.startReceiver();

    const tombstones = (await outbox()).filter((entry) => entry.kind === 'referral' && entry.state === 'withdrawn');
    expect(tombstones).toHaveLength(1);
    // Its attempt may have reached the receiver, so the receiver is told as well; it never had it (404).
    const withdrawalKey = `${tombstones[0]!.key}#withdrawal`;
    await expect.poll(async () => (await outbox()).find((entry) => entry.key === withdrawalKey)?.state, { timeout: 40_000, interval: 500 }).toBe('delivered');
    // Past the time the referral itself would have been retried.
    await consult.page.waitForTimeout(3_000);
    expect((await outbox()).find((entry) => entry.key === tombstones[0]!.key)).toMatchObject({ state: 'withdrawn' });
    expect(await env.referrals()).toHaveLength(before);
  });
});
