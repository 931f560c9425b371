import { defineConfig } from 'wxt';
import { GRANTABLE_SITE_PATTERNS } from './extension/shared/addresses';

const EXTENSION_PAGE_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";
// `npm run bundle-report` builds once more with hidden source maps, beside the real build, to say which
// module and dependency each built byte comes from. The shipped build never has source maps.
const BUNDLE_REPORT = process.env.VROEGSIGNAAL_BUNDLE_REPORT === '1';

export default defineConfig({
  // Everything that ships in the extension lives in extension/, in folders named after where it runs.
  srcDir: 'extension',
  ...(BUNDLE_REPORT ? { outDir: '.output/bundle-report' } : {}),
  publicDir: 'extension/public',
  // `wxt zip -b firefox` makes the .xpi a practice's IT deploys by policy (README); the sources
  // archive is for a store review, which a self-hosted add-on does not go through.
  zip: { zipSources: false },
  modules: ['@wxt-dev/webextension-polyfill'],
  // Manifest V3 in both browsers (WXT would build V2 for Firefox): one permission model (optional
  // host permissions granted per origin), one background lifecycle (stopped when idle: a service
  // worker in Chromium, an event page in Firefox), and web-accessible resources limited to the sites
  // that may frame the sidebar. Firefox ESR 128 has every V3 API used here. docs/firefox.md says more.
  manifestVersion: 3,
  // Explicit imports only: a reader should see where every name comes from.
  imports: false,
  vite: () => ({
    oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
    ...(BUNDLE_REPORT ? { build: { sourcemap: 'hidden' as const } } : {}),
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extensionName__',
    description: '__MSG_extensionDescription__',
    default_locale: 'nl',
    permissions: ['storage', 'unlimitedStorage', 'alarms', 'scripting'],
    // Sites are granted at run time and per origin, from the options page: the practice's EHR and its
    // social team's endpoint; nothing at install.
    optional_host_permissions: GRANTABLE_SITE_PATTERNS,
    // Browser policy (IT) may push the practice's configuration; its format is in this file.
    storage: { managed_schema: 'managed-schema.json' },
    // The toolbar button: its badge says when screening cannot run on a watched page.
    action: { default_title: '__MSG_extensionName__' },
    // The sidebar is an extension page the EHR content script frames, so EHR pages must be able to
    // load it — only it (its scripts and styles load from the extension itself). In Chromium it is
    // reachable only under a per-session random origin, so a page cannot probe for the extension
    // (Firefox has no use_dynamic_url: its extension origin is already random per installation).
    web_accessible_resources: [{ resources: ['sidebar.html'], matches: GRANTABLE_SITE_PATTERNS, ...(browser === 'firefox' ? {} : { use_dynamic_url: true }) }],
    // Strict for every extension page: only the extension's own scripts, no plugins, no base
    // rewriting, no form posts elsewhere; the sidebar may only be framed where WAR allows.
    content_security_policy: { extension_pages: EXTENSION_PAGE_CSP },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'vroegsignaal@vroegsignaal.example',
              strict_min_version: '128.0',
              // Firefox's data consent (140+; addons.mozilla.org asks for it when signing): with consent,
              // the patient's name and phone, read from the EHR page, and the screening answers go to
              // the practice's social team. Nothing goes anywhere else.
              data_collection_permissions: { required: ['personallyIdentifyingInfo', 'healthInfo', 'websiteContent'] },
            },
          },
        }
      : {}),
  }),
});
