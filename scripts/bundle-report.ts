/**
 * Prints the size of every built file of the Chromium build, raw and gzipped, and for each script
 * what each dependency or folder of ours contributes (from a second build with hidden source maps).
 *
 *   npm run bundle-report            # builds both, prints the tables, writes .bench-output/bundle.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildWithReport, builtFiles, scriptContributions } from './lib/bundle-report';

const ROOT = resolve(import.meta.dirname, '..');
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

buildWithReport();
const files = builtFiles(resolve(ROOT, '.output/chrome-mv3'));
const parts = scriptContributions(resolve(ROOT, '.output/bundle-report/chrome-mv3'));

console.log('| file | raw | gzip |\n| --- | ---: | ---: |');
for (const file of files) console.log(`| ${file.file} | ${kb(file.raw)} | ${kb(file.gzip)} |`);
for (const [script, contributions] of Object.entries(parts)) {
  const total = contributions.reduce((sum, part) => sum + part.bytes, 0);
  console.log(`\n${script} (${kb(total)} raw): ${contributions.map((part) => `${part.part} ${kb(part.bytes)} (${Math.round((100 * part.bytes) / total)} %)`).join(', ')}`);
}
mkdirSync(resolve(ROOT, '.bench-output'), { recursive: true });
writeFileSync(resolve(ROOT, '.bench-output/bundle.json'), `${JSON.stringify({ files, contributions: parts }, null, 2)}\n`);
