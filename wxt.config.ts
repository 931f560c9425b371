import { defineConfig } from 'wxt';
import pageAdapters from './rules/page-adapters.json';
import { parsePageAdapters } from './extension/background/page-adapter-schema';
import { manifestMatchPatterns, originMatchPattern } from './extension/shared/page-adapter';

// Validated at build time too: a broken adapter fails the build instead of watching the wrong pages.
const adapters = parsePageAdapters(pageAdapters);

// Where the built extension sends referrals unless a later (options/policy) setting overrides it.
// Set at build time so the demo and the e2e tests can point it at the local reference receiver.
const socialTeamEndpoint = process.env.WXT_SOCIAL_TEAM_ENDPOINT ?? 'http://127.0.0.1:4320/fhir';

export default defineConfig({
  // Everything that ships in the extension lives in extension/, in folders named after where it runs.
  srcDir: 'extension',
  publicDir: 'extension/public',
  modules: ['@wxt-dev/webextension-polyfill'],
  // Explicit imports only: a reader should see where every name comes from.
  imports: false,
  vite: () => ({
    define: {
      __SOCIAL_TEAM_ENDPOINT__: JSON.stringify(socialTeamEndpoint),
    },
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extensionName__',
    description: '__MSG_extensionDescription__',
    default_locale: 'nl',
    permissions: ['storage', 'alarms'],
    host_permissions: [
      ...manifestMatchPatterns(adapters, browser),
      originMatchPattern(new URL(socialTeamEndpoint).origin, '/', browser),
    ],
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: 'vroegsignaal@vroegsignaal.example', strict_min_version: '128.0' } } }
      : {}),
  }),
});
