#!/usr/bin/env node
// Fails the build on a high or critical advisory in a production dependency (what ships in the
// extension and the receiver), unless security/audit-exceptions.json lists that advisory with a reason
// and a date it expires. Dev dependencies never reach a practice's browser and are left to Dependabot.
//
//   node scripts/audit-dependencies.mjs
//
// Environment:
//   AUDIT_REQUIRED=1      fail when no audit report can be had from the registry (offline, or a mirror
//                         without the audit endpoint); by default that only warns, so the README's test
//                         command works on machines whose registry mirror has no audit endpoint. A
//                         finding in a report always fails.
//   AUDIT_REPORT_FILE=p   read the output of `npm audit --omit=dev --json` from p instead of running it
//
// Exit codes: 0 passed, 1 blocked (a finding, an expired or malformed exception, or no report when required).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const EXCEPTIONS_FILE = join(ROOT, 'security', 'audit-exceptions.json');
const SEVERITIES = ['critical', 'high', 'moderate', 'low', 'info'];
const BLOCKING = new Set(['critical', 'high']);
const GHSA = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/;

/** Runs npm audit (or reads a saved report) and returns the parsed report, or why there is none. */
function auditReport() {
  let text;
  if (process.env.AUDIT_REPORT_FILE) {
    text = readFileSync(process.env.AUDIT_REPORT_FILE, 'utf8');
  } else {
    // npm exits non-zero both when it finds something and when it cannot ask: the JSON tells which.
    const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, shell: process.platform === 'win32' });
    if (run.error) return { error: `could not run npm: ${run.error.message}` };
    text = run.stdout;
    if (!text.trim()) return { error: `npm audit printed no report (${firstLine(run.stderr) || `exit code ${run.status}`})` };
  }
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    return { error: `npm audit printed something that is not JSON: ${firstLine(text)}` };
  }
  if (typeof report?.metadata?.vulnerabilities !== 'object' || typeof report.vulnerabilities !== 'object') {
    // e.g. { "message": "getaddrinfo ENOTFOUND registry.npmjs.org" } or a 405 from a registry mirror.
    return { error: `the registry gave no audit report: ${report?.error?.summary || report?.message || firstLine(text)}` };
  }
  return { report };
}

function firstLine(text) {
  return String(text ?? '').trim().split('\n')[0].slice(0, 300);
}

/** The advisories in a report: one entry per advisory and vulnerable package, with its GHSA id. */
function advisoriesIn(report) {
  const found = new Map();
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      // A string names the dependency the advisory sits in; that package has its own entry.
      if (typeof via !== 'object' || via === null) continue;
      const advisory = /GHSA(-[a-z0-9]{4}){3}/i.exec(String(via.url ?? ''))?.[0] ?? `npm-${via.source}`;
      const pkg = via.name ?? name;
      found.set(`${advisory} ${pkg}`, { advisory, package: pkg, severity: via.severity ?? vulnerability.severity, title: via.title ?? '', url: via.url ?? '', range: via.range ?? '' });
    }
  }
  return [...found.values()];
}

/** The allowlist, checked: every entry needs an advisory id, a package, a reason and an expiry date. */
function readExceptions() {
  const shown = relative(ROOT, EXCEPTIONS_FILE);
  if (!existsSync(EXCEPTIONS_FILE)) return { problems: [`${shown} is missing (an empty list [] when there are no exceptions)`], exceptions: [] };
  let list;
  try {
    list = JSON.parse(readFileSync(EXCEPTIONS_FILE, 'utf8'));
  } catch (error) {
    return { problems: [`${shown} is not valid JSON: ${error.message}`], exceptions: [] };
  }
  if (!Array.isArray(list)) return { problems: [`${shown} must be a list`], exceptions: [] };
  const problems = [];
  list.forEach((entry, index) => {
    const where = `${shown}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return void problems.push(`${where}: must be an object`);
    const unknown = Object.keys(entry).filter((key) => !['advisory', 'package', 'reason', 'expires'].includes(key));
    if (unknown.length > 0) problems.push(`${where}: unknown field(s) ${unknown.join(', ')}`);
    if (typeof entry.advisory !== 'string' || !GHSA.test(entry.advisory)) problems.push(`${where}.advisory: must be a GitHub advisory id such as GHSA-xxxx-xxxx-xxxx`);
    if (typeof entry.package !== 'string' || entry.package.trim() === '') problems.push(`${where}.package: must name the vulnerable package`);
    if (typeof entry.reason !== 'string' || entry.reason.trim().length < 20) problems.push(`${where}.reason: must say why this advisory does not affect Vroegsignaal (at least 20 characters)`);
    if (typeof entry.expires !== 'string' || !isDate(entry.expires)) problems.push(`${where}.expires: must be a date YYYY-MM-DD`);
  });
  return { problems, exceptions: list };
}

function isDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function main() {
  const { problems: exceptionProblems, exceptions } = readExceptions();
  const { report, error } = auditReport();
  if (!report) {
    if (process.env.AUDIT_REQUIRED !== '1') {
      console.warn(`WARNING: dependency audit skipped: ${error}. Run "npm run audit" with the registry reachable (AUDIT_REQUIRED=1 makes this fail).`);
      for (const problem of exceptionProblems) console.error(`error: ${problem}`);
      return exceptionProblems.length > 0 ? 1 : 0;
    }
    console.error(`error: dependency audit failed: ${error} (AUDIT_REQUIRED=1).`);
    return 1;
  }

  const today = new Date().toISOString().slice(0, 10);
  const blocking = [];
  const excepted = [];
  const used = new Set();
  for (const finding of advisoriesIn(report).filter((advisory) => BLOCKING.has(advisory.severity))) {
    const index = exceptions.findIndex((entry) => entry?.advisory?.toUpperCase?.() === finding.advisory.toUpperCase() && entry.package === finding.package);
    const exception = exceptions[index];
    const what = `${finding.severity} ${finding.advisory} in ${finding.package}${finding.range ? ` ${finding.range}` : ''}: ${finding.title}${finding.url ? ` (${finding.url})` : ''}`;
    if (!exception) blocking.push(`${what} — not in ${relative(ROOT, EXCEPTIONS_FILE)}`);
    else {
      used.add(index);
      if (typeof exception.expires === 'string' && exception.expires < today) blocking.push(`${what} — its exception expired on ${exception.expires}`);
      else excepted.push(`${what} — excepted until ${exception.expires}: ${exception.reason}`);
    }
  }

  for (const line of excepted) console.log(`excepted: ${line}`);
  for (const line of blocking) console.error(`error: ${line}`);
  for (const problem of exceptionProblems) console.error(`error: ${problem}`);
  exceptions.forEach((entry, index) => {
    if (!used.has(index) && entry && typeof entry === 'object') console.warn(`note: exception ${entry.advisory} for ${entry.package} matches no current finding; remove it`);
  });

  const counts = report.metadata.vulnerabilities;
  const summary = SEVERITIES.map((severity) => `${severity} ${counts[severity] ?? 0}`).join(', ');
  const failed = blocking.length > 0 || exceptionProblems.length > 0;
  console.log(`npm audit (production dependencies): ${summary}; ${blocking.length} blocking, ${excepted.length} excepted — ${failed ? 'FAILED' : 'passed'}`);
  return failed ? 1 : 0;
}

process.exitCode = main();
