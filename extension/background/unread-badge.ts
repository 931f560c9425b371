import { unreadBadgeText } from '../shared/work-list';

export interface UnreadBadgeDependencies {
  /** How many work-list items were not opened yet. */
  count: () => Promise<number>;
  /** Sets the toolbar button's global badge (no tab): the per-tab "UIT" of page-health.ts wins on its tab. */
  show: (text: string) => Promise<void>;
  setTimeout: (callback: () => void, ms: number) => unknown;
  log?: (error: unknown) => void;
}

/** Changes come in bursts (a delivery notifies, then answers a message): one count after the burst. */
export const UNREAD_BADGE_DELAY_MS = 250;

/**
 * The unread count of the assistant's work list on the toolbar button. `refresh()` may be called as
 * often as anything changes; it counts once after a short quiet moment, and only sets the badge when
 * its text changes.
 */
export function createUnreadBadge(deps: UnreadBadgeDependencies) {
  let pending = false;
  let shown: string | null = null;

  async function update(): Promise<void> {
    const text = unreadBadgeText(await deps.count());
    if (text === shown) return;
    shown = text;
    await deps.show(text);
  }

  return {
    /** Counts again soon. */
    refresh(): void {
      if (pending) return;
      pending = true;
      deps.setTimeout(() => {
        pending = false;
        update().catch((error: unknown) => deps.log?.(error));
      }, UNREAD_BADGE_DELAY_MS);
    },
    /** Counts now (at start, and in tests). */
    update,
  };
}

export type UnreadBadge = ReturnType<typeof createUnreadBadge>;
