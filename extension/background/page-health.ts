/** What the toolbar shows for a tab: nothing, or that screening is off there and why. */
export type PageHealthProblem = 'no-contact' | 'sidebar-blocked';

export interface PageHealthDependencies {
  /** Whether the content script should be running on this URL (a configured, granted EHR origin). */
  isWatched(url: string): Promise<boolean>;
  /** Shows the problem on the tab's toolbar button, or clears it (null). */
  show(tabId: number, problem: PageHealthProblem | null): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * How long after a watched page finished loading its content script must have asked what to watch.
 * It asks as soon as the page is idle, so this is generous.
 */
export const CONTACT_TIMEOUT_MS = 5_000;

/**
 * Knows, per tab, whether screening truly runs on a watched EHR page, so the GP sees on the toolbar
 * when it does not: the content script never made contact after a load (blocked, crashed, or the page
 * stopped it), or the page keeps removing or hiding the sidebar.
 */
export function createPageHealth(deps: PageHealthDependencies) {
  const awaiting = new Map<number, unknown>();
  const loading = new Set<number>();
  const problems = new Map<number, PageHealthProblem>();

  function set(tabId: number, problem: PageHealthProblem | null): void {
    if ((problems.get(tabId) ?? null) === problem) return;
    if (problem) problems.set(tabId, problem);
    else problems.delete(tabId);
    deps.show(tabId, problem);
  }

  function stopWaiting(tabId: number): void {
    const timer = awaiting.get(tabId);
    if (timer !== undefined) deps.clearTimeout(timer);
    awaiting.delete(tabId);
  }

  return {
    /**
     * A tab started loading a page. A blocked sidebar stays reported: a single-page EHR's navigation
     * also counts as loading, and there the same content script keeps facing the same page (it
     * reports again while it stays blocked, so a real new page clears it soon enough).
     */
    tabLoading(tabId: number): void {
      stopWaiting(tabId);
      loading.add(tabId);
      if (problems.get(tabId) === 'no-contact') set(tabId, null);
    },
    /** A tab finished loading: if the page is watched and the content script has not been heard from, wait for it. */
    async tabLoaded(tabId: number, url: string): Promise<void> {
      if (!loading.has(tabId)) return;
      loading.delete(tabId);
      if (!(await deps.isWatched(url))) return;
      stopWaiting(tabId);
      awaiting.set(
        tabId,
        deps.setTimeout(() => {
          awaiting.delete(tabId);
          set(tabId, 'no-contact');
        }, CONTACT_TIMEOUT_MS),
      );
    },
    /** The tab's content script asked something: it runs. */
    contact(tabId: number): void {
      loading.delete(tabId);
      stopWaiting(tabId);
      if (problems.get(tabId) === 'no-contact') set(tabId, null);
    },
    sidebarBlocked(tabId: number, blocked: boolean): void {
      if (blocked) set(tabId, 'sidebar-blocked');
      else if (problems.get(tabId) === 'sidebar-blocked') set(tabId, null);
    },
    tabClosed(tabId: number): void {
      stopWaiting(tabId);
      loading.delete(tabId);
      problems.delete(tabId);
    },
  };
}

export type PageHealth = ReturnType<typeof createPageHealth>;
