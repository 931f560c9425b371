import type { Practitioner } from '../../contract/referral-bundle';
import { AGB_PATTERN } from '../../contract/referral-contract';
import type { Locale } from '../shared/locale';
import type { PatientOnPage } from '../shared/sidebar-channel';
import { keyFromUrlPath, type PageAdapter } from '../shared/page-adapter';
import { parseHistoryDate, type HistoryItem } from '../shared/rule-engine';

/**
 * `querySelector` that never throws: selectors are checked when configuration is saved, but a page
 * is hostile ground and one bad selector must not stop screening.
 */
export function querySafely(root: ParentNode, selector: string | undefined): Element | null {
  if (!selector) return null;
  try {
    return root.querySelector(selector);
  } catch {
    return null;
  }
}

/** `querySelectorAll` that never throws. */
export function queryAllSafely(root: ParentNode, selector: string | undefined): Element[] {
  if (!selector) return [];
  try {
    return Array.from(root.querySelectorAll(selector));
  } catch {
    return [];
  }
}

/** An element's text as a person reads it: a field's value, else its text, whitespace folded. */
export function elementText(element: Element | null): string {
  if (!element) return '';
  const value =
    element.tagName === 'INPUT' || element.tagName === 'TEXTAREA' || element.tagName === 'SELECT'
      ? (element as HTMLInputElement).value
      : element.textContent;
  return (value ?? '').replace(/\s+/g, ' ').trim();
}

function textOf(root: ParentNode, selector: string | undefined): string {
  return elementText(querySafely(root, selector));
}

/**
 * Reads the open patient: the key from the banner's attribute, an element or the URL, and the
 * details from the banner (or the page when the adapter names no banner). Null while no patient
 * is open (the banner, or the key, is not there).
 */
export function readPatient(doc: Document, adapter: PageAdapter): PatientOnPage | null {
  const config = adapter.patient;
  if (!config) return { key: `${doc.location.pathname}${doc.location.search}`, name: '', phone: '', birthDate: '' };
  const banner = config.banner ? querySafely(doc, config.banner) : doc;
  if (!banner) return null;
  let key = '';
  if (config.keyFromUrl) key = keyFromUrlPath(config.keyFromUrl, doc.location.pathname) ?? '';
  else if (config.keyAttribute) key = ((banner as Element).getAttribute?.(config.keyAttribute) ?? '').trim();
  else key = textOf(banner, config.key);
  if (!key) return null;
  const time = querySafely(banner, config.birthDate);
  const birthDate = time?.tagName === 'TIME' && time.getAttribute('datetime') ? time.getAttribute('datetime')!.trim() : elementText(time);
  return { key, name: textOf(banner, config.name), phone: textOf(banner, config.phone), birthDate };
}

/** The logged-in GP as the page shows them; empty when the page does not say. */
export function readPractitioner(doc: Document, adapter: PageAdapter): Practitioner {
  const config = adapter.practitioner;
  const root = config ? querySafely(doc, config.root) : null;
  if (!config || !root) return {};
  const name = (config.name ? textOf(root, config.name) : elementText(root)) || undefined;
  const agb = config.agbAttribute ? root.getAttribute(config.agbAttribute)?.trim() : undefined;
  return { ...(name ? { name } : {}), ...(agb && AGB_PATTERN.test(agb) ? { agb } : {}) };
}

/**
 * The languages whose terms and diagnosis names count on this page: those the adapter names, else
 * every locale the rule sets list. Not the page's own `lang`: EHRs get it wrong (an English `lang`
 * on a Dutch page), and a missed signal costs more than a rare word in another language.
 */
export function pageLanguages(adapter: PageAdapter): Locale[] | undefined {
  return adapter.languages;
}

/** The dated history entries (episodes, journal lines) the adapter points at. */
export function readHistory(doc: Document, adapter: PageAdapter): HistoryItem[] {
  const history = adapter.history;
  if (!history?.item) return [];
  const items: HistoryItem[] = [];
  for (const region of history.regions.flatMap((selector) => queryAllSafely(doc, selector))) {
    for (const item of queryAllSafely(region, history.item)) {
      const dateElement = querySafely(item, history.date);
      const dateText = dateElement?.getAttribute('datetime') ?? elementText(dateElement);
      items.push({ date: parseHistoryDate(dateText), text: item.textContent ?? '' });
    }
  }
  return items;
}
