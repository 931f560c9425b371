import type { AdapterProposal } from '../../shared/messages';
import { elementText } from '../page-reader';
import { proposeKeyFromUrl, proposeSelector } from './selector-proposal';

/** What the administrator points at, in this order. */
export const TEACH_STEPS = ['name', 'key', 'phone', 'diagnoses', 'freeText'] as const;
export type TeachStep = (typeof TEACH_STEPS)[number];

/** Steps an EHR may not have on its pages: they can be skipped. */
export const OPTIONAL_STEPS: readonly TeachStep[] = ['phone', 'freeText'];

/** What one click taught: the proposed selector and what it finds right now. */
export interface TaughtElement {
  selector: string;
  /** For the patient number: the key read from the URL instead (`/app/patients/{key}/chart`). */
  keyFromUrl?: string;
  unique: boolean;
  matches: number;
  /** What the selector finds now, as text (shown to the administrator in the EHR tab only). */
  found: string;
}

export type Taught = Partial<Record<TeachStep, TaughtElement>>;

/**
 * The element a click meant. Inside an open shadow root a selector cannot be used from the page, so
 * the shadow host stands in: scanning a host reads its shadow tree too.
 */
export function teachableElement(clicked: Element): Element {
  let element = clicked;
  for (let root = element.getRootNode() as Partial<ShadowRoot>; root.host; root = element.getRootNode() as Partial<ShadowRoot>) element = root.host;
  return element;
}

/**
 * Proposes how an adapter finds what the administrator clicked for `step`. Patient data the builder
 * has already seen (name, number) is never used in a selector.
 */
export function teachElement(step: TeachStep, clicked: Element, taught: Taught, pageUrl: string): TaughtElement {
  const element = teachableElement(clicked);
  const avoidValues = [taught.name?.found, taught.key?.found].filter((value): value is string => Boolean(value));
  const proposal = proposeSelector(element, { avoidValues });
  const found = elementText(element).slice(0, 200);
  const taughtElement: TaughtElement = { selector: proposal.selector, unique: proposal.unique, matches: proposal.matches, found };
  if (step === 'key') {
    // A key in the URL outlives any markup change: prefer it when the number appears there.
    const fromUrl = proposeKeyFromUrl(pageUrl, found);
    if (fromUrl) return { ...taughtElement, keyFromUrl: fromUrl };
  }
  return taughtElement;
}

/**
 * What each taught selector finds on the page now: the builder shows it live, so the administrator
 * sees a selector follow the page (another patient opened, a list re-rendered) before saving it.
 */
export function refreshFound(taught: Taught, doc: Document): Taught {
  const refreshed: Taught = {};
  for (const step of TEACH_STEPS) {
    const element = taught[step];
    if (!element) continue;
    let matches: Element[] = [];
    try {
      matches = Array.from(doc.querySelectorAll(element.selector));
    } catch {
      // A proposal is always a valid selector; a page that rewrote itself oddly just finds nothing.
    }
    refreshed[step] = { ...element, matches: matches.length, found: elementText(matches[0] ?? null).slice(0, 200) };
  }
  return refreshed;
}

/** The step after `step` that has not been taught yet, or null when all are done. */
export function nextStep(taught: Taught, skipped: ReadonlySet<TeachStep>): TeachStep | null {
  return TEACH_STEPS.find((step) => !taught[step] && !skipped.has(step)) ?? null;
}

/** What the builder hands to the options page: selectors only, never the patient data they found. */
export function toProposal(taught: Taught, pageUrl: string): AdapterProposal {
  const warnings: string[] = [];
  for (const step of TEACH_STEPS) {
    const element = taught[step];
    if (element && !element.unique && !(step === 'key' && element.keyFromUrl)) warnings.push(`${step}: ${element.selector} (${element.matches})`);
  }
  return {
    url: pageUrl,
    patient: {
      ...(taught.name ? { name: taught.name.selector } : {}),
      ...(taught.key?.keyFromUrl ? { keyFromUrl: taught.key.keyFromUrl } : taught.key ? { key: taught.key.selector } : {}),
      ...(taught.phone ? { phone: taught.phone.selector } : {}),
    },
    ...(taught.diagnoses ? { diagnoses: taught.diagnoses.selector } : {}),
    ...(taught.freeText ? { freeText: taught.freeText.selector } : {}),
    warnings,
  };
}
