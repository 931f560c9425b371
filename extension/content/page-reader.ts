import type { Practitioner } from '../../contract/referral-bundle';
import { AGB_PATTERN } from '../../contract/referral-contract';
import type { Locale } from '../shared/locale';
import type { PageAdapter } from '../shared/page-adapter';

/** What the page says about the patient who is open. */
export interface PatientOnPage {
  key: string;
  name: string;
  phone: string;
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
  return { ...(name ? { name } : {}), ...(agb && AGB_PATTERN.test(agb) ? { agb } : {}) };
}

/** The page's declared language, when it is one the rule sets have terms for. */
export function pageLocale(doc: Document): Locale | undefined {
  const lang = doc.documentElement.lang.toLowerCase();
  if (lang.startsWith('nl')) return 'nl';
  if (lang.startsWith('en')) return 'en';
  return undefined;
}
