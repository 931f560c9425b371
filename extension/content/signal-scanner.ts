import type { PageAdapter } from '../shared/page-adapter';
import type { Trigger, TriggerMatcher } from '../shared/rule-engine';
import { readPatient, type PatientOnPage } from './page-reader';

export interface SignalScannerOptions {
  document: Document;
  adapter: PageAdapter;
  matcher: TriggerMatcher;
  /** Our own UI and anything else that must never count as page content. */
  ignore: (node: Node) => boolean;
  onPatientChanged: (patient: PatientOnPage | null) => void;
  onTriggers: (triggers: Trigger[]) => void;
}

export interface SignalScanner {
  /** Disconnects every observer and listener, in this document and its same-origin frames. */
  stop(): void;
}

const FIELD_SELECTOR = 'input, textarea, select';

/**
 * Watches an EHR page for trigger codes and terms, and for the open patient changing. Codes arrive
 * as text nodes, list items, tags, input values and selections, in same-origin iframes and across
 * single-page navigation. After one full scan, work is proportional to what changed: mutations are
 * read for their own nodes only, and field edits for the edited field only.
 */
export function startSignalScanner(options: SignalScannerOptions): SignalScanner {
  const { adapter, matcher, ignore } = options;
  const include = adapter.scan.include.join(', ');
  const exclude = adapter.scan.exclude.join(', ');
  const topDocument = options.document;
  let patient = readPatient(topDocument, adapter);
  const cleanups: Array<() => void> = [];
  const framed = new WeakSet<Document>();
  const watchedFrames = new WeakSet<HTMLIFrameElement>();

  function elementInScope(element: Element): boolean {
    if (ignore(element)) return false;
    if (include && !element.closest(include)) return false;
    return !(exclude && element.closest(exclude));
  }

  function report(text: string | null | undefined, codeField = false): void {
    if (!text) return;
    const triggers = options.matcher.scan(text, codeField);
    if (triggers.length > 0) options.onTriggers(triggers);
  }

  /** A field's value; single-line inputs and selects are where codes are typed or picked. */
  function reportField(field: Element): void {
    report(fieldText(field), field.tagName !== 'TEXTAREA');
  }

  function fieldText(field: Element): string {
    // Tag names, not instanceof: fields in iframes belong to another window's constructors.
    if (field.tagName === 'SELECT') return Array.from((field as HTMLSelectElement).selectedOptions, (option) => option.text).join(' ');
    return (field as HTMLInputElement | HTMLTextAreaElement).value;
  }

  function scanSubtree(root: Element): void {
    const doc = root.ownerDocument;
    const walker = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent && !(exclude && parent.closest(exclude)) && !ignore(parent)) report(node.nodeValue);
    }
    if (root.matches(FIELD_SELECTOR)) reportField(root);
    for (const field of root.querySelectorAll(FIELD_SELECTOR)) if (elementInScope(field)) reportField(field);
    if (root.matches('iframe')) watchFrame(root as HTMLIFrameElement);
    for (const frame of root.querySelectorAll('iframe')) watchFrame(frame);
  }

  /** Scans whatever part of `element` is in scope: all of it, or the include regions inside it. */
  function scanElement(element: Element): void {
    if (ignore(element)) return;
    if (elementInScope(element)) {
      scanSubtree(element);
    } else if (include) {
      for (const region of element.querySelectorAll(include)) if (elementInScope(region)) scanSubtree(region);
      for (const frame of element.querySelectorAll('iframe')) watchFrame(frame);
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

  function watch(doc: Document): void {
    const observer = new MutationObserver((records) => {
      if (checkPatient()) {
        // A new patient: what is on screen now belongs to them, so look at all of it once.
        scanDocument(topDocument);
        return;
      }
      for (const record of records) {
        if (record.type === 'characterData') {
          const parent = record.target.parentElement;
          if (parent && elementInScope(parent)) report(record.target.nodeValue);
        } else if (record.type === 'attributes') {
          const target = record.target as Element;
          if (target.matches(FIELD_SELECTOR) && elementInScope(target)) reportField(target);
        } else {
          for (const added of record.addedNodes) {
            if (added.nodeType === Node.TEXT_NODE) {
              const parent = added.parentElement;
              if (parent && elementInScope(parent)) report(added.nodeValue);
            } else if (added.nodeType === Node.ELEMENT_NODE) {
              scanElement(added as Element);
            }
          }
        }
      }
    });
    observer.observe(doc, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['value'] });

    // Typing and programmatic fills with events change `.value` without touching the DOM.
    const onFieldEvent = (event: Event) => {
      const target = event.target;
      if (target instanceof Element && target.matches(FIELD_SELECTOR) && elementInScope(target)) reportField(target);
    };
    for (const type of ['input', 'change', 'focusout']) doc.addEventListener(type, onFieldEvent, true);
    cleanups.push(() => {
      observer.disconnect();
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
    if (!doc || framed.has(doc)) return;
    framed.add(doc);
    watch(doc);
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

  watch(topDocument);
  options.onPatientChanged(patient);
  scanDocument(topDocument);

  return {
    stop() {
      for (const cleanup of cleanups.splice(0)) cleanup();
    },
  };
}
