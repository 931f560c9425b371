import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import managedSchema from '../../extension/public/managed-schema.json';
import { CONFIGURATION_SECTIONS } from '../../extension/shared/configuration';
import { generatedFiles } from '../../scripts/generate-schemas';
import { demoPracticeConfiguration } from '../../scripts/lib/demo-configuration';
import { parseConfigurationFile } from '../../extension/background/configuration/validation';

const ROOT = resolve(import.meta.dirname, '../..');

describe('files published for administrators', () => {
  it.each(generatedFiles().map((file) => [file.path, file.text]))('%s is what its source says now (npm run schemas)', (path, text) => {
    expect(readFileSync(resolve(ROOT, path), 'utf8')).toBe(text);
  });

  it('the browser-policy schema offers exactly the configuration sections, each as JSON text', () => {
    expect(Object.keys(managedSchema.properties)).toEqual([...CONFIGURATION_SECTIONS]);
    expect(Object.values(managedSchema.properties).every((property) => property.type === 'string')).toBe(true);
  });

  it('the demo practice\'s configuration file is valid and is what the demo and the tests import', () => {
    const committed = JSON.parse(readFileSync(resolve(ROOT, 'demo-ehr/vroegsignaal-demo.config.json'), 'utf8')) as unknown;
    expect(committed).toEqual(demoPracticeConfiguration({ ehr: 'http://127.0.0.1:4310', receiver: 'http://127.0.0.1:4320' }));
    expect(parseConfigurationFile(committed)).toMatchObject({ ok: true });
  });
});
