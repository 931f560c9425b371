/**
 * The paths that matter, run the same way in both browsers: Debian's Chromium (DevTools protocol)
 * and Debian's Firefox ESR (WebDriver BiDi), each with the built extension (Firefox: as a temporary
 * add-on), against the real demo HIS and the real receiver. Configuration through the options page
 * and the browser's own permission prompt, detection, the sidebar, consent, the outbox and delivery,
 * and the way back. In Firefox the background is an event page, suspended after 3 s idle here
 * (FIREFOX_TEST_IDLE_TIMEOUT_MS), so each step wakes it as a GP's next action would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { originPattern } from '../../extension/shared/page-adapter';
import { launchDrivenBrowser, type BrowserName, type DrivenBrowser } from '../../scripts/lib/driven-browser';
import { POSITIVE_SCREEN } from '../../scripts/lib/consult';
import { DrivenConsult } from '../../scripts/lib/driven-consult';
import { importConfigurationDriven, registeredEhrPatterns, untilBackgroundSuspended, waitUntilWatchedDriven } from '../../scripts/lib/driven-setup';
import { startServers, type Servers } from '../e2e/environment';

/** Each browser with the name its suite has ("in Chromium"; scripts/summarize-tests.mjs counts per browser by it). */
const BROWSERS: Array<[title: string, name: BrowserName]> = [
  ['Chromium', 'chromium'],
  ['Firefox ESR', 'firefox'],
];

describe.each(BROWSERS)('in %s', (_title, name) => {
  let servers: Servers;
  let driven: DrivenBrowser;
  const pages: Page[] = [];

  beforeAll(async () => {
    servers = await startServers();
    driven = await launchDrivenBrowser(name, { display: servers.display });
  });
  afterAll(async () => {
    await driven?.close();
    await servers?.close();
  });
  afterEach(async () => {
    for (const page of pages.splice(0)) await page.close().catch(() => {});
  });

  async function consultFor(patientId: string): Promise<DrivenConsult> {
    const page = await driven.newPage();
    pages.push(page);
    await page.bringToFront();
    const consult = new DrivenConsult(page);
    await consult.open(servers.ehrUrl, patientId);
    return consult;
  }

  async function referralsFor(patientName: string) {
    return (await servers.referrals()).filter((referral) => referral.patientName === patientName);
  }

  it('is configured through its options page: the browser asks for the two sites, and only the EHR gets the content script', async () => {
    expect(await registeredEhrPatterns(driven)).toEqual([]);
    const options = await importConfigurationDriven(driven, servers.configuration);
    pages.push(options);
    await waitUntilWatchedDriven(driven, servers.ehrUrl);

    const ehrOrigins = servers.configuration.adapters.flatMap((adapter) => adapter.pages.map((page) => page.origin));
    const expected = [...new Set(ehrOrigins.map((origin) => originPattern(origin, name)))].sort();
    expect((await registeredEhrPatterns(driven)).sort()).toEqual(expected);
    const granted = await driven.extensionApi<string[]>('return (await api.permissions.getAll()).origins;');
    for (const origin of [...ehrOrigins, servers.receiverUrl]) expect(granted).toContain(originPattern(origin, name));
  });

  it('shows the sidebar when N01 is typed, sends nothing before consent, then exactly one referral with the expected fields', async () => {
    const before = await servers.stats();
    const consult = await consultFor('P-1001');
    await consult.typeCode('N01');
    await consult.waitForText('Aanleiding: N01 Hoofdpijn');
    // The EHR keeps the GP's focus: the panel opens beside it, not in the way.
    expect(await consult.page.evaluate(() => document.activeElement?.id)).toBe('soep-e-code');

    for (const [question, answer] of POSITIVE_SCREEN) await consult.answer(question, answer);
    await consult.click({ kind: 'button', name: 'Verder naar toestemming' });
    await consult.chooseCallMoment('Ochtend');
    await consult.fill('Korte notitie voor het sociaal wijkteam (optioneel)', 'Liever niet tussen 12 en 13 uur bellen.');
    const send = await consult.find({ kind: 'button', name: 'Verstuur naar sociaal wijkteam' });
    expect(await send.evaluate((button) => (button as HTMLButtonElement).disabled)).toBe(true);
    await send.click();
    await consult.pause(1_000);
    expect(await servers.stats()).toEqual(before);

    await consult.tickConsent();
    await consult.send();
    await consult.waitForText(/Afgeleverd bij Sociaal wijkteam \(demo\)/, 15_000);
    const received = await referralsFor('Mila Voorbeeld');
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      patientPhone: '+31699990001',
      callMoment: 'ochtend',
      note: 'Liever niet tussen 12 en 13 uur bellen.',
      timesReceived: 1,
      consentRecordedBy: expect.stringContaining('Denkbeeld'),
    });
    expect(received[0]!.answers.map((answer) => [answer.linkId, answer.code])).toEqual([
      ['make-ends-meet', 'LA33-6'],
      ['sleep-money-worries', 'LA32-8'],
      ['unopened-mail', null],
    ]);
    expect((await servers.stats()).posts).toBe(before.posts + 1);
  });

  it('gives no sidebar on the same host under another port (in Firefox the content script runs there, since its patterns have no port, and stays idle)', async () => {
    const page = await driven.newPage();
    pages.push(page);
    await page.goto(`${servers.receiverUrl}/`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await page.evaluate(() => document.querySelectorAll('vroegsignaal-sidebar').length)).toBe(0);
    // The EHR on that same host does get it, so the check above is not vacuous.
    const consult = await consultFor('P-1002');
    expect(await consult.page.evaluate(() => document.querySelectorAll('vroegsignaal-sidebar').length)).toBe(1);
  });

  it('keeps a referral in its outbox while the receiver is down and delivers it exactly once when it is back', async () => {
    await servers.stopReceiver();
    let consult: DrivenConsult;
    try {
      consult = await consultFor('P-1005');
      await consult.typeCode('P06');
      await consult.screenPositiveAndConsent('');
      await consult.send();
      await consult.waitForText(/Nog niet afgeleverd: ontvanger niet bereikbaar/, 20_000);
      // Firefox suspends the idle event page (after 3 s here): then only the alarm can wake it to retry.
      if (name === 'firefox') await untilBackgroundSuspended(driven);
    } finally {
      await servers.startReceiver();
    }
    await consult.waitForText(/Afgeleverd bij Sociaal wijkteam \(demo\)/, 90_000);
    const received = await referralsFor('Tess Verzinsel');
    expect(received).toHaveLength(1);
    expect(received[0]!.timesReceived).toBe(1);
  });

  it('draws the practice report, charts included, from the seeded synthetic practice', async () => {
    const report = await driven.openExtensionPage('/report.html');
    pages.push(report);
    await report.bringToFront();
    const seed = await report.waitForSelector('::-p-text(Synthetische demogegevens laden)');
    await seed!.click();
    // The pilot's 46 referrals, with this browser's own referrals of the tests above.
    await report.waitForFunction(() => Number(document.querySelector('td[data-figure="referralsSent"]')?.textContent) >= 46, { timeout: 15_000 });
    const charts = await report.evaluate(() =>
      ['referrals-per-month', 'outcomes', 'dismissals', 'positive-answers'].map(
        (id) => [...document.querySelectorAll(`figure[data-chart="${id}"] svg rect`)].filter((rect) => Number(rect.getAttribute('height')) > 0 && Number(rect.getAttribute('width')) > 0).length,
      ),
    );
    expect(charts.every((bars) => bars > 0), JSON.stringify(charts)).toBe(true);
  });

  it('lists a prompt the GP put off in the assistant’s work list, by name', async () => {
    const consult = await consultFor('P-1004');
    await consult.typeCode('A04');
    await consult.click({ kind: 'button', name: 'Niet nu' });
    const workList = await driven.openExtensionPage('/sidepanel.html');
    pages.push(workList);
    await workList.waitForFunction(() => document.body.innerText.includes('Johan Denkbeeld'), { timeout: 10_000 });
  });

  it('shows the social team’s outcome when the GP opens the patient again', async () => {
    const [referral] = await referralsFor('Mila Voorbeeld');
    expect(referral).toBeDefined();
    const contactedAt = new Date();
    await servers.recordProgress(referral!.id, { type: 'called', contactedAt }, 'sam');
    await servers.recordProgress(referral!.id, { type: 'outcome', outcome: 'handled-with-partners', partners: ['credit-bank'], noteForGp: 'Afspraak bij de schuldhulp gemaakt.' }, 'sam');

    const consult = await consultFor('P-1001');
    // Opening the patient makes the background read the referral's Task at once; the tab announces it.
    await consult.waitForText('Vroegsignaal · terugkoppeling', 20_000);
    await consult.click({ kind: 'button', name: /terugkoppeling/ });
    await consult.waitForText(/opgepakt door het sociaal team met partners/);
    expect(await consult.sidebarText()).toContain('Afspraak bij de schuldhulp gemaakt.');
  });
});
