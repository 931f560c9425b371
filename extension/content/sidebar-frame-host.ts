import type { Practitioner } from '../../contract/referral-bundle';
import type { ReferralStatus } from '../shared/messages';
import type { RuleSetMatch } from '../shared/rule-engine';
import {
  SIDEBAR_PORT_PREFIX,
  type FromSidebarFrame,
  type PageContext,
  type PatientOnPage,
  type PlacementProblem,
  type SidebarLayout,
  type ToSidebarFrame,
} from '../shared/sidebar-channel';
import type { Lifetime } from './lifetime';
import type { PageDock } from './page-dock';
import { SIDEBAR_HOST } from './ui-hosts';

/** The widths the sidebar takes at the page edge, per layout. */
export const SIDEBAR_WIDTHS: Record<SidebarLayout, number> = { hidden: 0, tab: 36, panel: 340 };

/**
 * How often the page may take the sidebar away before the content script stops putting it back and
 * says so on the toolbar: a page that removes it once (or re-renders its whole document now and
 * then) gets it back; one that removes it on sight would otherwise make us reload it forever.
 */
export const REMOUNT_LIMIT = { count: 5, withinMs: 10_000, retryAfterMs: 30_000 };

/**
 * How long the GP must not have typed in the EHR before a prompt opens its panel by itself. Opening it
 * narrows the EHR (a layout of the whole page: 50–90 ms on a 50,000-node page), so it waits for a
 * pause; until then the prompt shows at once in the tab, whose strip is reserved when the page is
 * watched. A click on the tab opens it at any time.
 */
export const TYPING_PAUSE_MS = 1_200;

/** The part of a `runtime.Port` the host uses (a real port in the browser, a fake in tests). */
export interface FramePort {
  name: string;
  sender?: { id?: string; url?: string };
  postMessage(message: ToSidebarFrame): void;
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

export interface SidebarFrameHostDependencies {
  document: Document;
  lifetime: Lifetime;
  dock: PageDock;
  /** The sidebar page's URL for a frame with this one-time key (`runtime.getURL` + `#key`). */
  frameUrl(key: string): string;
  /** Whether a connecting port comes from this extension's sidebar page. */
  isOwnSidebar(port: FramePort): boolean;
  /** Hands over every port that connects to this content script; returns how to stop. */
  onFrameConnect(listener: (port: FramePort) => void): () => void;
  /**
   * Firefox, where the frame cannot connect (sidebar-handover.ts): hands the loaded frame its
   * channel and returns our end. Absent where the frame connects itself.
   */
  handOver?(frame: HTMLIFrameElement, key: string): FramePort | null;
  /** A one-time key nobody can guess. */
  randomKey(): string;
  /** The sidebar's frame title (i18n). */
  title: string;
  /** Tells the background (and so the toolbar) that the page keeps the sidebar from showing, or no longer does. */
  reportBlocked(blocked: boolean): void;
  now(): number;
}

/** What the EHR page's content script tells the sidebar. */
export interface SidebarLink {
  patientChanged(patient: PatientOnPage | null, practitioner: Practitioner): void;
  triggersFound(matches: RuleSetMatch[]): void;
  referralStatus(status: ReferralStatus): void;
  /** Whether a node is the sidebar's host (never read as page content). */
  contains(node: Node): boolean;
  remove(): void;
}

/**
 * Where the GP's click landed on the page, seen from the page side: the sidebar must be the top
 * element there (a cover with `pointer-events: none` escapes this check; the frame's occlusion
 * tracking catches it where the browser has IntersectionObserver v2), opaque and unfiltered, wholly
 * inside the window, and the tab visible.
 */
export function placementProblem(doc: Document, host: Element, frame: Element, x: number, y: number): PlacementProblem | null {
  const view = doc.defaultView;
  if (!view || doc.visibilityState !== 'visible') return 'page-hidden';
  const box = frame.getBoundingClientRect();
  if (box.width === 0 || box.height === 0 || !host.isConnected) return 'hidden';
  if (box.left < 0 || box.top < 0 || box.right > view.innerWidth + 0.5 || box.bottom > view.innerHeight + 0.5) return 'off-screen';
  const point = { x: box.left + x, y: box.top + y };
  if (point.x < box.left || point.x > box.right || point.y < box.top || point.y > box.bottom) return 'covered';
  if (doc.elementsFromPoint(point.x, point.y)[0] !== host || paintedAbove(doc, host, point)) return 'covered';
  if (typeof host.checkVisibility === 'function' && !host.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true })) {
    return 'hidden';
  }
  // The host's own look is locked from inside its shadow root; what it sits in (html) is the page's.
  for (let element: Element | null = host; element; element = element.parentElement) {
    const style = view.getComputedStyle(element);
    if (style.opacity !== '1' || style.visibility !== 'visible' || style.filter !== 'none' || style.clipPath !== 'none' || (style.mask && style.mask !== 'none')) return 'hidden';
    if (element !== host && style.transform !== 'none') return 'hidden';
  }
  return null;
}

/**
 * Whether something of the page may be painted over the host at `point` while letting clicks through
 * (`pointer-events: none`), which hit testing does not see. The host is the last child of <html>
 * with the highest z-index, so only these can be above it: what the page put after it in <html>, the
 * top layer (an open popover, a fullscreen element) and <html>'s own ::after. Chromium's occlusion
 * tracking (IntersectionObserver v2) sees such a cover from the frame as well; Firefox has none, so
 * there this is the check.
 */
function paintedAbove(doc: Document, host: Element, point: { x: number; y: number }): boolean {
  const covers = (element: Element) => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && point.x >= box.left && point.x <= box.right && point.y >= box.top && point.y <= box.bottom;
  };
  for (let sibling = host.nextElementSibling; sibling; sibling = sibling.nextElementSibling) {
    if (covers(sibling) || [...sibling.querySelectorAll('*')].some(covers)) return true;
  }
  let popovers: Element[] = [];
  try {
    popovers = [...doc.querySelectorAll(':popover-open')];
  } catch {
    // A browser without popovers has none open.
  }
  if (popovers.some(covers)) return true;
  if (doc.fullscreenElement && doc.fullscreenElement !== host && covers(doc.fullscreenElement)) return true;
  const after = doc.defaultView?.getComputedStyle(doc.documentElement, '::after');
  return Boolean(after && after.content !== 'none' && after.content !== 'normal' && after.display !== 'none');
}

/**
 * The sidebar as the content script holds it: an extension page in a frame, inside a closed shadow
 * root on `<html>`. The page cannot read or script the frame (another origin) nor reach the frame
 * element (closed root); keys typed in it never reach the page. The host's look is locked with
 * `!important` rules inside the shadow root, which beat the page's own. If the page removes or moves
 * the host, it comes back (a moved frame reloads, so it is rebuilt and told everything again); if
 * the page keeps at it, the toolbar says screening is off.
 */
export function createSidebarFrameHost(deps: SidebarFrameHostDependencies, page: PageContext): SidebarLink {
  const { document: doc } = deps;
  let layout: SidebarLayout = 'hidden';
  let host: HTMLElement | null = null;
  let frame: HTMLIFrameElement | null = null;
  let style: HTMLStyleElement | null = null;
  let key = '';
  let port: FramePort | null = null;
  let blocked = false;
  let removed = false;
  const remounts: number[] = [];
  // When the GP last typed in the EHR, and the wait for a pause under way, if any.
  let lastInputAt = Number.NEGATIVE_INFINITY;
  let pauseTimer: ReturnType<typeof setTimeout> | null = null;
  const typingWatch = new AbortController();
  for (const type of ['keydown', 'input']) {
    doc.addEventListener(type, () => (lastInputAt = deps.now()), { capture: true, passive: true, signal: typingWatch.signal });
  }
  // What the frame must know, in order, to show what it showed: replayed to every new frame.
  let patientMessage: ToSidebarFrame | null = null;
  let triggerMessages: ToSidebarFrame[] = [];
  const forwardedRuleSets = new Set<string>();

  function hostCss(): string {
    const width = SIDEBAR_WIDTHS[layout];
    return (
      `:host{all:initial !important;display:${width === 0 ? 'none' : 'block'} !important;position:fixed !important;top:0 !important;right:0 !important;` +
      `width:${width}px !important;height:100vh !important;z-index:2147483647 !important;opacity:1 !important;visibility:visible !important;` +
      `transform:none !important;filter:none !important;clip-path:none !important;pointer-events:auto !important;}` +
      'iframe{display:block;border:0;margin:0;padding:0;width:100%;height:100%;background:transparent;color-scheme:light;}'
    );
  }

  function post(message: ToSidebarFrame): void {
    try {
      port?.postMessage(message);
    } catch {
      port = null;
    }
  }

  function applyLayout(next: SidebarLayout): void {
    layout = next;
    if (style) style.textContent = hostCss();
    deps.dock.set(SIDEBAR_WIDTHS[next]);
  }

  function mount(): void {
    key = deps.randomKey();
    port?.disconnect();
    port = null;
    host?.remove();
    host = doc.createElement(SIDEBAR_HOST);
    const shadow = host.attachShadow({ mode: 'closed' });
    style = doc.createElement('style');
    frame = doc.createElement('iframe');
    frame.title = deps.title;
    frame.src = deps.frameUrl(key);
    if (deps.handOver) {
      const handOver = deps.handOver;
      const [loaded, loadedKey] = [frame, key];
      loaded.addEventListener('load', () => {
        const candidate = handOver(loaded, loadedKey);
        if (candidate) connected(candidate);
      }, { once: true });
    }
    shadow.append(style, frame);
    // The frame starts hidden and shows itself once it has something to show: a new frame shows
    // what the last one showed only after it has caught up.
    applyLayout('hidden');
    doc.documentElement.append(host);
  }

  function hostTakenAway(): void {
    if (removed || deps.lifetime.ended || blocked) return;
    const now = deps.now();
    remounts.push(now);
    while (remounts.length > 0 && now - remounts[0]! > REMOUNT_LIMIT.withinMs) remounts.shift();
    if (remounts.length > REMOUNT_LIMIT.count) {
      blocked = true;
      host?.remove();
      deps.dock.set(0);
      deps.reportBlocked(true);
      return;
    }
    mount();
  }

  // Removal and moves of the host are seen at once; a page that swaps <html> is seen by the check below.
  const observer = new MutationObserver(() => {
    if (host && host.parentNode !== doc.documentElement) hostTakenAway();
  });
  observer.observe(doc.documentElement, { childList: true });
  const stopChecking = deps.lifetime.every(2_000, () => {
    if (blocked) {
      // Try again after a while: the page may have stopped. Until then, keep the toolbar saying so.
      if (deps.now() - remounts[remounts.length - 1]! < REMOUNT_LIMIT.retryAfterMs) return deps.reportBlocked(true);
      blocked = false;
      remounts.length = 0;
      deps.reportBlocked(false);
      mount();
      return;
    }
    if (host && host.parentNode !== doc.documentElement) {
      observer.disconnect();
      observer.observe(doc.documentElement, { childList: true });
      hostTakenAway();
    }
  });

  /** Tells the sidebar once the GP has paused typing, so that a waiting prompt may open its panel. */
  function waitForPause(): void {
    if (pauseTimer !== null || removed) return;
    const check = () => {
      const quietFor = deps.now() - lastInputAt;
      if (quietFor >= TYPING_PAUSE_MS) {
        pauseTimer = null;
        post({ type: 'typing-paused' });
      } else {
        pauseTimer = setTimeout(check, TYPING_PAUSE_MS - quietFor);
      }
    };
    pauseTimer = setTimeout(check, 0);
  }

  function connected(candidate: FramePort): void {
    if (candidate.name !== SIDEBAR_PORT_PREFIX + key || !deps.isOwnSidebar(candidate) || port) {
      candidate.disconnect();
      return;
    }
    port = candidate;
    candidate.onMessage.addListener((raw) => onFrameMessage(candidate, raw));
    candidate.onDisconnect.addListener(() => {
      if (port !== candidate) return;
      port = null;
      // Our frame went away while its host stayed: the page navigated it elsewhere. Rebuild it.
      if (!removed && !deps.lifetime.ended && host?.isConnected) hostTakenAway();
    });
    post({ type: 'session', page });
    if (patientMessage) post(patientMessage);
    for (const message of triggerMessages) post(message);
    if (triggerMessages.length > 0) waitForPause();
  }

  function onFrameMessage(from: FramePort, raw: unknown): void {
    if (from !== port || typeof raw !== 'object' || raw === null) return;
    const message = raw as FromSidebarFrame;
    if (message.type === 'layout' && (message.layout === 'hidden' || message.layout === 'tab' || message.layout === 'panel')) {
      applyLayout(message.layout);
    } else if (message.type === 'placement?' && Number.isInteger(message.id) && Number.isFinite(message.x) && Number.isFinite(message.y)) {
      const problem = host && frame ? placementProblem(doc, host, frame, message.x, message.y) : 'hidden';
      post({ type: 'placement', id: message.id, problem });
    }
  }

  const stopListening = deps.onFrameConnect(connected);
  mount();

  return {
    patientChanged(patient, practitioner) {
      patientMessage = { type: 'patient', patient, practitioner };
      triggerMessages = [];
      forwardedRuleSets.clear();
      post(patientMessage);
    },
    triggersFound(matches) {
      // Each rule set's first trigger is all the sidebar needs; the rest would be a message per keystroke.
      const fresh = matches.filter((match) => !forwardedRuleSets.has(match.ruleSetId));
      if (fresh.length === 0) return;
      for (const match of fresh) forwardedRuleSets.add(match.ruleSetId);
      const message: ToSidebarFrame = { type: 'triggers', matches: fresh };
      triggerMessages.push(message);
      post(message);
      waitForPause();
    },
    referralStatus(status) {
      post({ type: 'status', status });
    },
    contains: (node) => node === host,
    remove() {
      removed = true;
      observer.disconnect();
      stopChecking();
      typingWatch.abort();
      if (pauseTimer !== null) clearTimeout(pauseTimer);
      stopListening();
      port?.disconnect();
      port = null;
      host?.remove();
      deps.dock.set(0);
      if (blocked) deps.reportBlocked(false);
    },
  };
}
