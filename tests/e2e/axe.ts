import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe-core on `include` (CSS selectors; the whole page or frame when omitted) and returns the serious and
 * critical violations. Evaluated through the DevTools protocol rather than a script tag, so it also
 * runs in the extension's own pages, whose content security policy allows no inline script.
 */
export async function seriousAccessibilityViolations(page: Page | Frame, include?: string[]): Promise<Array<{ id: string; impact: string | null; nodes: number }>> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (selectors) => {
    const axe = (window as unknown as { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: Array<{ id: string; impact: string | null; nodes: unknown[] }> }> } }).axe;
    const result = await axe.run(selectors ? { include: selectors.map((selector) => [selector]) } : document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length }));
  }, include ?? null);
}
