
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
