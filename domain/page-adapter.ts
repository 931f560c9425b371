import type { Locale } from './locale';
import type { Practitioner } from './referral';

/**
 * Where an EHR page keeps what we read: data, not code, so a practice's HIS is supported by
 * configuration. With no selectors, the generic behaviour applies (whole page, patient = URL).
 */
export interface PageAdapter {
  id: string;
  name: string;
  /** Pages this adapter applies to: an exact origin (with port) and a path prefix. */
  pages: Array<{ origin: string; pathPrefix: string }>;
  patient?: {
    /** The patient banner; when absent from the page, no patient is open. */
    banner: string;
    /** Attribute on the banner with a stable patient key (HIS patient number), else `key`. */
    keyAttribute?: string;
    key?: string;
    name?: string;
    phone?: string;
  };
  practitioner?: { root: string; name?: string; agbAttribute?: string };
  /** Regions whose text and field values can trigger the prompt; empty `include` means the whole page. */
  scan: { include: string[]; exclude: string[] };
}

/** What the page says about the patient who is open. */
export interface PatientOnPage {
  key: string;
  name: string;
  phone: string;
}

/** The adapter for `url`, if the page is a configured EHR page. */
export function findAdapter(adapters: readonly PageAdapter[], url: string): PageAdapter | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  return adapters.find((adapter) =>
    adapter.pages.some((page) => parsed.origin === page.origin && parsed.pathname.startsWith(page.pathPrefix)),
  );
}

/**
 * The manifest match pattern for a page origin and path prefix. Chromium matches on port; Firefox's
 * match patterns cannot carry one, so there the host is matched and `findAdapter` checks the port.
 */
export function originMatchPattern(origin: string, pathPrefix: string, browser: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${browser === 'firefox' ? url.hostname : url.host}${pathPrefix}*`;
}

/** Manifest match patterns for all the adapters' pages. */
export function manifestMatchPatterns(adapters: readonly PageAdapter[], browser: string): string[] {
  const patterns = adapters.flatMap((adapter) => adapter.pages.map((page) => originMatchPattern(page.origin, page.pathPrefix, browser)));
  return [...new Set(patterns)];
}

function textOf(root: ParentNode, selector: string | undefined): string {
  if (!selector) return '';
  const element = root.querySelector(selector);
  if (!element) return '';
  const value = element instanceof HTMLInputElement ? element.value : element.textContent;
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

/** Reads the open patient from the banner, or from the URL on a page without a configured banner. */
export function readPatient(doc: Document, adapter: PageAdapter): PatientOnPage | null {
  const config = adapter.patient;
  if (!config) return { key: `${doc.location.pathname}${doc.location.search}`, name: '', phone: '' };
  const banner = doc.querySelector(config.banner);
  if (!banner) return null;
  const key = config.keyAttribute ? (banner.getAttribute(config.keyAttribute) ?? '').trim() : textOf(banner, config.key);
  if (!key) return null;
  return { key, name: textOf(banner, config.name), phone: textOf(banner, config.phone) };
}

/** The logged-in GP as the page shows them; empty when the page does not say. */
export function readPractitioner(doc: Document, adapter: PageAdapter): Practitioner {
  const config = adapter.practitioner;
  const root = config ? doc.querySelector(config.root) : null;
  if (!config || !root) return {};
  const name = textOf(root, config.name) || undefined;
  const agb = config.agbAttribute ? root.getAttribute(config.agbAttribute)?.trim() : undefined;
  return { ...(name ? { name } : {}), ...(agb && /^\d{8}$/.test(agb) ? { agb } : {}) };
}

/** The page's declared language, when it is one the rule sets have terms for. */
export function pageLocale(doc: Document): Locale | undefined {
  const lang = doc.documentElement.lang.toLowerCase();
  if (lang.startsWith('nl')) return 'nl';
  if (lang.startsWith('en')) return 'en';
  return undefined;
}
