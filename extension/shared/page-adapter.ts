import type { Locale } from './locale';

/**
 * Where an EHR page keeps what Vroegsignaal reads: data, not code, so a practice's HIS is supported
 * by configuration. The format is documented in rules/README.md and published as
 * rules/schema/page-adapter.schema.json. Selectors are CSS selectors, checked by the background.
 */
export interface PageAdapter {
  id: string;
  name: string;
  /** Pages this adapter applies to: an exact origin (with port) and a path prefix. */
  pages: Array<{ origin: string; pathPrefix: string }>;
  /** The page's language(s), when the EHR's `lang` attribute is missing or wrong: terms of only these count. */
  languages?: Locale[];
  /** Who is open. Without it, each URL (path and query) counts as one patient. */
  patient?: {
    /** The element that holds the patient's details; while it is absent, no patient is open. */
    banner?: string;
    /** Attribute on the banner with a stable patient key (HIS patient number)… */
    keyAttribute?: string;
    /** …or the element (within the banner, if there is one) whose text is the key… */
    key?: string;
    /** …or the key from the URL path, e.g. `/app/patients/{key}/chart`. */
    keyFromUrl?: string;
    name?: string;
    phone?: string;
    birthDate?: string;
  };
  /** The logged-in clinician, who records consent. */
  practitioner?: { root: string; name?: string; agbAttribute?: string };
  /**
   * The consult being written: regions whose text and field values can trigger the prompt (empty
   * `include`: the whole page) and regions to skip. `diagnoses`: where the EHR shows codes or
   * diagnosis names (a code field, a diagnosis list, tags) — there, names count as codes and lower-case
   * codes count. `attributes`: attributes whose values carry codes (e.g. `data-icpc`).
   */
  scan: { include: string[]; exclude: string[]; diagnoses?: string[]; attributes?: string[] };
  /** The patient's history (episode list, earlier consults): for rule sets that look there, and recurrence. */
  history?: {
    regions: string[];
    /** One dated episode or journal line within the regions… */
    item?: string;
    /** …and where its date is (`dd-mm-yyyy`, `d-m-yyyy`, `dd/mm/yyyy` or `yyyy-mm-dd`). */
    date?: string;
  };
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
 * The match pattern that grants and watches a whole origin. Chromium's patterns carry the port;
 * Firefox's cannot, so there the host is matched and the origin checked when a page asks.
 */
export function originPattern(origin: string, browserName: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${browserName === 'firefox' ? url.hostname : url.host}/*`;
}

/**
 * Reads a patient key out of a URL path with a template such as `/app/patients/{key}/chart`:
 * `{key}` is one path segment, `*` any one segment, and the path may go on after the template.
 * Returns null when the path does not fit. No regular expression comes from configuration.
 */
export function keyFromUrlPath(template: string, pathname: string): string | null {
  const wanted = template.split('/').filter(Boolean);
  const actual = pathname.split('/').filter(Boolean);
  if (actual.length < wanted.length) return null;
  let key: string | null = null;
  for (const [index, segment] of wanted.entries()) {
    const value = actual[index]!;
    if (segment === '{key}') {
      try {
        key = decodeURIComponent(value);
      } catch {
        return null;
      }
    } else if (segment !== '*' && segment !== value) {
      return null;
    }
  }
  return key && key.trim() ? key.trim() : null;
}
