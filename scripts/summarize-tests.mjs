// Prints one line per Vitest JSON report and a closing total ("N passed, N failed, N skipped"), so a
// reader of CI output sees unit, end-to-end and security tests at a glance. A report whose top-level
// suites name a browser ("in Chromium", "Firefox ESR") also gets its counts per browser.
import { readFileSync } from 'node:fs';

/** Where the suites that do not name their browser run (tests/browsers names its own). */
const RUNS_IN = { e2e: 'Chromium', security: 'Chromium; the manifest checks cover both builds' };
const BROWSER_SUITE = /^(?:in )?(Chromium|Firefox ESR)$/;

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const name = file.replace(/^.*\//, '').replace(/\.json$/, '');
  const perBrowser = new Map();
  for (const result of report.testResults ?? []) {
    for (const test of result.assertionResults ?? []) {
      const browser = BROWSER_SUITE.exec(test.ancestorTitles?.[0] ?? '')?.[1];
      if (!browser) continue;
      const counts = perBrowser.get(browser) ?? { passed: 0, failed: 0, skipped: 0 };
      if (test.status === 'passed') counts.passed += 1;
      else if (test.status === 'failed') counts.failed += 1;
      else counts.skipped += 1;
      perBrowser.set(browser, counts);
    }
  }
  const where = perBrowser.size > 0 ? ` — ${[...perBrowser].map(([browser, counts]) => `${browser}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`).join('; ')}` : RUNS_IN[name] ? ` (${RUNS_IN[name]})` : '';
  console.log(`${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${report.numPendingTests + report.numTodoTests} skipped${where}`);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
