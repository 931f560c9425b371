import { defineConfig } from 'wxt';

/**
 * Sites Vroegsignaal may be granted, at run time and per origin, from the options page: the
 * practice's web EHR and its social team's endpoint. Nothing is granted at install, and the EHR
 * content script is registered at run time for exactly the origins the browser granted.
 */
export const OPTIONAL_HOST_PERMISSIONS = ['https://*/*', 'http://localhost/*', 'http://127.0.0.1/*'];

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
    // Manifest V2 (WXT's default for Firefox) lists optional hosts among the optional permissions.
    ...(manifestVersion === 3 ? { optional_host_permissions: OPTIONAL_HOST_PERMISSIONS } : { optional_permissions: OPTIONAL_HOST_PERMISSIONS }),
    // Browser policy (IT) may push the practice's configuration; its format is in this file.
    storage: { managed_schema: 'managed-schema.json' },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'vroegsignaal@vroegsignaal.example', strict_min_version: '128.0' } } }
      : {}),
  }),
});
