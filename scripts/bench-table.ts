/**
 * Prints the benchmark's table again from a saved report, without measuring anything.
 *
 *   npx tsx scripts/bench-table.ts [.bench-output/bench.json]
 */
import { readFileSync } from 'node:fs';
import { renderTable } from './bench';

const file = process.argv[2] ?? '.bench-output/bench.json';
console.log(renderTable(JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof renderTable>[0]));
