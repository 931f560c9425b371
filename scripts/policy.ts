/**
 * Turns a Vroegsignaal configuration file (as the options page exports it) into browser policy, so
 * IT can push the same settings to every workstation of a practice. Each section becomes one
 * policy value holding the section as JSON text (see extension/public/managed-schema.json); the
 * extension validates each on its own, reports a broken one in its options page and ignores it as a
 * whole.
 *
 *   npm run policy -- --id <extension id> [--browser chromium|firefox] [--install-url <.xpi>] config.json > policy.json
 *
 * Chromium on Linux reads /etc/chromium/policies/managed/*.json (Google Chrome: /etc/opt/chrome/…);
 * Firefox reads /etc/firefox/policies/policies.json (docs/firefox.md).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CONFIGURATION_SECTIONS } from '../extension/shared/configuration';

/**
 * The policy document for one browser, holding `configuration`'s sections for extension `extensionId`.
 * For Firefox, `installUrl` (the .xpi, `https://…` or `file:///…`) also has Firefox install the add-on
 * and keep it installed (ExtensionSettings, `force_installed`).
 */
export function policyFor(configuration: Record<string, unknown>, extensionId: string, browser: 'chromium' | 'firefox', installUrl?: string): unknown {
  const values = Object.fromEntries(
    CONFIGURATION_SECTIONS.filter((section) => configuration[section] !== undefined).map((section) => [section, JSON.stringify(configuration[section])]),
  );
  if (browser === 'chromium') return { '3rdparty': { extensions: { [extensionId]: values } } };
  return {
    policies: {
      ...(installUrl ? { ExtensionSettings: { [extensionId]: { installation_mode: 'force_installed', install_url: installUrl } } } : {}),
      '3rdparty': { Extensions: { [extensionId]: values } },
    },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values, positionals } = parseArgs({
    options: { id: { type: 'string' }, browser: { type: 'string', default: 'chromium' }, 'install-url': { type: 'string' } },
    allowPositionals: true,
  });
  const [file] = positionals;
  if (!values.id || !file || (values.browser !== 'chromium' && values.browser !== 'firefox')) {
    console.error('Gebruik: npm run policy -- --id <extensie-id> [--browser chromium|firefox] [--install-url <.xpi>] configuratie.json');
    process.exit(2);
  }
  const configuration = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  console.log(JSON.stringify(policyFor(configuration, values.id, values.browser, values['install-url']), null, 2));
}
