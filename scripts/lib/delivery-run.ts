/**
 * The delivery fault run behind `npm run bench:delivery` and its smaller CI form: many referrals
 * from the built extension in Chromium, through a fault-injecting proxy in front of the reference
 * receiver, with the service worker stopped mid-send and the browser restarted with a queued outbox.
 * The verdict comes from the receiver's database, not from the extension: every synthetic patient
 * must be stored exactly once.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startDemoEhr } from '../../demo-ehr/server';
import { startReceiver } from '../../receiver/server';
import type { ReferralRequest, RequestMessage } from '../../extension/shared/messages';
import { launchWithExtension, type ExtensionBrowser } from './browser';
import { ConsultPage } from './consult';
import { demoPracticeConfiguration, demoReceiverProvision } from './demo-configuration';
import { startFaultProxy, type FaultPlan, type FaultProxy } from './fault-proxy';
import { importConfiguration, waitUntilWatched } from './practice-setup';
import { startVirtualDisplay } from './virtual-display';

export interface DeliveryRunOptions {
  /** Referrals sent while faults are injected. */
  referrals: number;
  /** Referrals queued while the receiver refuses connections, then carried over a browser restart. */
  restartReferrals: number;
  /** Times the service worker is stopped (DevTools protocol) while an attempt is in flight. */
  workerStops: number;
  /** How long faults are injected after the first referral, before the proxy calms down. */
  faultWindowMs: number;
  seed: number;
  /** Give up waiting for delivery after this long (the run then reports what is lost). */
  timeoutMs: number;
  log: (line: string) => void;
}

export interface DeliveryRunResult {
  sent: number;
  deliveredExactlyOnce: number;
  lost: number;
  duplicated: number;
  /** Repeats the receiver absorbed (a lost response, then the same referral again). */
  repeatsAbsorbed: number;
  faults: FaultProxy['counts'];
  workerStops: number;
  browserRestarts: number;
  durationMs: number;
  /** From the first referral to the last one stored. */
  deliveryMs: number;
}

const BENCH_NAME = 'Proefpatiënt Belasting';
const RULE_SET_ID = 'vroegsignaal-geldzorgen';

/** The referral of synthetic patient number `n`: a unique name, so a duplicate would show. */
function referralMessage(n: number): RequestMessage {
  const referral: ReferralRequest = {
    patient: { name: `${BENCH_NAME} ${String(n).padStart(4, '0')}`, phone: `06-9999${String(n).padStart(4, '0')}` },
    answers: { 'make-ends-meet': 'yes', 'sleep-money-worries': 'no', 'unopened-mail': 'not-asked' },
    callMoment: 'no-preference',
    lifeDomains: ['daily-functioning'],
    note: '',
    consentGiven: true,
    locale: 'nl',
    practitioner: { name: 'dr. E. Denkbeeld', agb: '01999001' },
    trigger: { kind: 'code', baseCode: 'N01' },
  };
  return { type: 'referral/submit', adapterId: 'demo-his', patientKey: `BELASTING-${n}`, ruleSetIds: [RULE_SET_ID], referral };
}

/**
 * Hands referrals to the background the way the sidebar does, from the sidebar's own frame (the
 * only sender the background takes them from). The consent UI itself is covered by the e2e tests;
 * here it would only make 200 referrals take half an hour.
 */
async function submit(frame: Frame, messages: RequestMessage[]): Promise<number> {
  const answers = await frame.evaluate(async (batch) => {
    const runtime = (globalThis as unknown as { chrome: { runtime: { sendMessage(message: unknown): Promise<{ ok: boolean; error?: { message: string } }> } } }).chrome.runtime;
    const out: Array<{ ok: boolean; error?: { message: string } }> = [];
    for (const message of batch) out.push(await runtime.sendMessage(message));
    return out;
  }, messages);
  const refused = answers.filter((answer) => !answer.ok);
  if (refused.length > 0) throw new Error(`the background refused ${refused.length} referrals: ${refused[0]?.error?.message}`);
  return answers.length;
}

async function openConsult(browser: ExtensionBrowser, ehrUrl: string): Promise<{ page: Page; frame: Frame }> {
  const page = await browser.context.newPage();
  const consult = new ConsultPage(page);
  await consult.open(ehrUrl, 'P-1004');
  return { page, frame: await consult.waitForSidebarFrame() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the fault run and reports what the receiver's database holds. */
export async function runDeliveryFaultRun(options: DeliveryRunOptions): Promise<DeliveryRunResult> {
  const started = Date.now();
  const { log } = options;
  const display = await startVirtualDisplay();
  const ehr = await startDemoEhr({ port: 0 });
  const receiverDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-delivery-receiver-'));
  const receiver = await startReceiver({ port: 0, dataDir: receiverDir, log: () => {}, provision: demoReceiverProvision() });
  const plan: FaultPlan = {
    seed: options.seed,
    rates: { 'status-500': 0.08, 'status-503': 0.05, 'status-429': 0.06, hang: 0.02, 'lose-response': 0.08 },
    retryAfterSeconds: 7,
    first: ['status-500', 'status-503', 'status-429', 'hang', 'lose-response'],
    burst: { everyMs: 20_000, lengthMs: 3_000 },
  };
  const proxy = await startFaultProxy(receiver.url, plan);
  const userDataDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-delivery-profile-'));
  let browser = await launchWithExtension({ display: display.display, userDataDir });
  let workerStops = 0;
  try {
    const optionsPage = await importConfiguration(browser, demoPracticeConfiguration({ ehr: ehr.url, receiver: proxy.url }));
    await waitUntilWatched(browser, ehr.url);
    const { frame } = await openConsult(browser, ehr.url);

    // Phase 1: referrals in batches while every kind of fault is injected.
    const firstAt = Date.now();
    let sent = 0;
    const batch = Math.max(1, Math.ceil(options.referrals / 20));
    let refusedOnce = false;
    while (sent < options.referrals) {
      if (!refusedOnce && sent >= options.referrals / 2) {
        // The receiver's port closed for a moment: connections refused.
        refusedOnce = true;
        await proxy.refuse(3_000);
      }
      const count = Math.min(batch, options.referrals - sent);
      sent += await submit(frame, Array.from({ length: count }, (_, i) => referralMessage(sent + i + 1)));
      await sleep(Math.min(1_000, options.faultWindowMs / 25));
    }
    log(`${sent} referrals queued in ${((Date.now() - firstAt) / 1000).toFixed(1)} s`);

    // Phase 2: stop the service worker while the receiver is working on one of its requests.
    const cdp = await browser.context.newCDPSession(optionsPage);
    await cdp.send('ServiceWorker.enable');
    for (let stop = 0; stop < options.workerStops; stop++) {
      // The receiver has committed the referral; the worker is stopped before the answer reaches it.
      if (await proxy.holdNextAnswer(30_000)) {
        await cdp.send('ServiceWorker.stopAllWorkers');
        proxy.release();
        workerStops++;
        log('service worker stopped while the receiver held a committed referral for it');
      }
      await sleep(Math.max(1_000, options.faultWindowMs / (options.workerStops + 1)));
    }
    const calmAt = firstAt + options.faultWindowMs;
    if (Date.now() < calmAt) await sleep(calmAt - Date.now());
    proxy.calm();
    log(`faults stopped after ${((Date.now() - firstAt) / 1000).toFixed(1)} s: ${JSON.stringify(proxy.counts)}`);

    // Phase 3: the receiver goes away, more referrals queue up, the browser closes and comes back.
    let browserRestarts = 0;
    if (options.restartReferrals > 0) {
      await proxy.refuse();
      sent += await submit(frame, Array.from({ length: options.restartReferrals }, (_, i) => referralMessage(sent + i + 1)));
      await sleep(2_000);
      await browser.close();
      await proxy.accept();
      browser = await launchWithExtension({ display: display.display, userDataDir });
      browserRestarts++;
      log(`browser restarted with ${options.restartReferrals} referrals queued`);
    }

    // Wait for the receiver to hold every patient (or for the time limit).
    const expected = new Set(Array.from({ length: sent }, (_, i) => `${BENCH_NAME} ${String(i + 1).padStart(4, '0')}`));
    const deadline = started + options.timeoutMs;
    let lastStoredAt = Date.now();
    let stored = 0;
    const benchRows = async () => (await receiver.referrals()).flatMap((row) => (row.patientName !== null && expected.has(row.patientName) ? [{ ...row, patientName: row.patientName }] : []));
    for (;;) {
      const rows = await benchRows();
      if (rows.length !== stored) lastStoredAt = Date.now();
      stored = rows.length;
      if (new Set(rows.map((row) => row.patientName)).size >= expected.size || Date.now() > deadline) break;
      await sleep(1_000);
    }
    const rows = await benchRows();
    const perPatient = new Map<string, number>();
    for (const row of rows) perPatient.set(row.patientName, (perPatient.get(row.patientName) ?? 0) + 1);
    const result: DeliveryRunResult = {
      sent,
      deliveredExactlyOnce: [...perPatient.values()].filter((count) => count === 1).length,
      lost: [...expected].filter((name) => !perPatient.has(name)).length,
      duplicated: [...perPatient.values()].filter((count) => count > 1).length,
      repeatsAbsorbed: rows.reduce((sum, row) => sum + row.timesReceived - 1, 0),
      faults: { ...proxy.counts },
      workerStops,
      browserRestarts,
      durationMs: Date.now() - started,
      deliveryMs: lastStoredAt - firstAt,
    };
    return result;
  } finally {
    await browser.close().catch(() => {});
    await proxy.close();
    await receiver.close();
    await ehr.close();
    await display.close();
    await rm(userDataDir, { recursive: true, force: true });
    await rm(receiverDir, { recursive: true, force: true });
  }
}

/** The verdict line the issue asks for, with the real counts. */
export function deliveryVerdict(result: DeliveryRunResult): string {
  return `delivery: ${result.sent} sent, ${result.deliveredExactlyOnce} delivered exactly once, ${result.lost} lost, ${result.duplicated} duplicated`;
}
