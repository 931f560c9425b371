import type { PlacementProblem } from '../../shared/sidebar-channel';

/** Why an action in the sidebar was refused. */
export type RefusalReason = 'untrusted' | 'not-visible' | 'too-soon' | PlacementProblem;

/**
 * How long the sidebar must have been wholly visible before it takes a consent or a send: long enough
 * that a page cannot lift a cover just as the GP clicks ("what you see is what you click"), short
 * enough that nobody who read the sidebar notices. Chromium's own permission prompts ignore input for
 * a comparable moment after they appear.
 */
export const MIN_VISIBLE_MS = 600;

export interface ClickGuardDependencies {
  /** Monotonic milliseconds (`performance.now`). */
  now(): number;
  /** Whether the browser counts a user gesture as in progress (`navigator.userActivation.isActive`). */
  hasUserActivation(): boolean;
  /** Asks the content script whether, at this point of the frame, the sidebar is on top and whole. */
  askPlacement(x: number, y: number): Promise<PlacementProblem | null>;
}

/** What the sidebar's controls ask before they act. */
export interface SidebarGuard {
  /** Whether an event is a real user gesture, not one a script made. */
  trusted(event: Event): boolean;
  /**
   * For the acts that record consent or send data: a real gesture, on a sidebar the GP can see in
   * full and on top, and have seen for a moment. Resolves with the reason to refuse, or null.
   */
  confirm(event: Event): Promise<RefusalReason | null>;
}

/** Where a gesture happened, in the frame: the pointer, or for a key press the control's centre. */
function pointOf(event: Event): { x: number; y: number } | null {
  // A pointer click has a click count (detail) and coordinates; a key press on a button has neither.
  const pointer = event as Partial<MouseEvent>;
  if (typeof pointer.clientX === 'number' && typeof pointer.clientY === 'number' && (pointer.detail ?? 0) > 0) return { x: pointer.clientX, y: pointer.clientY };
  const target = event.currentTarget ?? event.target;
  if (target && typeof (target as Element).getBoundingClientRect === 'function') {
    const box = (target as Element).getBoundingClientRect();
    return { x: box.left + box.width / 2, y: box.top + box.height / 2 };
  }
  return null;
}

/**
 * The sidebar's defence against a page that tries to act for the GP or to make the GP act blindly.
 * The frame itself cannot be scripted by the page, so `trusted` is defence in depth; `confirm` is
 * the real guard against clickjacking: the browser's own occlusion tracking (IntersectionObserver
 * v2, fed in through `visibilityChanged`) and an independent check, by the content script, of what
 * is on top at the click point.
 */
export function createClickGuard(deps: ClickGuardDependencies): SidebarGuard & {
  /** Feeds what the browser reports about the frame's visibility (whole, unoccluded, opaque). */
  visibilityChanged(visible: boolean): void;
} {
  let visibleSince: number | null = null;

  function trusted(event: Event): boolean {
    return event.isTrusted && deps.hasUserActivation();
  }

  return {
    trusted,
    visibilityChanged(visible) {
      if (!visible) visibleSince = null;
      else visibleSince ??= deps.now();
    },
    async confirm(event) {
      if (!trusted(event)) return 'untrusted';
      if (visibleSince === null) return 'not-visible';
      if (deps.now() - visibleSince < MIN_VISIBLE_MS) return 'too-soon';
      const point = pointOf(event);
      if (!point) return 'not-visible';
      try {
        return await deps.askPlacement(point.x, point.y);
      } catch {
        // No answer from the page side: the sidebar cannot be vouched for, so nothing happens.
        return 'not-visible';
      }
    },
  };
}

/**
 * Watches a frame's element with IntersectionObserver v2 where the browser has it (`trackVisibility`:
 * occluded, see-through, filtered or transformed counts as not visible) and plain intersection
 * elsewhere, and reports whether it is wholly in view.
 */
export function observeVisibility(target: Element, onChange: (visible: boolean) => void): () => void {
  const init = { threshold: [0, 0.99, 1], trackVisibility: true, delay: 100 } as IntersectionObserverInit;
  const observer = new IntersectionObserver((entries) => {
    const entry = entries[entries.length - 1];
    if (!entry) return;
    const occlusionTracked = 'isVisible' in entry;
    const unoccluded = occlusionTracked ? (entry as IntersectionObserverEntry & { isVisible: boolean }).isVisible : true;
    onChange(entry.isIntersecting && entry.intersectionRatio >= 0.99 && unoccluded);
  }, init);
  observer.observe(target);
  return () => observer.disconnect();
}
