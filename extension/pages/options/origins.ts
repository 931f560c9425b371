// Checks the page makes before asking the browser for access, so an administrator hears at once
// what is wrong with an address. The background validates again and stays the authority.

/** Why an address cannot be used. */
export type AddressProblem = 'empty' | 'not-a-url' | 'not-https' | 'has-path' | 'has-extras';

function isLocal(url: URL): boolean {
  return url.hostname === 'localhost' || url.hostname === '127.0.0.1';
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
