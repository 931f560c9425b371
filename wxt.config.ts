import { defineConfig } from 'wxt';
import { GRANTABLE_SITE_PATTERNS } from './extension/shared/addresses';

export default defineConfig({
  // Everything that ships in the extension lives in extension/, in folders named after where it runs.
  srcDir: 'extension',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports only: a reader should see where every name comes from.
  imports: false,
  vite: () => ({
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  }),
  manifest: ({ browser, manifestVersion }) => ({
    name: '__MSG_extensionName__',
    description: '__MSG_extensionDescription__',
    default_locale: 'nl',
    permissions: ['storage', 'alarms', 'scripting'],
    // Sites are granted at run time and per origin, from the options page: the practice's EHR and its
    // social team's endpoint; nothing at install. Manifest V2 (WXT's default for Firefox) lists
    // optional hosts among the optional permissions.
    ...(manifestVersion === 3 ? { optional_host_permissions: GRANTABLE_SITE_PATTERNS } : { optional_permissions: GRANTABLE_SITE_PATTERNS }),
    // Browser policy (IT) may push the practice's configuration; its format is in this file.
    storage: { managed_schema: 'managed-schema.json' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'vroegsignaal@vroegsignaal.example', strict_min_version: '128.0' } } }
      : {}),
  }),
});
