import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * An X display for a headed Chromium. Headed, because granting a site to the extension goes through
 * the browser's own permission prompt, which exists only in a browser with a window: the tests and
 * the headless demo answer it the way a person would, with the keyboard.
 */
export interface VirtualDisplay {
  /** `:N`, for the `DISPLAY` environment variable. */
  display: string;
  close(): Promise<void>;
}

/** Starts Xvfb on a free display number (Debian package `xvfb`). */
export async function startVirtualDisplay(size = { width: 1400, height: 900 }): Promise<VirtualDisplay> {
  // -displayfd: Xvfb picks a free display itself and writes its number once it is ready.
  const xvfb: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${size.width}x${size.height}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const display = await new Promise<string>((resolve, reject) => {
    let written = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start within 10 s: ${errors.trim()}`)), 10_000);
    xvfb.stdio[2]?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    xvfb.stdio[3]?.on('data', (chunk: Buffer) => {
      written += chunk.toString();
      if (written.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${written.trim()}`);
      }
    });
    xvfb.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start Xvfb (Debian package xvfb): ${error.message}`));
    });
    xvfb.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited with ${code}: ${errors.trim()}`));
    });
  });
  return {
    display,
    close: () =>
      new Promise<void>((resolve) => {
        if (xvfb.exitCode !== null) return resolve();
        xvfb.once('exit', () => resolve());
        xvfb.kill('SIGTERM');
      }),
  };
}

/** The colour of one screen pixel, read with `xwd` (Debian package x11-apps). */
async function screenPixels(display: string, points: ReadonlyArray<readonly [number, number]>): Promise<number[]> {
  const { stdout } = await run('xwd', ['-root', '-silent'], { env: { ...process.env, DISPLAY: display }, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  // XWD: a big-endian header (its size first), a colour map, then rows of pixels.
  const header = (offset: number) => stdout.readUInt32BE(offset);
  const headerSize = header(0);
  const byteOrder = header(28);
  const bitsPerPixel = header(44);
  const bytesPerLine = header(48);
  const colourCount = header(76);
  const start = headerSize + colourCount * 12;
  return points.map(([x, y]) => {
    const offset = start + y * bytesPerLine + x * (bitsPerPixel / 8);
    const value = byteOrder === 0 ? stdout.readUInt32LE(offset) : stdout.readUInt32BE(offset);
    return value & 0xffffff;
  });
}

function brightness(rgb: number): number {
  return ((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff);
}

// Points inside the browser's page area (the window sits at the top left of the screen).
const PROBES = [
  [300, 700],
  [700, 760],
  [1100, 700],
] as const;

/**
 * Answers the browser's extension permission prompt ("… has requested additional permissions")
 * with "Allow", as a person at the keyboard would: `trigger` is the click that makes the extension
 * ask. The prompt dims the page behind it; once that is seen, the prompt gets a moment (Chromium
 * ignores input that arrives right after a prompt appears), then Tab moves from "Deny" to "Allow"
 * and Enter presses it. The caller checks the outcome on the page (what was granted); this waits
 * until the dimming is gone, or a few seconds. Needs xwd (x11-apps) and xdotool.
 */
export async function acceptPermissionPrompt(display: string, trigger: () => Promise<void>): Promise<void> {
  const before = await screenPixels(display, PROBES);
  await trigger();
  const deadline = Date.now() + 10_000;
  let dimmed: number[];
  for (;;) {
    dimmed = await screenPixels(display, PROBES);
    if (dimmed.every((pixel, i) => brightness(pixel) < brightness(before[i]!) * 0.8)) break;
    if (Date.now() > deadline) throw new Error('the browser showed no permission prompt within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  await run('xdotool', ['key', 'Tab', 'Return'], { env: { ...process.env, DISPLAY: display } });
  // The page behind may change once access is granted, so "gone" is: most probes brighter than dimmed.
  const settled = Date.now() + 5_000;
  while (Date.now() < settled) {
    const now = await screenPixels(display, PROBES);
    if (now.filter((pixel, i) => brightness(pixel) > brightness(dimmed[i]!) * 1.25 + 10).length >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// A column through the right end of the panel Firefox drops from its toolbar's extensions button: its
// primary button ("Toestaan", Firefox's blue) sits there, lower or higher as the panel's text runs.
const FIREFOX_PANEL_COLUMN = Array.from({ length: 96 }, (_, i) => [1300, 110 + i * 4] as const);

/** Firefox's primary-button blue (#0061e0 and its hover shades), which the pages here never use. */
function isFirefoxBlue(rgb: number): boolean {
  const [r, g, b] = [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
  return b > 180 && r < 60 && g > 60 && g < 140;
}

/**
 * Firefox's version of the above: its prompt ("Vroegsignaal vraagt om aanvullende instellingen") is a
 * panel under the toolbar, over the page's top right corner, with "Weigeren" and "Toestaan". Once
 * the panel's blue "Toestaan" is on screen, the button's access key answers it — in the Dutch
 * Firefox the tests run, Alt+T for "Toestaan" and Alt+W for "Weigeren".
 */
export async function answerFirefoxPermissionPrompt(display: string, trigger: () => Promise<void>, answer: 'allow' | 'deny'): Promise<void> {
  const panelShown = async () => (await screenPixels(display, FIREFOX_PANEL_COLUMN)).some(isFirefoxBlue);
  if (await panelShown()) throw new Error('a Firefox prompt is already open, or the page shows its blue where the prompt would be');
  await trigger();
  const deadline = Date.now() + 10_000;
  while (!(await panelShown())) {
    if (Date.now() > deadline) throw new Error('Firefox showed no permission prompt within 10 s (is the page that asks the front tab?)');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  await run('xdotool', ['key', answer === 'allow' ? 'alt+t' : 'alt+w'], { env: { ...process.env, DISPLAY: display } });
  const settled = Date.now() + 5_000;
  while (Date.now() < settled && (await panelShown())) await new Promise((resolve) => setTimeout(resolve, 50));
}
