import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ConsultPage } from '../../scripts/lib/consult';
import { seriousAccessibilityViolations } from './axe';
import { startEnvironment, startLookalikePage, type Environment } from './environment';

let env: Environment;
let page: Page;
let consult: ConsultPage;

beforeAll(async () => {
  env = await startEnvironment();
});
afterAll(async () => {
  await env?.close();
});
afterEach(async () => {
  await page?.close();
});

async function openPatient(patientId: string): Promise<ConsultPage> {
  page = await env.browser.context.newPage();
  consult = new ConsultPage(page);
  await consult.open(env.ehrUrl, patientId);
  return consult;
}

async function referralsFor(name: string) {
  return (await env.referrals()).filter((r) => r.patientName === name);
}

describe('on the demo consult page', () => {
  it('shows the sidebar when N01 is typed into the E-line code field, beside and not over the EHR', async () => {
    await openPatient('P-1001');
    await page.waitForTimeout(300);
    await expect(consult.sidebar.count()).resolves.toBe(0);
    // The tab's strip is there from the start, so the prompt will not move the EHR under the GP's hands.
    await consult.sidebarTab.waitFor();
    const saveButton = page.getByRole('button', { name: 'Consult opslaan', exact: true });
    const before = await saveButton.boundingBox();

    await consult.typeCode('N01');
    await consult.promptTab.waitFor({ timeout: 5_000 });
    expect(await consult.sidebar.count()).toBe(0);
    expect(await saveButton.boundingBox()).toEqual(before);
    // The panel opens by itself once the GP pauses typing.
    await consult.sidebar.waitFor({ timeout: 5_000 });
    await expect(consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').isVisible()).resolves.toBe(true);
    await expect(consult.sidebar.getByRole('group').count()).resolves.toBe(3);

    // Not a modal and not covering the EHR: the EHR's own buttons are still what is under the pointer.
    for (const name of ['Consult opslaan', 'Annuleren']) {
      const button = page.getByRole('button', { name, exact: true });
      const box = (await button.boundingBox())!;
      const hit = await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.closest('button')?.textContent?.trim(), [box.x + box.width / 2, box.y + box.height / 2]);
      expect(hit).toBe(name);
    }
    await expect(page.locator('#soep-e-code').evaluate((el) => el === document.activeElement)).resolves.toBe(true);

    await consult.sidebar.getByRole('button', { name: 'Zijbalk inklappen' }).click();
    await consult.sidebarTab.waitFor();
    await expect(consult.sidebar.count()).resolves.toBe(0);
    await consult.sidebarTab.click();
    await consult.sidebar.waitFor();
  });

  it('also reacts to a subcode picked from the autocomplete and to a code in the consult text', async () => {
    await openPatient('P-1006');
    await page.locator('#soep-e-code').pressSequentially('lage rug', { delay: 20 });
    await page.locator('#icpc-suggestions [role="option"]', { hasText: 'L03.01' }).first().click();
    await consult.sidebar.getByText(/Aanleiding: L03\.01 Lage rugpijn/).waitFor({ timeout: 5_000 });

    await consult.switchTo('P-1002');
    await expect(consult.sidebar.count()).resolves.toBe(0);
    await consult.writeSubjective('Slaapt slecht, P06 overwegen.');
    await consult.sidebar.getByText('Aanleiding: P06 Slaapstoornis').waitFor({ timeout: 5_000 });
  });

  it('sends nothing before consent is ticked, then leaves exactly one referral with the expected fields', async () => {
    const before = await env.stats();
    await openPatient('P-1001');
    await consult.typeCode('N01');
    await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await consult.answer(/Slaapt u slecht van geldzorgen/, 'Nee');
    await consult.answer(/Stapelt de post zich bij u thuis weleens op/, 'Niet gevraagd');
    await consult.goToConsent();
    await consult.fillConsent({ callMoment: 'Ochtend', note: 'Liever niet tussen 12 en 13 uur bellen.' });

    await expect(consult.sendButton.isDisabled()).resolves.toBe(true);
    await consult.sendButton.click({ force: true });
    await page.keyboard.press('Enter');
    await page.waitForTimeout(1_000);
    expect(await env.stats()).toEqual(before);

    await consult.tickConsent();
    await consult.sendButton.click();
    await consult.status.getByText(/Afgeleverd bij Sociaal wijkteam \(demo\)/).waitFor({ timeout: 10_000 });

    const received = await referralsFor('Mila Voorbeeld');
    expect(received).toHaveLength(1);
    const [referral] = received;
    expect(referral).toMatchObject({
      patientName: 'Mila Voorbeeld',
      patientPhone: '+31699990001',
      callMoment: 'ochtend',
      note: 'Liever niet tussen 12 en 13 uur bellen.',
      lifeDomains: ['daily-functioning'],
      timesReceived: 1,
      consentRecordedBy: expect.stringContaining('Denkbeeld'),
    });
    expect(referral!.answers.map((a) => [a.linkId, a.code])).toEqual([
      ['make-ends-meet', 'LA33-6'],
      ['sleep-money-worries', 'LA32-8'],
      ['unopened-mail', null],
    ]);
    expect(JSON.stringify(referral!.bundle)).not.toMatch(/N01|Hoofdpijn/);
    expect((await env.stats()).posts).toBe(before.posts + 1);
  });

  it('clears the sidebar when the GP switches patient, and never carries data over', async () => {
    await openPatient('P-1002');
    await consult.typeCode('N01');
    await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await consult.goToConsent();
    await consult.fillConsent({ phone: '06-99990077', note: 'Alleen voor Henk' });

    await consult.switchTo('P-1003');
    await expect(consult.sidebar.count()).resolves.toBe(0);
    await expect(consult.promptTab.count()).resolves.toBe(0);

    await consult.typeCode('P01');
    await consult.sidebar.waitFor();
    await expect(consult.sidebar.getByRole('radio', { checked: true }).count()).resolves.toBe(0);
    await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await consult.goToConsent();
    const bannerPhone = (await page.locator('#patient-banner [data-field="phone"]').textContent())!.trim();
    await expect(consult.sidebar.getByLabel('Telefoonnummer voor het terugbellen').inputValue()).resolves.toBe(bannerPhone);
    await expect(consult.sidebar.getByLabel('Korte notitie voor het sociaal wijkteam (optioneel)').inputValue()).resolves.toBe('');
    await expect(consult.sidebar.textContent()).resolves.not.toMatch(/Henk|99990077/);
  });

  it('keeps "not now" and "not relevant" away for that patient during the consult', async () => {
    await openPatient('P-1004');
    await consult.typeCode('A04');
    await consult.sidebar.getByRole('button', { name: 'Niet nu' }).click();
    await expect(consult.sidebar.count()).resolves.toBe(0);
    await consult.writeSubjective('Moe, hoofdpijn N01, rugpijn L02.');
    await page.waitForTimeout(300);
    await expect(consult.prompt.count()).resolves.toBe(0);

    await consult.switchTo('P-1006');
    await consult.typeCode('N02');
    await consult.sidebar.getByRole('button', { name: 'Niet relevant' }).click();
    await consult.switchTo('P-1004');
    await consult.typeCode('N01');
    await page.waitForTimeout(300);
    await expect(consult.prompt.count()).resolves.toBe(0);
  });

  it('can be operated with the keyboard alone and has no serious accessibility violations', async () => {
    await openPatient('P-1003');
    await consult.typeCode('D01');
    await consult.sidebar.waitFor();
    await consult.sidebar.getByRole('radio', { name: 'Ja' }).first().focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    const checked = await consult.sidebar.locator('input[type="radio"]:checked').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
    expect(checked).toEqual(['yes', 'no', 'not-asked']);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // Focus moves to the consent step's heading once it has rendered (a frame or two on a loaded machine).
    const consentHeading = consult.sidebar.getByRole('heading', { name: 'Toestemming van de patiënt' });
    await expect.poll(() => consentHeading.evaluate((h) => h === h.ownerDocument.activeElement), { timeout: 2_000 }).toBe(true);

    const violations = await seriousAccessibilityViolations(consult.sidebarDocument);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    await consult.sidebar.getByRole('button', { name: 'Terug naar de vragen' }).click();
    expect(await seriousAccessibilityViolations(consult.sidebarDocument)).toEqual([]);
  });

  it('gives no sidebar on a page that is not the demo EHR', async () => {
    const lookalike = await startLookalikePage();
    try {
      page = await env.browser.context.newPage();
      for (const url of [lookalike.url, `${env.receiverUrl}/`]) {
        await page.goto(url);
        await page.waitForTimeout(800);
        await expect(page.locator('vroegsignaal-sidebar').count()).resolves.toBe(0);
      }
    } finally {
      await lookalike.close();
    }
  });

  it('keeps the referral while the receiver is down and delivers it exactly once when it is back', async () => {
    await env.stopReceiver();
    try {
      await openPatient('P-1005');
      await consult.typeCode('P06');
      await consult.screenPositiveAndConsent({ note: '' });
      await consult.sendButton.click();
      await consult.status.getByText(/Nog niet afgeleverd: ontvanger niet bereikbaar/).waitFor({ timeout: 20_000 });
    } finally {
      await env.startReceiver();
    }
    await consult.status.getByText(/Afgeleverd bij Sociaal wijkteam \(demo\)/).waitFor({ timeout: 90_000 });
    const received = await referralsFor('Tess Verzinsel');
    expect(received).toHaveLength(1);
    expect(received[0]!.timesReceived).toBe(1);
  });
});
