import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seriousAccessibilityViolations } from './axe';
import { startEnvironment, type Environment } from './environment';

/** Screenshots saved with the test output; the report page's for the README and the issue. */
const SCREENSHOTS = resolve(import.meta.dirname, '../../.test-output/screenshots');

let env: Environment;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  env = await startEnvironment();
});
afterAll(async () => {
  await env?.close();
});

describe('the practice report', () => {
  it('renders its charts from the seeded pilot, and its CSV holds the numbers on screen', async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`chrome-extension://${env.browser.extensionId}/report.html`);
    await page.getByRole('heading', { name: 'Vroegsignaal — praktijkrapportage' }).waitFor();
    await page.getByRole('button', { name: 'Synthetische demogegevens laden' }).click();
    await page.getByText(/Synthetische demogegevens geladen/).waitFor();
    await page.getByRole('note').filter({ hasText: 'Bevat synthetische demogegevens — geen echte patiënten' }).waitFor();

    // The pilot, exactly: 46 referrals in the last 15 months, 41/3/1/1.
    const figure = (id: string) => page.locator(`td[data-figure="${id}"]`).textContent();
    await page.waitForFunction(() => document.querySelector('td[data-figure="referralsSent"]')?.textContent === '46');
    expect(await figure('outcome.handled-with-partners')).toBe('41');
    expect(await figure('outcome.passed-to-credit-bank')).toBe('3');
    expect(await figure('outcome.known-at-credit-bank')).toBe('1');
    expect(await figure('outcome.declined')).toBe('1');
    expect(await figure('outcome.none-yet')).toBe('0');
    expect(await page.locator('td[data-figure^="month."][data-figure$=".referralsSent"]').count()).toBe(15);

    // Four charts, each drawn (bars with a size) and captioned, each with its table.
    for (const id of ['referrals-per-month', 'outcomes', 'dismissals', 'positive-answers']) {
      const chart = page.locator(`figure[data-chart="${id}"]`);
      await chart.locator('svg').first().waitFor();
      const bars = await chart.locator('svg rect').evaluateAll((rects) => rects.filter((rect) => Number(rect.getAttribute('height')) > 0 && Number(rect.getAttribute('width')) > 0).length);
      expect(bars, id).toBeGreaterThan(0);
      expect((await chart.locator('figcaption').textContent())!.length, id).toBeGreaterThan(10);
      expect(await chart.locator('details table tbody tr').count(), id).toBeGreaterThan(0);
    }
    // The stacked monthly chart has a bar segment per month and outcome that occurred; its legend names them.
    const segments = await page.locator('figure[data-chart="referrals-per-month"] svg rect').count();
    expect(segments).toBeGreaterThanOrEqual(15);
    await expect.poll(() => page.locator('figure[data-chart="referrals-per-month"]').textContent()).toContain('Opgepakt door het sociaal team met partners');

    await page.setViewportSize({ width: 1100, height: 900 });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'report-1-pilot.png'), fullPage: true });

    // The CSV: every figure on screen, with the same value, and nothing else.
    const onScreen = new Map(
      await page.locator('td[data-figure]').evaluateAll((cells) => cells.map((cell) => [`${(cell as HTMLElement).dataset.section};${(cell as HTMLElement).dataset.label}`, cell.textContent!.trim()] as [string, string])),
    );
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV exporteren' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^vroegsignaal-rapportage-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await download.path())!, 'utf8');
    expect(text.startsWith('\uFEFFOnderdeel;Cijfer;Waarde\r\n')).toBe(true);
    const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n').slice(1);
    const inCsv = new Map(lines.map((line) => [line.slice(0, line.lastIndexOf(';')), line.slice(line.lastIndexOf(';') + 1)]));
    expect(inCsv.size).toBe(onScreen.size);
    expect(inCsv).toEqual(onScreen);
    expect(inCsv.get('Verwijzingen;Verwijzingen verstuurd')).toBe('46');
    expect(inCsv.get('Terugkoppeling van het sociaal team;Opgepakt door het sociaal team met partners')).toBe('41');

    // Printing hides the controls and keeps the charts and the tables.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'CSV exporteren' }).isVisible()).toBe(false);
    expect(await page.locator('figure[data-chart="outcomes"] svg').isVisible()).toBe(true);
    expect(await page.locator('figure[data-chart="outcomes"] details table').isVisible()).toBe(true);
    expect(await page.getByRole('note').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    // Removing the demo data leaves a report without it, and no banner.
    await page.getByRole('button', { name: 'Synthetische demogegevens verwijderen' }).click();
    await page.getByText(/Synthetische demogegevens verwijderd/).waitFor();
    await page.waitForFunction(() => document.querySelector('td[data-figure="referralsSent"]')?.textContent === '0');
    expect(await page.getByRole('note').count()).toBe(0);
    await page.close();
  });

  it('is linked from the options page', async () => {
    const page = await env.browser.context.newPage();
    await page.goto(`chrome-extension://${env.browser.extensionId}/options.html`);
    await page.getByRole('link', { name: 'Rapportage' }).click();
    await page.getByRole('heading', { name: 'Vroegsignaal — praktijkrapportage' }).waitFor();
    expect(page.url()).toBe(`chrome-extension://${env.browser.extensionId}/report.html`);
    await page.close();
  });
});
