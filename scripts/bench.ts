/**
 * The performance benchmark: the demo HIS in real Chromium, once with the production build of the
 * extension and once without it, in the same run, on the same pages. Prints a table and writes
 * `.bench-output/bench.json`. Timings belong here; CI checks only what holds on a shared machine
 * (tests/budget/).
 *
 *   npm run bench                         # about 4 minutes on 2 cores
 *   npm run bench -- --reps 15 --soak-minutes 10
 *   npm run bench -- --soak-only --soak-minutes 10
 *
 * Figures: the extension's own main-thread time in the EHR page (CPU profiler, attributed by script URL)
 * and its share of the page's, long tasks, keystroke-to-prompt latency (ms and frames), the layout work
 * showing the prompt causes in the EHR's document, cost per storm render across page sizes, a naive
 * detector for comparison, JS heap over a soak with patient switches, and bundle sizes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startDemoEhr } from '../demo-ehr/server';
import { startReceiver } from '../receiver/server';
import {
  FRAME_MS,
  NAIVE_DETECTOR_SCRIPT,
  PAGE_PROBE_SCRIPT,
  promptFrames,
  readProbe,
  SIDEBAR_PROBE_SCRIPT,
  type SidebarProbe,
  rendererMetrics,
  resetProbe,
  startProfiling,
  summary,
  type TimeSplit,
} from './lib/bench-measure';
import { CHROMIUM_PATH, launchPlainChromium, launchWithExtension } from './lib/browser';
import { buildWithReport, builtFiles, scriptContributions, type Contribution } from './lib/bundle-report';
import { ConsultPage, sidebarFrame } from './lib/consult';
import { demoPracticeConfiguration, demoReceiverProvision } from './lib/demo-configuration';
import { importConfiguration, waitUntilWatched } from './lib/practice-setup';
import { startVirtualDisplay } from './lib/virtual-display';

const ROOT = resolve(import.meta.dirname, '..');
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const REPS = argument('reps', 7);
/** How often each storm and typing scenario runs (each takes its storm's length). */
const LOAD_REPS = argument('load-reps', 3);
const STORM_MS = argument('storm-ms', 10_000);
const SOAK_MINUTES = argument('soak-minutes', 0);
/** `--soak-only`: just the soak (with `--soak-minutes`), for a long run on its own. */
const SOAK_ONLY = process.argv.includes('--soak-only');
/** Journal sizes that make the demo consult page about 1k, 10k and 50k nodes (see demo-ehr/public/app.js). */
const SCALES = [
  { label: '1k', journal: Number(process.env.BENCH_JOURNAL_1K ?? 20) },
  { label: '10k', journal: Number(process.env.BENCH_JOURNAL_10K ?? 1000) },
  { label: '50k', journal: Number(process.env.BENCH_JOURNAL_50K ?? 5200) },
];
const HEAVY = SCALES[2]!.journal;
/** Patients whose consult opens without a prompt and whose history is short enough to vary only by `journal`. */
const PATIENT = 'P-1001';

type Variant = 'with' | 'without';

interface LatencyResult {
  page: string;
  variant: Variant;
  /** Keystroke to the start of its own frame. */
  keyToFrameMs: number[];
  /** With the extension: from the keystroke's frame to the frame that shows the prompt. */
  promptMs: number[];
  promptFrames: number[];
  /** Keystroke to the prompt's layout (the host's size changing). */
  promptDomMs: number[];
  layoutMs: number[];
  layoutCount: number[];
  styleMs: number[];
}

interface LoadResult {
  scenario: string;
  variant: Variant | 'naive';
  split: TimeSplit;
  longTasks: number;
  renders: number;
  nodes: number;
}

async function openConsult(context: BrowserContext, query: string, variant: Variant, init: string[] = []): Promise<Page> {
  const page = await context.newPage();
  for (const script of init) await page.addInitScript(script);
  await new ConsultPage(page).open(ehrUrl, PATIENT, { query, watched: variant === 'with' });
  await page.waitForTimeout(500);
  return page;
}

async function latency(context: BrowserContext, variant: Variant, query: string, label: string): Promise<LatencyResult> {
  const result: LatencyResult = { page: label, variant, keyToFrameMs: [], promptMs: [], promptFrames: [], promptDomMs: [], layoutMs: [], layoutCount: [], styleMs: [] };
  for (let rep = 0; rep < REPS; rep++) {
    const page = await openConsult(context, query, variant, [PAGE_PROBE_SCRIPT]);
    const cdp = await context.newCDPSession(page);
    const field = page.locator('#soep-e-code');
    await field.click();
    await field.pressSequentially('N0', { delay: 120 });
    await page.waitForTimeout(400);
    const sidebar = variant === 'with' ? sidebarFrame(page) : undefined;
    if (sidebar) await sidebar.evaluate(SIDEBAR_PROBE_SCRIPT);
    const before = await rendererMetrics(cdp);
    await resetProbe(page);
    await page.keyboard.press('1');
    if (sidebar) {
      await sidebar.waitForFunction(() => (window as unknown as { __benchProbe: SidebarProbe }).__benchProbe.promptAt !== null, null, { timeout: 3_000 });
    }
    // Within the pause before the panel opens by itself: only what the keystroke and the prompt cost.
    await page.waitForTimeout(300);
    const after = await rendererMetrics(cdp);
    const probe = await readProbe(page);
    const key = probe.keys.at(-1)!;
    const keyFrame = probe.frames.find((time) => time >= key);
    if (keyFrame !== undefined) result.keyToFrameMs.push(keyFrame - key);
    if (sidebar) {
      const prompt = promptFrames(probe, await sidebar.evaluate(() => structuredClone((window as unknown as { __benchProbe: SidebarProbe }).__benchProbe)));
      if (prompt) {
        result.promptMs.push(prompt.ms);
        result.promptFrames.push(prompt.frames);
        result.promptDomMs.push(prompt.domMs);
      }
    }
    result.layoutMs.push(((after.LayoutDuration ?? 0) - (before.LayoutDuration ?? 0)) * 1000);
    result.layoutCount.push((after.LayoutCount ?? 0) - (before.LayoutCount ?? 0));
    result.styleMs.push(((after.RecalcStyleDuration ?? 0) - (before.RecalcStyleDuration ?? 0)) * 1000);
    await page.close();
  }
  return result;
}

async function load(context: BrowserContext, variant: Variant | 'naive', scenario: string, query: string, init: string[] = []): Promise<LoadResult> {
  const page = await openConsult(context, query, variant === 'with' ? 'with' : 'without', [PAGE_PROBE_SCRIPT, ...init]);
  const cdp = await context.newCDPSession(page);
  // From a page already loaded (and, with the extension, scanned once) to the end of the storm.
  const rendersBefore = await page.evaluate(() => (window as unknown as { __demoLoad?: { stormRenders: number } }).__demoLoad?.stormRenders ?? 0);
  await resetProbe(page);
  const stop = await startProfiling(cdp);
  await page.waitForFunction(() => document.documentElement.dataset.storm === 'done', null, { timeout: STORM_MS + 30_000 });
  const split = await stop();
  const probe = await readProbe(page);
  const { renders, nodes } = await page.evaluate(() => {
    const demo = (window as unknown as { __demoLoad?: { nodes(): number; stormRenders: number } }).__demoLoad;
    return { renders: demo?.stormRenders ?? 0, nodes: demo?.nodes() ?? document.getElementsByTagName('*').length };
  });
  await page.close();
  return { scenario, variant, split, longTasks: probe.longTasks, renders: renders - rendersBefore, nodes };
}

async function typing(context: BrowserContext, variant: Variant): Promise<LoadResult> {
  const page = await openConsult(context, `?journal=${HEAVY}`, variant, [PAGE_PROBE_SCRIPT]);
  const cdp = await context.newCDPSession(page);
  await page.locator('#soep-s').click();
  await resetProbe(page);
  const stop = await startProfiling(cdp);
  // About eight characters a second, as a GP types a consult note.
  await page.keyboard.type('Al weken hoofdpijn en slecht slapen, veel spanning thuis. Werk is onzeker, ', { delay: 125 });
  const split = await stop();
  const probe = await readProbe(page);
  await page.close();
  return { scenario: 'typing in S at 8 chars/s', variant, split, longTasks: probe.longTasks, renders: 0, nodes: 0 };
}

async function soak(context: BrowserContext, variant: Variant): Promise<{ variant: Variant; heapMb: number[] }> {
  const page = await openConsult(context, '', variant);
  const cdp = await context.newCDPSession(page);
  const heapMb: number[] = [];
  const patients = ['P-1001', 'P-1002', 'P-1003', 'P-1004', 'P-1006', 'P-1007', 'P-1008'];
  const end = Date.now() + SOAK_MINUTES * 60_000;
  let step = 0;
  while (Date.now() < end) {
    const id = patients[step++ % patients.length]!;
    await page.locator(`#patient-list [data-patient-id="${id}"]`).click();
    await page.locator(`#patient-banner[data-patient-id="${id}"]`).waitFor();
    await page.locator('#soep-e-code').fill(step % 2 ? 'N01' : 'R74');
    await page.waitForTimeout(1_500);
    if (step % 20 === 0) {
      await cdp.send('HeapProfiler.collectGarbage');
      const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
      heapMb.push(usedSize / 1024 / 1024);
    }
  }
  await page.close();
  return { variant, heapMb };
}

let ehrUrl = '';

async function main(): Promise<void> {
  buildWithReport();
  const display = await startVirtualDisplay();
  const ehr = await startDemoEhr({ port: 0 });
  const receiver = await startReceiver({ port: 0, dataDir: 'memory://', log: () => {}, provision: demoReceiverProvision() });
  ehrUrl = ehr.url;
  const latencies: LatencyResult[] = [];
  const loads: LoadResult[] = [];
  const soaks: Array<{ variant: Variant; heapMb: number[] }> = [];

  async function runAll(context: BrowserContext, variant: Variant): Promise<void> {
    console.log(`… ${variant} the extension`);
    if (SOAK_ONLY) {
      soaks.push(await soak(context, variant));
      return;
    }
    latencies.push(await latency(context, variant, `?journal=${HEAVY}`, `heavy consult (journal ${HEAVY})`));
    latencies.push(await latency(context, variant, '', 'normal consult'));
    for (let rep = 0; rep < LOAD_REPS; rep++) {
      loads.push(await load(context, variant, `storm inside and outside, ${HEAVY}`, `?journal=${HEAVY}&storm=both&stormMs=${STORM_MS}`));
      for (const scale of SCALES) loads.push(await load(context, variant, `storm outside, ${scale.label}`, `?journal=${scale.journal}&storm=outside&stormMs=${STORM_MS}`));
      loads.push(await typing(context, variant));
    }
    if (SOAK_MINUTES > 0) soaks.push(await soak(context, variant));
  }

  try {
    const withExtension = await launchWithExtension({ display: display.display });
    await (await importConfiguration(withExtension, demoPracticeConfiguration({ ehr: ehr.url, receiver: receiver.url }))).close();
    await waitUntilWatched(withExtension, ehr.url);
    await runAll(withExtension.context, 'with');
    await withExtension.close();

    const plain = await launchPlainChromium({ display: display.display });
    await runAll(plain.context, 'without');
    if (!SOAK_ONLY) console.log('… a naive detector');
    for (let rep = 0; rep < (SOAK_ONLY ? 0 : LOAD_REPS); rep++) {
      loads.push(await load(plain.context, 'naive', `storm inside and outside, ${HEAVY}`, `?journal=${HEAVY}&storm=both&stormMs=${STORM_MS}`, [NAIVE_DETECTOR_SCRIPT]));
    }
    await plain.close();
  } finally {
    await receiver.close();
    await ehr.close();
    await display.close();
  }

  const files = builtFiles(resolve(ROOT, '.output/chrome-mv3'));
  const contributions = scriptContributions(resolve(ROOT, '.output/bundle-report/chrome-mv3'));
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim()}`;
  const report = { date: new Date().toISOString(), machine, reps: REPS, loadReps: LOAD_REPS, stormMs: STORM_MS, soakMinutes: SOAK_MINUTES, latencies, loads, soaks, files, contributions };
  mkdirSync(resolve(ROOT, '.bench-output'), { recursive: true });
  writeFileSync(resolve(ROOT, '.bench-output/bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderTable(report));
  console.log('\nWritten to .bench-output/bench.json');
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
const range = (values: number[]) => {
  const s = summary(values);
  return values.length === 0 ? '—' : `${ms(s.median)} (p95 ${ms(s.p95)}, ${ms(s.min)}–${ms(s.max)})`;
};

/** Least-squares slope of the heap samples (MB per sample): a leak shows as a steady positive trend. */
export function heapTrend(samples: number[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = samples.reduce((sum, y) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  samples.forEach((y, x) => {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  });
  return numerator / denominator;
}

/** The README's table: one line a figure, with and without the extension side by side. */
export function renderTable(report: {
  machine: string;
  reps: number;
  latencies: LatencyResult[];
  loads: LoadResult[];
  soaks: Array<{ variant: Variant; heapMb: number[] }>;
  files: Array<{ file: string; raw: number; gzip: number }>;
  contributions: Record<string, Contribution[]>;
}): string {
  const rows: string[] = [`Machine: ${report.machine}; ${report.reps} repetitions, medians (p95, range).`, '', '| figure | with the extension | without | ratio |', '| --- | --- | --- | --- |'];
  for (const page of [...new Set(report.latencies.map((l) => l.page))]) {
    const withExt = report.latencies.find((l) => l.page === page && l.variant === 'with')!;
    const without = report.latencies.find((l) => l.page === page && l.variant === 'without')!;
    const frames = summary(withExt.promptFrames);
    rows.push(`| ${page}: keystroke to its own frame | ${range(withExt.keyToFrameMs)} | ${range(without.keyToFrameMs)} | |`);
    rows.push(`| ${page}: keystroke to the prompt in the sidebar's DOM | ${range(withExt.promptDomMs)} | — | |`);
    rows.push(`| ${page}: keystroke's frame to the first frame showing the prompt | ${range(withExt.promptMs)} = ${frames.median} frames (p95 ${frames.p95}) | — | |`);
    rows.push(`| ${page}: the EHR's layout time for the keystroke and the prompt | ${range(withExt.layoutMs)} (${summary(withExt.layoutCount).median} layouts) | ${range(without.layoutMs)} (${summary(without.layoutCount).median} layouts) | ${(summary(withExt.layoutMs).median / Math.max(0.01, summary(without.layoutMs).median)).toFixed(1)}× |`);
  }
  for (const scenario of [...new Set(report.loads.map((l) => l.scenario))]) {
    const runs = (variant: LoadResult['variant']) => report.loads.filter((l) => l.scenario === scenario && l.variant === variant);
    const withExt = runs('with');
    const without = runs('without');
    const naive = runs('naive');
    if (withExt.length === 0 || without.length === 0) continue;
    const median = (values: number[]) => summary(values).median;
    const spread = (values: number[]) => {
      const s = summary(values);
      return values.length > 1 ? ` (${s.min.toFixed(2)}–${s.max.toFixed(2)})` : '';
    };
    const shares = withExt.map((l) => (100 * l.split.extensionMs) / Math.max(1, l.split.busyMs));
    const ours = median(withExt.map((l) => l.split.extensionMs));
    rows.push(
      `| ${scenario}: main-thread time; the extension's own and its share | ${ms(median(withExt.map((l) => l.split.busyMs)))}; ${ms(ours)}, ${median(shares).toFixed(2)} %${spread(shares)} | ${ms(median(without.map((l) => l.split.busyMs)))} | |`,
    );
    rows.push(`| ${scenario}: long tasks > 50 ms; the extension's longest stretch | ${median(withExt.map((l) => l.longTasks))}; ${ms(Math.max(...withExt.map((l) => l.split.longestExtensionRunMs)))} | ${median(without.map((l) => l.longTasks))} | |`);
    if (withExt[0]!.renders > 0) {
      const perRender = withExt.map((l) => (1000 * l.split.extensionMs) / Math.max(1, l.renders));
      const micro = (value: number) => `${value.toFixed(0)} µs`;
      rows.push(`| ${scenario}: extension time per storm render (${withExt[0]!.nodes} nodes) | ${micro(median(perRender))} (${micro(summary(perRender).min)}–${micro(summary(perRender).max)}) | | |`);
    }
    if (naive.length > 0) rows.push(`| ${scenario}: naive detector's time | ${ms(median(naive.map((l) => l.split.naiveMs)))} | | ${(median(naive.map((l) => l.split.naiveMs)) / Math.max(0.01, ours)).toFixed(0)}× ours |`);
  }
  for (const soakResult of report.soaks) {
    rows.push(`| JS heap after GC over the soak, ${soakResult.variant} the extension | ${soakResult.heapMb.map((mb) => mb.toFixed(1)).join(' → ')} MB; trend ${heapTrend(soakResult.heapMb).toFixed(3)} MB per sample | | |`);
  }
  rows.push('', `One frame is ${FRAME_MS.toFixed(1)} ms.`, '', '| built file | raw | gzipped |', '| --- | ---: | ---: |');
  for (const file of report.files.filter((candidate) => /\.(js|css|html)$/.test(candidate.file))) {
    rows.push(`| ${file.file.replace(/-[\w-]{8}\./, '.')} | ${(file.raw / 1024).toFixed(1)} KB | ${(file.gzip / 1024).toFixed(1)} KB |`);
  }
  for (const [script, parts] of Object.entries(report.contributions).filter(([name]) => name.startsWith('content-scripts/ehr') || name.startsWith('chunks/sidebar'))) {
    const total = parts.reduce((sum, part) => sum + part.bytes, 0);
    rows.push('', `${script.replace(/-[\w-]{8}\./, '.')}, raw bytes by source: ${parts.map((part) => `${part.part} ${Math.round((100 * part.bytes) / total)} %`).join(', ')}`);
  }
  return rows.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
