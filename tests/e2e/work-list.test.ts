/**
 * The practice assistant's work list in real Chromium against the real receiver: a referral the
 * receiver refused is fixed (a new phone number) and resent from the side panel, and a referral the GP
 * left for the assistant (the phone still to be confirmed) is completed and sent. Both arrive.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredReferral } from '../../receiver/store';
import { ConsultPage } from '../../scripts/lib/consult';
import { importConfiguration } from '../../scripts/lib/practice-setup';
import { seriousAccessibilityViolations } from './axe';
import { startEnvironment, type Environment } from './environment';
import { referralRequest } from '../unit/helpers';

const SCREENSHOTS = resolve(import.meta.dirname, '../../.test-output/screenshots');
const RULE_SET_ID = 'vroegsignaal-geldzorgen';
/** The number the social team's system refuses (via the gatekeeper below): "not in service". */
const REFUSED_PHONE_E164 = '+31699990404';

let env: Environment;
let gatekeeper: { url: string; refused: number; close(): Promise<void> };
const pages: Page[] = [];

/**
 * A gateway in front of the receiver, as a region's shared FHIR server might have one: it refuses a
 * referral whose phone number is known not to be in service (400 with an OperationOutcome, as FHIR
 * servers answer) and passes everything else on unchanged.
 */
async function startGatekeeper(receiverUrl: string): Promise<typeof gatekeeper> {
  const target = new URL(receiverUrl);
  let refused = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (incoming.method === 'POST' && body.toString('utf8').includes(REFUSED_PHONE_E164)) {
        refused++;
        outgoing.writeHead(400, { 'Content-Type': 'application/fhir+json' });
        outgoing.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'business-rule', diagnostics: 'Telefoonnummer niet in gebruik' }] }));
        return;
      }
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: target.host } },
        (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      forward.on('error', () => {
        outgoing.writeHead(502);
        outgoing.end();
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    get refused() {
      return refused;
    },
    close: () =>
      new Promise((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  env = await startEnvironment();
  gatekeeper = await startGatekeeper(env.receiverUrl);
});
afterAll(async () => {
  await env?.close();
  await gatekeeper?.close();
});
afterEach(async () => {
  for (const page of pages.splice(0)) await page.close();
  // Whatever a test changed, the next starts from the demo practice (the receiver itself as endpoint).
  await (await importConfiguration(env.browser, env.configuration)).close();
});

async function newPage(): Promise<Page> {
  const page = await env.browser.context.newPage();
  pages.push(page);
  return page;
}

/** The side panel's page, opened in a tab (a test cannot click the toolbar button). */
async function openWorkList(): Promise<Page> {
  const page = await newPage();
  await page.setViewportSize({ width: 360, height: 800 });
  await page.goto(`chrome-extension://${env.browser.extensionId}/sidepanel.html`);
  await page.getByRole('heading', { name: 'Werklijst Vroegsignaal' }).waitFor();
  return page;
}

/** Sends protocol messages from a page of the extension or from the sidebar's frame, as they do. */
async function send(where: Page | Frame, message: unknown): Promise<{ ok: boolean; data?: unknown; error?: unknown }> {
  return where.evaluate(async (body) => {
    const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<{ ok: boolean; data?: unknown; error?: unknown }> } } }).chrome.runtime;
    return runtime.sendMessage(body);
  }, message);
}

/** Clicks "Vernieuwen" until the item with this name is listed, and returns its button. */
async function waitForItem(page: Page, name: string) {
  const item = page.locator('button[data-item]').filter({ hasText: name });
  const deadline = Date.now() + 20_000;
  while ((await item.count()) === 0) {
    if (Date.now() > deadline) throw new Error(`${name} did not appear in the work list`);
    await page.getByRole('button', { name: 'Vernieuwen' }).click();
    await page.waitForTimeout(250);
  }
  return item.first();
}

/** The toolbar button's global badge (the work list's unread count) and, for a tab, what that tab shows. */
async function badgeText(tabUrlPrefix?: string): Promise<{ global: string; tab: string | null }> {
  const worker = await env.browser.serviceWorker();
  return worker.evaluate(async (prefix) => {
    const { chrome } = globalThis as unknown as {
      chrome: { tabs: { query(q: object): Promise<Array<{ id: number }>> }; action: { getBadgeText(d: object): Promise<string> } };
    };
    const [tab] = prefix ? await chrome.tabs.query({ url: `${prefix}*` }) : [];
    return { global: await chrome.action.getBadgeText({}), tab: tab ? await chrome.action.getBadgeText({ tabId: tab.id }) : null };
  }, tabUrlPrefix);
}

async function arrived(name: string): Promise<StoredReferral> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = (await env.referrals()).find((referral) => referral.patientName === name);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`${name} never arrived at the receiver`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 200));
  }
}

/** Opens a consult and returns the sidebar's frame, the only sender referrals and drafts are taken from. */
async function consultFrame(patientId: string): Promise<Frame> {
  const consult = new ConsultPage(await newPage());
  await consult.open(env.ehrUrl, patientId);
  return consult.waitForSidebarFrame();
}

function referral(name: string, phone: string) {
  return referralRequest({
    patient: { name, phone },
    answers: { 'make-ends-meet': 'yes', 'sleep-money-worries': 'yes', 'unopened-mail': 'not-asked' },
    note: 'Graag na 14 uur bellen.',
  });
}

describe('the practice assistant’s work list', () => {
  it('a referral the receiver refused is fixed in the work list and resent, and arrives once, under its own id', async () => {
    // The administrator points the social team's endpoint at the gateway (same token), granting the
    // browser access to it as for any endpoint; the next test gets the receiver itself back.
    const endpoint = { ...env.configuration.endpoints[0]!, url: `${gatekeeper.url}/fhir` };
    pages.push(await importConfiguration(env.browser, { ...env.configuration, endpoints: [endpoint] }));
    const workList = await openWorkList();

    const frame = await consultFrame('P-1004');
    const name = 'Proefpatiënt Weigering';
    const submitted = await send(frame, { type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1004', ruleSetIds: [RULE_SET_ID], referral: referral(name, '06-99990404') });
    expect(submitted).toMatchObject({ ok: true });
    const referralId = (submitted.data as Array<{ referralId: string }>)[0]!.referralId;

    const item = await waitForItem(workList, name);
    expect(await item.textContent()).toContain('Aandacht nodig');
    expect(gatekeeper.refused).toBe(1);
    // One item not opened yet: the toolbar says so, on the EHR's tab too (no per-tab "UIT" there).
    await expect.poll(() => badgeText(`${env.ehrUrl}/patient/P-1004`), { timeout: 5_000 }).toEqual({ global: '1', tab: '1' });
    // Page health clears a tab's "UIT" with null (background.ts): the tab then shows the count again.
    const worker = await env.browser.serviceWorker();
    const cleared = await worker.evaluate(async (prefix) => {
      const { chrome } = globalThis as unknown as {
        chrome: { tabs: { query(q: object): Promise<Array<{ id: number }>> }; action: { getBadgeText(d: object): Promise<string>; setBadgeText(d: object): Promise<void> } };
      };
      const [tab] = await chrome.tabs.query({ url: `${prefix}*` });
      await chrome.action.setBadgeText({ tabId: tab!.id, text: 'UIT' });
      const off = await chrome.action.getBadgeText({ tabId: tab!.id });
      await chrome.action.setBadgeText({ tabId: tab!.id, text: null });
      return [off, await chrome.action.getBadgeText({ tabId: tab!.id })];
    }, `${env.ehrUrl}/patient/P-1004`);
    expect(cleared).toEqual(['UIT', '1']);
    await item.click();
    await workList.getByRole('heading', { level: 2, name }).waitFor();
    expect(await workList.getByRole('alert').textContent()).toContain('Telefoonnummer niet in gebruik');
    const phone = workList.getByLabel('Telefoonnummer voor het terugbellen');
    expect(await phone.inputValue()).toBe('06-99990404');
    await workList.screenshot({ path: resolve(SCREENSHOTS, 'work-list-1-refused.png'), fullPage: true });
    expect(await seriousAccessibilityViolations(workList)).toEqual([]);

    await expect.poll(async () => (await badgeText()).global, { timeout: 5_000 }).toBe('');
    await phone.fill('06-99990405');
    await workList.getByRole('button', { name: 'Opnieuw versturen' }).click();
    await workList.getByRole('status').getByText('In de wachtrij gezet; wordt verstuurd.').waitFor();

    const stored = await arrived(name);
    expect(stored).toMatchObject({ uuid: referralId, patientPhone: '+31699990405', timesReceived: 1, consentRecordedBy: expect.stringContaining('Denkbeeld') });
    expect(gatekeeper.refused).toBe(1);
    await expect.poll(async () => (await workList.locator('button[data-item]').filter({ hasText: name }).count()), { timeout: 10_000 }).toBe(0);
  });

  it('the assistant completes a referral the GP started, and it is delivered with the GP’s consent', async () => {
    const name = 'Tess Verzinsel';
    // The GP asks the questions and records consent, but the phone number must still be confirmed with
    // the patient: "Klaarzetten voor de assistent" in the sidebar.
    const consult = new ConsultPage(await newPage());
    await consult.open(env.ehrUrl, 'P-1005');
    await consult.typeCode('N01');
    await consult.screenPositiveAndConsent({ callMoment: 'Ochtend', note: 'Graag na 14 uur bellen.' });
    await consult.sidebar.getByRole('button', { name: 'Klaarzetten voor de assistent' }).click();
    await consult.sidebar.locator('[data-drafted]').waitFor({ timeout: 5_000 });
    expect(await env.referrals()).not.toContainEqual(expect.objectContaining({ patientName: name }));

    const workList = await openWorkList();
    const item = await waitForItem(workList, name);
    expect(await item.textContent()).toContain('Nog te versturen');
    // By keyboard: the list is one tab stop; the arrows walk it, Enter opens.
    await item.focus();
    await workList.keyboard.press('Enter');
    await workList.getByRole('heading', { level: 2, name }).waitFor();
    await workList.getByText('Wordt verstuurd namens dr. E. Denkbeeld, met de vastgelegde toestemming van de patiënt.').waitFor();
    await workList.getByLabel('Telefoonnummer voor het terugbellen').fill('06-99990406');
    await workList.screenshot({ path: resolve(SCREENSHOTS, 'work-list-2-draft.png'), fullPage: true });
    await workList.getByRole('button', { name: 'Versturen', exact: true }).click();
    await workList.getByRole('status').getByText('In de wachtrij gezet; wordt verstuurd.').waitFor();

    const stored = await arrived(name);
    expect(stored).toMatchObject({ patientPhone: '+31699990406', timesReceived: 1, callMoment: 'ochtend', consentRecordedBy: expect.stringContaining('Denkbeeld') });
    await expect.poll(async () => (await workList.locator('button[data-item]').filter({ hasText: name }).count()), { timeout: 10_000 }).toBe(0);
  });
});
