import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GRANTABLE_SITE_PATTERNS } from '../../extension/shared/addresses';

// What the built extension asks the browser for. Two checks: the manifest equals the reviewed golden
// copy exactly (any change, wider or not, needs a deliberate update of tests/security/golden/), and,
// whatever the golden copy says, the rules below hold (so a golden file updated in haste still cannot
// widen what matters).

const ROOT = resolve(import.meta.dirname, '../..');
// Manifest V3 in both browsers (wxt.config.ts says why).
const BUILDS = [
  { name: 'chrome-mv3', browser: 'chromium' },
  { name: 'firefox-mv3', browser: 'firefox' },
] as const;

type Manifest = Record<string, unknown> & {
  permissions?: string[];
  optional_permissions?: string[];
  optional_host_permissions?: string[];
  host_permissions?: string[];
  web_accessible_resources?: unknown[];
  content_security_policy?: string | { extension_pages?: string; sandbox?: string };
};

function built(name: string): Manifest {
  const path = resolve(ROOT, '.output', name, 'manifest.json');
  if (!existsSync(path)) throw new Error(`${path} is missing: build first ("npm run test:security" builds both browsers)`);
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/**
 * The only API permissions the extension may hold: its settings and outbox, delivery wake-ups, runtime
 * registration, `unlimitedStorage` — so the browser never clears the outbox and the audit log when the
 * disk runs full (Firefox makes the storage persistent only for an extension that holds it;
 * background/persistent-storage.ts) — and (Chrome) `sidePanel`, the assistant's work list in the
 * browser's side panel, opened from the toolbar button. None grants access to any page or its data.
 */
const ALLOWED_PERMISSIONS = ['storage', 'unlimitedStorage', 'alarms', 'scripting', 'sidePanel'];

describe.each(BUILDS)('the $name manifest', ({ name, browser }) => {
  const manifest = built(name);

  it('is exactly the reviewed golden manifest', () => {
    const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, 'golden', `manifest.${name}.json`), 'utf8')) as Manifest;
    expect(manifest, `the ${name} manifest changed: review the change, then update tests/security/golden/manifest.${name}.json`).toEqual(golden);
  });

  it('asks for no more than it needs, and for no site at install', () => {
    const apiPermissions = (manifest.permissions ?? []).filter((permission) => !permission.includes('://') && permission !== '<all_urls>');
    expect(apiPermissions.filter((permission) => !ALLOWED_PERMISSIONS.includes(permission))).toEqual([]);
    // Sites come only at run time, one origin at a time, from the options page.
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect((manifest.permissions ?? []).filter((permission) => permission.includes('://') || permission === '<all_urls>')).toEqual([]);
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.optional_permissions ?? []).toEqual([]);
    const optionalSites = manifest.optional_host_permissions;
    expect((optionalSites ?? []).filter((pattern) => !GRANTABLE_SITE_PATTERNS.includes(pattern))).toEqual([]);
    expect(optionalSites ?? []).not.toContain('<all_urls>');
  });

  it('injects into no page by itself and cannot be called by web pages or other extensions', () => {
    expect(manifest.content_scripts).toBeUndefined();
    expect(manifest.externally_connectable).toBeUndefined();
    expect(manifest.content_capabilities).toBeUndefined();
  });

  it('exposes only the sidebar page to web pages (in Chromium under a per-session origin)', () => {
    const exposed = manifest.web_accessible_resources ?? [];
    // Firefox has no use_dynamic_url; its extension origin is random per installation anyway.
    const origin = browser === 'chromium' ? { use_dynamic_url: true } : {};
    expect(exposed).toEqual([{ resources: ['sidebar.html'], matches: GRANTABLE_SITE_PATTERNS, ...origin }]);
  });

  it('has a strict content security policy for its own pages', () => {
    const csp = typeof manifest.content_security_policy === 'string' ? manifest.content_security_policy : manifest.content_security_policy?.extension_pages;
    expect(csp).toBeDefined();
    const directives = Object.fromEntries(csp!.split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([key, ...values]) => [key!, values]));
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['base-uri']).toEqual(["'none'"]);
    expect(csp).not.toMatch(/unsafe-|wasm|https?:|\*/);
  });
});
