// Which addresses Vroegsignaal may be given: the practice's EHR and its social team's endpoint, over
// https, or http on this computer only (a local test HIS or the reference receiver). One rule for the
// background's validation and the options page, which checks an address before asking the browser.

/** Why an address cannot be used. */
export type AddressProblem = 'empty' | 'not-a-url' | 'not-https' | 'has-path' | 'has-extras';

/** The names this computer answers to: only there may a site be plain http. */
const LOCAL_HOSTS: readonly string[] = ['localhost', '127.0.0.1'];

/** Match patterns of every site Vroegsignaal could ever be granted: its optional host permissions. */
export const GRANTABLE_SITE_PATTERNS = ['https://*/*', ...LOCAL_HOSTS.map((host) => `http://${host}/*`)];

function isLocal(url: URL): boolean {
  return LOCAL_HOSTS.includes(url.hostname);
}

/**
 * An EHR's origin as typed ("https://his.voorbeeld.nl", a trailing slash allowed): https, or http on
 * this computer for a local test HIS; no path, query or fragment.
 */
export function checkEhrOrigin(text: string): { ok: true; origin: string } | { ok: false; problem: AddressProblem } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problem: 'empty' };
  if (!URL.canParse(trimmed)) return { ok: false, problem: 'not-a-url' };
  const url = new URL(trimmed);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocal(url))) return { ok: false, problem: 'not-https' };
  if (url.username || url.password || url.search || url.hash || trimmed.endsWith('?') || trimmed.endsWith('#')) return { ok: false, problem: 'has-extras' };
  if (url.pathname !== '/') return { ok: false, problem: 'has-path' };
  return { ok: true, origin: url.origin };
}

/** A social team's endpoint URL: https (http only on this computer), without user, query or fragment. */
export function checkEndpointUrl(text: string): { ok: true; url: string; origin: string } | { ok: false; problem: AddressProblem } {
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, problem: 'empty' };
  if (!URL.canParse(trimmed)) return { ok: false, problem: 'not-a-url' };
  const url = new URL(trimmed);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocal(url))) return { ok: false, problem: 'not-https' };
  if (url.username || url.password || url.search || url.hash) return { ok: false, problem: 'has-extras' };
  return { ok: true, url: trimmed, origin: url.origin };
}

/** The origin of a URL, or null when it is not one. */
export function originOf(url: string): string | null {
  return URL.canParse(url) ? new URL(url).origin : null;
}
