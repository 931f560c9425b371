/**
 * Writes the published JSON Schemas of the configuration formats (rules/schema/), generated from
 * the validators the background runs, so an editor can check a rule set or adapter while it is
 * written. The validators remain the authority: they also check what JSON Schema cannot say
 * (ICPC ranges, CSS selectors, cross-field rules), with messages that name the path.
 *
 *   npm run schemas            # (re)write the files
 *   npm run schemas -- --check # exit 1 when the files are out of date (unit tests do this)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { configurationFileSchema, pageAdapterSchema, ruleSetSchema } from '../extension/background/configuration/schemas';

const SCHEMA_DIR = resolve(import.meta.dirname, '../rules/schema');
const BASE = 'https://vroegsignaal.example/schema';

/** The published schemas: file name, title and the validator each is made from. */
export const PUBLISHED_SCHEMAS = [
  { file: 'rule-set.schema.json', title: 'Vroegsignaal rule set', schema: ruleSetSchema },
  { file: 'page-adapter.schema.json', title: 'Vroegsignaal EHR page adapter', schema: pageAdapterSchema },
  { file: 'configuration.schema.json', title: 'Vroegsignaal practice configuration file', schema: configurationFileSchema },
] as const;

/** The text of one published schema, as it is written to rules/schema/. */
export function schemaText(entry: (typeof PUBLISHED_SCHEMAS)[number]): string {
  // `input`: what a person writes, so fields with a default are optional.
  const generated = z.toJSONSchema(entry.schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return `${JSON.stringify({ $schema, $id: `${BASE}/${entry.file}`, title: entry.title, ...rest }, null, 2)}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const entry of PUBLISHED_SCHEMAS) {
    const path = resolve(SCHEMA_DIR, entry.file);
    const text = schemaText(entry);
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
      writeFileSync(path, text);
      console.log(`wrote ${path}`);
    }
  }
  process.exit(stale > 0 ? 1 : 0);
}
