import type { PageAdapter } from '../shared/page-adapter';
import type { RuleSetMatch, TextPlace, TriggerMatcher } from '../shared/rule-engine';
import type { PatientOnPage } from '../shared/sidebar-channel';
import { readPatient } from './page-reader';

export interface SignalScannerOptions {
  document: Document;
  adapter: PageAdapter;
  /** Rule sets that look at the consult being written. */
  matcher: TriggerMatcher;
  /** Rule sets that also look at the history; null when none does (the history is then not read at all). */
  historyMatcher: TriggerMatcher | null;
  /** Our own UI and anything else that must never count as page content. */
  ignore: (node: Node) => boolean;
  onPatientChanged: (patient: PatientOnPage | null) => void;
  onTriggers: (matches: RuleSetMatch[]) => void;
}

export interface SignalScanner {
  /** Looks again at who is open (after a URL change, which need not touch the DOM). */
  recheckPatient(): void;
  /** Disconnects every observer and listener, in this document, its same-origin frames and open shadow roots. */
  stop(): void;
}

type Region = 'consult' | 'history';
const FIELD_TAGS = new Set(['INPUT', 'TEXTAREA', 'SELECT']);

/** A selector list the browser accepts, or '' (configuration is checked, but the page is hostile ground). */
function usableSelector(doc: Document, selectors: readonly string[] | undefined): string {
  const joined = (selectors ?? []).join(', ');
  if (!joined) return '';
  try {
    doc.querySelector(joined);
    return joined;
  } catch {
    return '';
  }
}

/** `closest` across open shadow roots: from inside a shadow tree, on through its host. */
function closestComposed(element: Element, selector: string): Element | null {
  for (let at: Element | null = element; at; ) {
    const found = at.closest(selector);
    if (found) return found;
    // A document has no host: the walk ends there. (No instanceof: frames have their own ShadowRoot.)
    at = (at.getRootNode() as Partial<ShadowRoot>).host ?? null;
  }
  return null;
}

/**
 * Watches an EHR page for trigger codes, names and terms, and for the open patient changing. Codes
 * arrive as text nodes, list items, tags, attributes, input values and selections, in same-origin
 * iframes, in open shadow roots and across single-page navigation. After one full scan, work is
 * proportional to what changed: mutations are read for their own nodes only, field edits for the
 * edited field only.
 */
export function startSignalScanner(options: SignalScannerOptions): SignalScanner {
  const { adapter, matcher, historyMatcher, ignore } = options;
  const topDocument = options.document;
  const include = usableSelector(topDocument, adapter.scan.include);
  const exclude = usableSelector(topDocument, adapter.scan.exclude);
  const diagnoses = usableSelector(topDocument, adapter.scan.diagnoses);
  const history = historyMatcher ? usableSelector(topDocument, adapter.history?.regions) : '';
  const attributes = (adapter.scan.attributes ?? []).filter((name) => /^[a-z][a-z0-9_.:-]*$/i.test(name));
  /** What may sit inside a subtree that is itself outside every region: a region, or a frame. */
  const insideSelector = [include, history, 'iframe'].filter(Boolean).join(', ');
  let patient = readPatient(topDocument, adapter);
  const cleanups: Array<() => void> = [];
  const watchedRoots = new WeakSet<Document | ShadowRoot>();
  const watchedFrames = new WeakSet<HTMLIFrameElement>();

  /** Which part of the page an element belongs to, if any we read. */
  function regionOf(element: Element): Region | null {
    if (ignore(element)) return null;
    if (exclude && closestComposed(element, exclude)) return null;
    if (history && closestComposed(element, history)) return 'history';
    if (!include || closestComposed(element, include)) return 'consult';
    return null;
  }

  function placeOf(element: Element): TextPlace {
    if (element.tagName === 'INPUT' || element.tagName === 'SELECT') return 'diagnosis';
    return diagnoses && closestComposed(element, diagnoses) ? 'diagnosis' : 'text';
  }

  function report(text: string | null | undefined, region: Region, place: TextPlace): void {
    if (!text) return;
    const regionMatcher = region === 'history' ? historyMatcher : matcher;
    const matches = regionMatcher?.scan(text, place) ?? [];
    if (matches.length > 0) options.onTriggers(matches);
  }

  function fieldText(field: Element): string {
    // Tag names, not instanceof: fields in iframes belong to another window's constructors.
    if (field.tagName === 'SELECT') return Array.from((field as HTMLSelectElement).selectedOptions, (option) => option.text).join(' ');
    return (field as HTMLInputElement | HTMLTextAreaElement).value;
  }

  function reportElement(element: Element, region: Region): void {
    if (FIELD_TAGS.has(element.tagName)) report(fieldText(element), region, placeOf(element));
    for (const name of attributes) {
      const value = element.getAttribute(name);
      if (value) report(value, region, 'diagnosis');
    }
  }

  /** Reads a subtree known to be in `region`: text, fields, attributes; opens shadow roots and frames on the way. */
  function scanSubtree(root: Element | ShadowRoot, region: Region): void {
    const doc = root.ownerDocument ?? topDocument;
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
      acceptNode(node) {
        if (node.nodeType !== Node.ELEMENT_NODE) return NodeFilter.FILTER_ACCEPT;
        const element = node as Element;
        // Rejecting skips the whole subtree: our own UI and excluded regions are never read.
        return ignore(element) || (exclude && element.matches(exclude)) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      },
    });
    const visitElement = (element: Element) => {
      reportElement(element, region);
      if (element.shadowRoot) watchRoot(element.shadowRoot, region);
      if (element.tagName === 'IFRAME') watchFrame(element as HTMLIFrameElement);
    };
    if (root.nodeType === Node.ELEMENT_NODE) visitElement(root as Element);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        const parent = node.parentElement;
        if (parent) report(node.nodeValue, region, placeOf(parent));
      } else {
        visitElement(node as Element);
      }
    }
  }

  /** Scans whatever part of `element` is in a region: all of it, or the regions inside it. */
  function scanElement(element: Element): void {
    if (ignore(element)) return;
    const region = regionOf(element);
    if (region) {
      scanSubtree(element, region);
      return;
    }
    // Most of what a single-page EHR re-renders lies outside the regions we read: one pass over the
    // added subtree finds any region or frame inside it, instead of one pass per kind.
    for (const found of element.querySelectorAll(insideSelector)) {
      if (found.tagName === 'IFRAME') {
        watchFrame(found as HTMLIFrameElement);
        continue;
      }
      const foundRegion = regionOf(found);
      // Scanned as the region it opens, not from inside one it merely sits in (that one is scanned whole).
      if (foundRegion && found.matches(foundRegion === 'consult' ? include || '*' : history)) scanSubtree(found, foundRegion);
    }
  }

  function scanDocument(doc: Document): void {
    if (doc.body) scanElement(doc.body);
  }

  function checkPatient(): boolean {
    const current = readPatient(topDocument, adapter);
    if (current?.key === patient?.key && current?.phone === patient?.phone && current?.name === patient?.name) return false;
    const switched = current?.key !== patient?.key;
    patient = current;
    if (switched) options.onPatientChanged(current);
    return switched;
  }

  function onMutations(records: MutationRecord[]): void {
    if (checkPatient()) {
      // A new patient: what is on screen now belongs to them, so look at all of it once.
      scanDocument(topDocument);
      return;
    }
    for (const record of records) {
      if (record.type === 'characterData') {
        const parent = record.target.parentElement;
        const region = parent && regionOf(parent);
        if (region) report(record.target.nodeValue, region, placeOf(parent));
      } else if (record.type === 'attributes') {
        const target = record.target as Element;
        const region = regionOf(target);
        if (region) reportElement(target, region);
      } else {
        for (const added of record.addedNodes) {
          if (added.nodeType === Node.TEXT_NODE) {
            const parent = added.parentElement;
            const region = parent && regionOf(parent);
            if (region) report(added.nodeValue, region, placeOf(parent));
          } else if (added.nodeType === Node.ELEMENT_NODE) {
            scanElement(added as Element);
          }
        }
      }
    }
  }

  function observe(root: Document | ShadowRoot): void {
    const observer = new MutationObserver(onMutations);
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['value', ...attributes] });
    cleanups.push(() => observer.disconnect());
  }

  /** A shadow tree is its own world for observers: watch it, and read it once now. */
  function watchRoot(root: ShadowRoot, region: Region): void {
    if (watchedRoots.has(root)) return;
    watchedRoots.add(root);
    observe(root);
    scanSubtree(root, region);
  }

  function watchDocument(doc: Document): void {
    if (watchedRoots.has(doc)) return;
    watchedRoots.add(doc);
    observe(doc);
    // Typing and programmatic fills with events change `.value` without touching the DOM.
    const onFieldEvent = (event: Event) => {
      // From inside a shadow tree the event is retargeted to its host; the path still starts at the field.
      const target = event.composedPath()[0];
      if (!(target instanceof Element) || !FIELD_TAGS.has(target.tagName)) return;
      const region = regionOf(target);
      if (region) reportElement(target, region);
    };
    for (const type of ['input', 'change', 'focusout']) doc.addEventListener(type, onFieldEvent, true);
    cleanups.push(() => {
      for (const type of ['input', 'change', 'focusout']) doc.removeEventListener(type, onFieldEvent, true);
    });
  }

  function attachFrame(frame: HTMLIFrameElement): void {
    let doc: Document | null = null;
    try {
      doc = frame.contentDocument;
    } catch {
      return; // Cross-origin: not ours to read.
    }
    if (!doc || watchedRoots.has(doc)) return;
    watchDocument(doc);
    scanDocument(doc);
  }

  function watchFrame(frame: HTMLIFrameElement): void {
    if (ignore(frame) || watchedFrames.has(frame)) return;
    watchedFrames.add(frame);
    attachFrame(frame);
    // A frame navigates to a new document on every load; each one is watched in turn.
    const onLoad = () => attachFrame(frame);
    frame.addEventListener('load', onLoad);
    cleanups.push(() => frame.removeEventListener('load', onLoad));
  }

  watchDocument(topDocument);
  options.onPatientChanged(patient);
  scanDocument(topDocument);

  return {
    recheckPatient() {
      if (checkPatient()) scanDocument(topDocument);
    },
    stop() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
