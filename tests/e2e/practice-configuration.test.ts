import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import geldzorgen from '../../rules/geldzorgen.rules.json';
import eenzaamheid from '../../rules/eenzaamheid.rules.json';
import { CHROME_EXTENSION_DIR, launchWithExtension } from '../../scripts/lib/browser';
import { ConsultPage, sidebarFrame } from '../../scripts/lib/consult';
import { importConfiguration, waitUntilWatched } from '../../scripts/lib/practice-setup';
import { policyFor } from '../../scripts/policy';
import { acceptPermissionPrompt } from '../../scripts/lib/virtual-display';
import { seriousAccessibilityViolations } from './axe';
import { startEnvironment, startLookalikePage, type Environment } from './environment';
import { OTHER_EHR_PATIENTS, OTHER_EHR_SELECTORS, otherEhrChartPath } from './other-ehr/fixture';
import { startOtherEhr } from './other-ehr/server';

/** Screenshots of the administrator's path; `npm run screenshots` copies them to docs/ for the README. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../.test-output/screenshots');
const POLICY_DIR = '/etc/chromium/policies/managed';

let env: Environment;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  env = await startEnvironment({ configure: false });
});
afterAll(async () => {
  await env?.close();
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** What the sidebar shows right now (panel or tab), as text; empty when there is none. */
async function sidebarText(page: Page): Promise<string> {
  const frame = sidebarFrame(page);
  return frame ? frame.evaluate(() => document.getElementById('app')?.textContent ?? '') : '';
}

async function registeredMatches(): Promise<string[]> {
  const worker = await env.browser.serviceWorker();
  return worker.evaluate(async () => {
    const { chrome } = globalThis as unknown as { chrome: { scripting: { getRegisteredContentScripts(): Promise<Array<{ matches?: string[] }>> } } };
    return (await chrome.scripting.getRegisteredContentScripts()).flatMap((script) => script.matches ?? []);
  });
}

describe('an administrator configures Vroegsignaal through its options page', () => {
  it('watches nothing until an EHR is added; then exactly that EHR, and nothing once it is removed', async () => {
    const consultPage = await env.browser.context.newPage();
    const consult = new ConsultPage(consultPage);
    await consult.open(env.ehrUrl, 'P-1001', { watched: false });
    await consult.typeCode('N01');
    await consultPage.waitForTimeout(800);
    expect(await consultPage.locator('vroegsignaal-sidebar').count()).toBe(0);
    expect(await registeredMatches()).toEqual([]);

    const options = await env.browser.openOptions();
    await shoot(options, 'admin-1-na-installatie');
    const violations = await seriousAccessibilityViolations(options);
    expect(violations, JSON.stringify(violations)).toEqual([]);

    // The social team's endpoint: the reference receiver.
    const endpoints = options.locator('#endpoints');
    await endpoints.getByLabel('Naam', { exact: true }).fill('Sociaal wijkteam (demo)');
    await endpoints.getByLabel('Adres (URL)').fill(`${env.receiverUrl}/fhir`);
    await acceptPermissionPrompt(env.display, () => endpoints.getByRole('button', { name: 'Opslaan en toegang geven' }).click());
    await options.getByRole('status').filter({ hasText: /opgeslagen/i }).waitFor();
    await endpoints.getByRole('button', { name: 'Verbinding testen' }).first().click();
    await options.getByText(/Verbinding gelukt: Vroegsignaal referentie-ontvanger/).waitFor();

    // The EHR: the demo HIS on its origin, with the built-in adapter.
    const adapters = options.locator('#adapters');
    await adapters.getByLabel('Naam van de koppeling').fill('Demo-HIS');
    await adapters.getByLabel('Adres van het EHR').fill(env.ehrUrl);
    await adapters.getByRole('radio', { name: /Vroegsignaal demo-HIS/ }).check();
    await acceptPermissionPrompt(env.display, () => adapters.getByRole('button', { name: 'Toevoegen en toegang geven' }).click());
    await options.getByRole('status').filter({ hasText: /toegevoegd/ }).waitFor();
    await waitUntilWatched(env.browser, env.ehrUrl);
    expect(await registeredMatches()).toEqual([`${env.ehrUrl}/*`]);
    await shoot(options, 'admin-2-koppeling-en-wijkteam');

    await consultPage.reload();
    await consultPage.locator('#patient-banner[data-patient-id="P-1001"]').waitFor();
    await consult.typeCode('N01');
    await consult.sidebar.getByText('Aanleiding: N01 Hoofdpijn').waitFor({ timeout: 5_000 });
    await shoot(consultPage, 'admin-3-melding-op-het-ehr');

    // Not on any other page, however much it looks like an EHR.
    const lookalike = await startLookalikePage();
    try {
      const other = await env.browser.context.newPage();
      await other.goto(lookalike.url);
      await other.waitForTimeout(800);
      expect(await other.locator('vroegsignaal-sidebar').count()).toBe(0);
      await other.close();
    } finally {
      await lookalike.close();
    }

    // Removing the adapter takes the registration and the browser's access away.
    const adapterCard = adapters.locator('article').filter({ hasText: 'Demo-HIS' });
    await adapterCard.getByRole('button', { name: 'Verwijderen' }).click();
    await options.getByRole('status').filter({ hasText: /verwijderd/i }).waitFor();
    await expect.poll(registeredMatches, { timeout: 10_000 }).toEqual([]);
    await consultPage.reload();
    await consultPage.locator('#patient-banner[data-patient-id="P-1001"]').waitFor();
    await consult.typeCode('N01');
    await consultPage.waitForTimeout(800);
    expect(await sidebarText(consultPage)).toBe('');
    await consultPage.close();
    await options.close();
  });

  it('imports a rule set and sees it take effect; a broken one is refused with its message and the old one keeps working', async () => {
    await (await importConfiguration(env.browser, env.configuration)).close();
    await waitUntilWatched(env.browser, env.ehrUrl);
    const options = await env.browser.openOptions();

    const practiceSet = structuredClone(geldzorgen) as Record<string, any>;
    practiceSet.version = '1.1.0';
    practiceSet.triggers.terms.push({ term: 'incasso', locale: 'nl' });
    await options.getByLabel('Regelset importeren (JSON)').setInputFiles({ name: 'geldzorgen-praktijk.rules.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(practiceSet)) });
    await options.getByRole('status').filter({ hasText: /opgeslagen/i }).waitFor();

    const page = await env.browser.context.newPage();
    const consult = new ConsultPage(page);
    await consult.open(env.ehrUrl, 'P-1002');
    await consult.writeSubjective('Brief van een incasso-bureau gekregen, maakt zich zorgen. Ook incasso genoemd.');
    await consult.sidebar.getByText('Aanleiding: ‘incasso’ in de consulttekst').waitFor({ timeout: 5_000 });

    const broken = structuredClone(practiceSet);
    broken.version = '1.2.0';
    broken.triggers.codes[3].code = 'N1';
    broken.triggers.terms.push({ term: 'beslaglegging', locale: 'nl' });
    await options.getByLabel('Regelset importeren (JSON)').setInputFiles({ name: 'kapot.rules.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
    const alert = options.getByRole('alert').filter({ hasText: 'triggers.codes[3].code' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('"N1" is not an ICPC-1 code');
    await options.getByText(/De regelset is niet opgeslagen; de vorige blijft actief/).waitFor();
    await shoot(options, 'admin-4-kapotte-regelset-geweigerd');

    await consult.switchTo('P-1003');
    await consult.writeSubjective('Beslaglegging op loon.');
    await page.waitForTimeout(800);
    expect(await sidebarText(page)).not.toContain('Aanleiding');
    await consult.writeSubjective('Incasso loopt nog.');
    await consult.sidebar.getByText('Aanleiding: ‘incasso’ in de consulttekst').waitFor({ timeout: 5_000 });
    await page.close();
    await options.close();
  });

  it('builds an adapter with the builder on a differently built EHR: codes as tags, names without codes, late rendering', async () => {
    const otherEhr = await startOtherEhr();
    try {
      // The social team this practice sends to (also when this test runs on its own).
      const { format, version, endpoints } = env.configuration;
      await (await importConfiguration(env.browser, { format, version, endpoints }, 'wijkteam.config.json')).close();
      const options = await env.browser.openOptions();
      const adapters = options.locator('#adapters');
      await adapters.getByLabel('Naam van de koppeling').fill('Zorgportaal');
      await adapters.getByLabel('Adres van het EHR').fill(otherEhr.url);
      await adapters.getByLabel('Pad begint met').fill('/app/patients/');
      await adapters.getByRole('radio', { name: 'Zelf aanwijzen met de bouwer' }).check();
      await acceptPermissionPrompt(env.display, () => adapters.getByRole('button', { name: 'Toevoegen en toegang geven' }).click());

      const [noor, bram] = OTHER_EHR_PATIENTS;
      const ehr = await env.browser.context.newPage();
      await ehr.goto(`${otherEhr.url}${otherEhrChartPath(noor.uuid)}`);
      await ehr.locator(OTHER_EHR_SELECTORS.patientName).waitFor();

      await options.bringToFront();
      await adapters.getByRole('button', { name: 'Vernieuwen' }).click();
      await adapters.getByRole('button', { name: 'Aanwijzen op dit tabblad' }).first().click();

      await ehr.bringToFront();
      const teach = ehr.locator('vroegsignaal-teach');
      await teach.getByText('Klik op de naam van de patiënt.').waitFor();
      await ehr.locator(OTHER_EHR_SELECTORS.patientName).click();
      await ehr.locator(OTHER_EHR_SELECTORS.patientIdentifier).click();
      await teach.getByRole('button', { name: 'Staat niet op deze pagina' }).click();
      await ehr.locator(OTHER_EHR_SELECTORS.visitDiagnoses).click();
      await ehr.locator(OTHER_EHR_SELECTORS.visitNote).click();
      await shoot(ehr, 'admin-5-bouwer-wijst-aan');
      await teach.getByRole('button', { name: 'Voorstel naar de instellingen' }).click();
      await teach.getByText(/Voorstel verstuurd/).waitFor();

      await options.bringToFront();
      const editor = options.getByLabel('Koppeling (JSON)');
      await expect.poll(async () => (await editor.inputValue()).includes('visit-diagnoses'), { timeout: 10_000 }).toBe(true);
      const adapter = JSON.parse(await editor.inputValue()) as { patient: Record<string, string>; scan: { include: string[]; diagnoses: string[] } };
      expect(adapter.patient).toMatchObject({ name: '[data-testid="patient-name"]' });
      expect(adapter.patient.keyFromUrl ?? adapter.patient.key).toBeTruthy();
      expect(JSON.stringify(adapter)).not.toMatch(/___|Noor|VS-900001/);
      const builder = adapters.getByRole('group', { name: /Bouwer voor/ });
      await builder.getByRole('button', { name: 'Test op open tabblad' }).click();
      await builder.getByText(`Patiënt: ${noor.name}`, { exact: false }).waitFor({ timeout: 10_000 });
      await shoot(options, 'admin-6-bouwer-voorstel-getest');
      await builder.getByRole('button', { name: 'Opslaan', exact: true }).click();
      await options.getByRole('status').filter({ hasText: /opgeslagen|toegevoegd/i }).waitFor();
      await waitUntilWatched(env.browser, otherEhr.url);

      // A single-page move to another patient; the chart renders late; a diagnosis name, not a code.
      // The GP works in the tab in front: a background tab's sidebar frame gets no pointer input.
      await ehr.bringToFront();
      await ehr.reload();
      await ehr.getByRole('link', { name: new RegExp(bram.name) }).click();
      await ehr.locator(OTHER_EHR_SELECTORS.patientName, { hasText: bram.name }).waitFor();
      await ehr.locator(OTHER_EHR_SELECTORS.addDiagnosisInput).fill('Hoofdpijn');
      await ehr.getByRole('button', { name: 'Toevoegen' }).click();
      const consult = new ConsultPage(ehr);
      await consult.waitForSidebarFrame();
      await consult.sidebar.getByText('Aanleiding: ‘hoofdpijn’ (N01 Hoofdpijn)').waitFor({ timeout: 5_000 });
      await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
      await consult.goToConsent();
      // This EHR shows no phone number: the consent step asks for one.
      await consult.sidebar.getByText(/Het telefoonnummer staat niet op deze pagina/).waitFor();
      await consult.fillConsent({ phone: '06-99990042' });
      await consult.tickConsent();
      await consult.sendButton.click();
      await consult.status.getByText(/Afgeleverd bij Sociaal wijkteam \(demo\)/).waitFor({ timeout: 15_000 });
      expect((await env.referrals()).filter((r) => r.patientName === bram.name)).toMatchObject([{ patientPhone: '+31699990042', timesReceived: 1 }]);

      // A code typed in a tag, in lower case, in the shadow-root list.
      await ehr.getByRole('link', { name: new RegExp(OTHER_EHR_PATIENTS[2].name) }).click();
      await ehr.locator(OTHER_EHR_SELECTORS.patientName, { hasText: OTHER_EHR_PATIENTS[2].name }).waitFor();
      await ehr.locator(OTHER_EHR_SELECTORS.addDiagnosisInput).fill('p06');
      await ehr.getByRole('button', { name: 'Toevoegen' }).click();
      await consult.sidebar.getByText('Aanleiding: P06 Slaapstoornis').waitFor({ timeout: 5_000 });

      // Outside the adapter's pages the content script stays idle.
      await ehr.getByRole('link', { name: 'Startpagina' }).click();
      await ehr.waitForTimeout(800);
      expect(await sidebarText(ehr)).not.toContain('Aanleiding');
      await ehr.close();
      await options.close();
    } finally {
      await otherEhr.close();
    }
  });

  it('asks each question once when two rule sets fire together, and sends one referral per positive rule set', async () => {
    // The loneliness example, switched on, looking at the consult only (its recurrence reads dated history,
    // which would make this test depend on today's date).
    const { recurrence: _recurrence, ...loneliness } = { ...structuredClone(eenzaamheid), lookIn: 'consult' };
    await (await importConfiguration(env.browser, { ...env.configuration, ruleSets: [loneliness], disabledRuleSets: [] })).close();
    await waitUntilWatched(env.browser, env.ehrUrl);

    const page = await env.browser.context.newPage();
    const consult = new ConsultPage(page);
    await consult.open(env.ehrUrl, 'P-1005');
    await consult.typeCode('P06');
    await consult.sidebar.getByText(/Meerdere signalen tegelijk/).waitFor({ timeout: 5_000 });
    expect(await consult.sidebar.getByRole('group').count()).toBe(6);
    await consult.answer(/Vindt u het moeilijk om elke maand rond te komen/, 'Ja');
    await consult.answer(/Voelt u zich vaak alleen/, 'Ja');
    await consult.answer(/Mist u mensen met wie u kunt praten/, 'Ja');
    await consult.sidebar.getByText(/Positief voor .*Geldzorgen.*Eenzaamheid/).waitFor();
    await consult.goToConsent();
    await consult.tickConsent();
    await consult.sendButton.click();
    await expect.poll(async () => consult.status.filter({ hasText: /Afgeleverd/ }).count(), { timeout: 15_000 }).toBe(2);
    const received = (await env.referrals()).filter((referral) => referral.patientName === 'Tess Verzinsel');
    expect(received.map((referral) => referral.answers.map((answer) => answer.linkId)).sort()).toEqual([
      ['make-ends-meet', 'sleep-money-worries', 'unopened-mail'],
      ['often-alone', 'misses-people', 'wants-more-contact'],
    ]);
    await page.close();
  });

  it('shows settings pushed by browser policy as locked, and reports an invalid policy value while ignoring it', async () => {
    // Chromium derives an unpacked extension's id from its folder's path; policy names the id.
    const extensionId = createHash('sha256').update(CHROME_EXTENSION_DIR).digest('hex').slice(0, 32).replace(/./g, (c) => 'abcdefghijklmnop'[parseInt(c, 16)]!);
    expect(extensionId).toBe(env.browser.extensionId);
    const regional = { ...structuredClone(eenzaamheid), id: 'regio-eenzaamheid', name: { nl: 'Eenzaamheid (regio Heuvelland)', en: 'Loneliness (Heuvelland region)' } };
    const policy = policyFor({ ruleSets: [regional], practice: { name: 'Huisartsenpraktijk Beleid (regio)' } }, extensionId, 'chromium') as { '3rdparty': { extensions: Record<string, Record<string, string>> } };
    policy['3rdparty'].extensions[extensionId]!.adapters = '[{"id": "kapot"';
    const file = resolve(POLICY_DIR, `vroegsignaal-e2e-${process.pid}.json`);
    try {
      await mkdir(POLICY_DIR, { recursive: true });
      await writeFile(file, JSON.stringify(policy));
    } catch (error) {
      throw new Error(`this test writes a Chromium policy file to ${POLICY_DIR}, which needs root (the README's test command runs as root): ${String(error)}`);
    }
    const browser = await launchWithExtension();
    try {
      const options = await browser.openOptions();
      const ruleSetCard = options.locator('#rule-sets article').filter({ hasText: 'Eenzaamheid (regio Heuvelland)' });
      await ruleSetCard.getByText('Vergrendeld door beleid').waitFor({ timeout: 10_000 });
      expect(await ruleSetCard.getByRole('checkbox', { name: 'Regelset Eenzaamheid (regio Heuvelland) aan' }).isDisabled()).toBe(true);
      expect(await ruleSetCard.getByRole('checkbox', { name: 'Regelset Eenzaamheid (regio Heuvelland) aan' }).isChecked()).toBe(true);
      expect(await ruleSetCard.getByRole('button', { name: 'Verwijderen' }).count()).toBe(0);
      expect(await options.getByLabel('Naam van de praktijk').inputValue()).toBe('Huisartsenpraktijk Beleid (regio)');
      expect(await options.getByLabel('Naam van de praktijk').isDisabled()).toBe(true);
      const notices = options.getByRole('alert').filter({ hasText: 'Meldingen' });
      expect(await notices.textContent()).toMatch(/beleid · adapters: is not valid JSON/);
      // The invalid value is ignored whole: no adapter came from policy.
      expect(await options.locator('#adapters article').count()).toBe(0);
      await shoot(options, 'admin-7-beleid-vergrendeld');
      await options.close();
    } finally {
      await browser.close();
      await rm(file, { force: true });
    }
  });
});
