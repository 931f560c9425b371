import type { CDPSession, Page } from 'playwright-core';

// What the benchmark measures inside a page, through the DevTools protocol and a small script in the
// page's own world. Everything here works the same with and without the extension, so every figure
// can be a ratio against the same page without it.

/** Main-thread time of one profile, split by who spent it. */
export interface TimeSplit {
  /** Everything but idle: the page's, the extension's, the browser's own (GC, program). */
  busyMs: number;
  /** Functions of the extension's scripts (chrome-extension:// URLs). */
  extensionMs: number;
  /** Functions of the naive detector the benchmark injects as a comparison. */
  naiveMs: number;
  /** The longest unbroken stretch of samples with the extension's code on the stack (its longest task, near enough). */
  longestExtensionRunMs: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The source URL the naive detector's script carries, so the profiler can attribute its time. */
export const NAIVE_DETECTOR_URL = 'vroegsignaal-bench://naive-detector.js';

/**
 * A detector written the obvious way, for comparison: on every DOM mutation it reads the whole page's
 * text again and looks for the trigger codes. Injected into the page's own world.
 */
export const NAIVE_DETECTOR_SCRIPT = `(() => {
  const codes = /\\b(?:N0[1-9]|P0[1-9]|L0[1-3]|D01|A04)\\b/;
  let found = 0;
  new MutationObserver(() => { if (codes.test(document.body ? document.body.innerText : '')) found++; })
    .observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
})();
//# sourceURL=${NAIVE_DETECTOR_URL}`;

/** Starts the CPU profiler on a page; the returned function stops it and splits the time. */
export async function startProfiling(cdp: CDPSession): Promise<() => Promise<TimeSplit>> {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    return splitProfile(profile);
  };
}

/**
 * Attributes each sample's time to the function it landed in (self time), by script URL; and measures
 * the longest run of consecutive samples with the extension's code anywhere on the stack (what the
 * extension calls into, such as DOM methods, counts as its time there).
 */
export function splitProfile(profile: Profile): TimeSplit {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const ours = new Map<number, boolean>();
  const onOurStack = (id: number): boolean => {
    const known = ours.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const parent = parents.get(id);
    const result = Boolean(node?.callFrame.url.startsWith('chrome-extension://')) || (parent !== undefined && onOurStack(parent));
    ours.set(id, result);
    return result;
  };
  const split: TimeSplit = { busyMs: 0, extensionMs: 0, naiveMs: 0, longestExtensionRunMs: 0 };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let run = 0;
  for (let i = 0; i < samples.length; i++) {
    // A sample's delta is the time since the previous one: it belongs to the previous sample's function.
    const node = byId.get(samples[Math.max(0, i - 1)]!);
    const ms = (deltas[i] ?? 0) / 1000;
    run = node && onOurStack(node.id) ? run + ms : 0;
    split.longestExtensionRunMs = Math.max(split.longestExtensionRunMs, run);
    if (!node || node.callFrame.functionName === '(idle)') continue;
    split.busyMs += ms;
    if (node.callFrame.url.startsWith('chrome-extension://')) split.extensionMs += ms;
    else if (node.callFrame.url === NAIVE_DETECTOR_URL) split.naiveMs += ms;
  }
  return split;
}

/** Reads Chromium's own counters (layout and style work, script time), in ms and counts. */
export async function rendererMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  await cdp.send('Performance.enable');
  const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return Object.fromEntries(metrics.map((metric) => [metric.name, metric.value]));
}

/**
 * Installed in the page before its scripts: records frame start times, keystrokes and long tasks, in
 * the page's clock (with its time origin, to compare with the sidebar frame's).
 * Plain JavaScript text rather than a function, so that no transpiler helper leaks into the page.
 */
export const PAGE_PROBE_SCRIPT = `(() => {
  const probe = { origin: performance.timeOrigin, frames: [], keys: [], longTasks: 0, recording: false };
  window.__benchProbe = probe;
  const frame = (time) => {
    if (probe.recording) probe.frames.push(time);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  window.addEventListener('keydown', (event) => { if (probe.recording) probe.keys.push(event.timeStamp); }, true);
  try {
    new PerformanceObserver((list) => { probe.longTasks += list.getEntries().length; }).observe({ type: 'longtask', buffered: false });
  } catch (error) {
    // No long-task timing here: the count stays 0.
  }
})();`;

/**
 * Evaluated in the sidebar's frame (its own process and clock): records frame start times and when the
 * tab first shows a prompt, so the benchmark can put both on the wall clock next to the page's.
 */
export const SIDEBAR_PROBE_SCRIPT = `(() => {
  const probe = { origin: performance.timeOrigin, frames: [], promptAt: null };
  window.__benchProbe = probe;
  const frame = (time) => { probe.frames.push(time); if (probe.frames.length < 2000) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  const seen = () => { if (probe.promptAt === null && document.querySelector('.vs-tab-attention, .vs-panel')) probe.promptAt = performance.now(); };
  new MutationObserver(seen).observe(document, { subtree: true, childList: true, attributes: true });
  seen();
})();`;

export interface SidebarProbe {
  origin: number;
  frames: number[];
  promptAt: number | null;
}

export interface PageProbe {
  origin: number;
  frames: number[];
  keys: number[];
  longTasks: number;
  recording: boolean;
}

/** Starts recording frames and keystrokes afresh. */
export async function resetProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = (window as unknown as { __benchProbe: PageProbe }).__benchProbe;
    probe.frames = [];
    probe.keys = [];
    probe.longTasks = 0;
    probe.recording = true;
  });
}

export async function readProbe(page: Page): Promise<PageProbe> {
  return page.evaluate(() => structuredClone((window as unknown as { __benchProbe: PageProbe }).__benchProbe));
}

export const FRAME_MS = 1000 / 60;

/**
 * From the page's probe after one keystroke and the sidebar frame's: the start of the keystroke's own
 * frame and of the first frame that paints the prompt, on the wall clock, in ms and whole frames.
 */
export function promptFrames(page: PageProbe, sidebar: SidebarProbe): { ms: number; frames: number; domMs: number } | null {
  const key = page.keys.at(-1);
  if (key === undefined || sidebar.promptAt === null) return null;
  const keyFrame = page.frames.find((time) => time >= key);
  const promptFrame = sidebar.frames.find((time) => time >= sidebar.promptAt!);
  if (keyFrame === undefined || promptFrame === undefined) return null;
  const ms = Math.max(0, sidebar.origin + promptFrame - (page.origin + keyFrame));
  return { ms, frames: Math.round(ms / FRAME_MS), domMs: sidebar.origin + sidebar.promptAt - (page.origin + key) };
}

/** Median and spread of a list of numbers. */
export function summary(values: number[]): { median: number; p95: number; min: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, n: sorted.length };
}
