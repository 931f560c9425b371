import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtFiles } from '../../scripts/lib/bundle-report';

// Budgets CI can hold on a shared machine: sizes of the production build, not timings. A broken budget
// says which and by how much; `npm run bundle-report` shows what each dependency contributes.

const BUILD = resolve(import.meta.dirname, '../../.output/chrome-mv3');
/** What the EHR page pays for before the prompt: the one content script every watched page loads. */
const EHR_CONTENT_SCRIPT_GZIP = 20 * 1024;
/** The sidebar page, loaded in its frame on every watched page (its shared chunks included). */
const SIDEBAR_PAGE_GZIP = 24 * 1024;

function files() {
  if (!existsSync(resolve(BUILD, 'manifest.json'))) throw new Error(`${BUILD} is missing: build first ("npm run build")`);
  return builtFiles(BUILD);
}

function within(what: string, bytes: number, budget: number): void {
  expect(bytes, `${what} is ${bytes} B gzipped, ${bytes - budget} B over its budget of ${budget} B`).toBeLessThanOrEqual(budget);
}

describe('the production build stays within its size budgets', () => {
  it(`keeps the EHR content script within ${EHR_CONTENT_SCRIPT_GZIP / 1024} KB gzipped`, () => {
    const script = files().find((file) => file.file === 'content-scripts/ehr.js');
    expect(script, 'content-scripts/ehr.js is built').toBeDefined();
    within('content-scripts/ehr.js', script!.gzip, EHR_CONTENT_SCRIPT_GZIP);
  });

  it(`keeps the sidebar page (with its chunks and styles) within ${SIDEBAR_PAGE_GZIP / 1024} KB gzipped`, () => {
    const built = files();
    const sidebar = built.filter((file) => file.file === 'sidebar.html' || /^(chunks\/(sidebar|i18n)-|assets\/sidebar-)/.test(file.file));
    expect(sidebar.map((file) => file.file.replace(/-[\w-]+\./, '.'))).toEqual(expect.arrayContaining(['sidebar.html', 'chunks/sidebar.js', 'assets/sidebar.css']));
    within('the sidebar page', sidebar.reduce((sum, file) => sum + file.gzip, 0), SIDEBAR_PAGE_GZIP);
  });
});
