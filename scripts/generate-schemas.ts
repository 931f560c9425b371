/**
 * Writes the generated files that are published or shipped:
 * - the JSON Schemas of the configuration formats (rules/schema/), generated from the validators the
 *   background runs, so an editor can check a rule set or adapter while it is written. The validators
 *   remain the authority: they also check what JSON Schema cannot say (ICPC ranges, CSS selectors,
 *   cross-field rules), with messages that name the path;
 * - the JSON Schema of the webhook format for social-team systems (contract/schema/), from the
 *   receiver's validator;
 * - the Dutch public-holiday table the extension counts working days with
 *   (contract/generated/dutch-public-holidays.json), from date-holidays.
 *
 *   npm run schemas            # (re)write the files
 *   npm run schemas -- --check # exit 1 when the files are out of date (unit tests do this)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { configurationFileSchema, pageAdapterSchema, ruleSetSchema } from '../extension/background/configuration/schemas';
import { webhookDocumentSchema } from '../receiver/webhook-schema';
import { dutchHolidayTable } from '../receiver/dutch-public-holidays';

const ROOT = resolve(import.meta.dirname, '..');
const BASE = 'https://vroegsignaal.example/schema';

/** The published schemas: where each goes, its title and the validator it is made from. */
export const PUBLISHED_SCHEMAS = [
  { dir: 'rules/schema', file: 'rule-set.schema.json', title: 'Vroegsignaal rule set', schema: ruleSetSchema },
  { dir: 'rules/schema', file: 'page-adapter.schema.json', title: 'Vroegsignaal EHR page adapter', schema: pageAdapterSchema },
  { dir: 'rules/schema', file: 'configuration.schema.json', title: 'Vroegsignaal practice configuration file', schema: configurationFileSchema },
  { dir: 'contract/schema', file: 'referral-webhook.schema.json', title: 'Vroegsignaal referral webhook document', schema: webhookDocumentSchema },
] as const;

/** The text of one published schema, as it is written to its folder. */
export function schemaText(entry: (typeof PUBLISHED_SCHEMAS)[number]): string {
  // `input`: what a person writes, so fields with a default are optional.
  const generated = z.toJSONSchema(entry.schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return `${JSON.stringify({ $schema, $id: `${BASE}/${entry.file}`, title: entry.title, ...rest }, null, 2)}\n`;
}

/** Every generated file: its path from the repository root and its text. */
export function generatedFiles(): Array<{ path: string; text: string }> {
  return [
    ...PUBLISHED_SCHEMAS.map((entry) => ({ path: `${entry.dir}/${entry.file}`, text: schemaText(entry) })),
    { path: 'contract/generated/dutch-public-holidays.json', text: `${JSON.stringify(dutchHolidayTable(), null, 1)}\n` },
  ];
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const file of generatedFiles()) {
    const path = resolve(ROOT, file.path);
    const { text } = file;
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // Missing counts as stale.
      }
      if (current !== text) {
        stale += 1;
        console.error(`${path} is out of date: run npm run schemas`);
      }
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
