/**
 * The content script's own lifetime. WXT's content-script context ends as soon as any script on the
 * page dispatches its start-up event, which a page can forge to switch screening off; this one ends
 * only when the extension itself is gone (reloaded, updated or removed: `runtime.id` disappears).
 * Every long-lived thing the content script starts (listeners, intervals, observers) is tied to it.
 */
export function createLifetime(isExtensionAlive: () => boolean) {
  const controller = new AbortController();
  const endings: Array<() => void> = [];

  function end(): void {
    if (controller.signal.aborted) return;
    controller.abort();
    for (const ending of endings.splice(0).reverse()) {
      try {
        ending();
      } catch {
        // One failing clean-up must not keep the others from running.
      }
    }
  }

  /** Ends the lifetime if the extension is gone; returns whether it is still alive. */
  function check(): boolean {
    if (!controller.signal.aborted && !isExtensionAlive()) end();
    return !controller.signal.aborted;
  }

  return {
    get ended(): boolean {
      return controller.signal.aborted;
    },
    check,
    end,
    /** Runs `ending` when the lifetime ends (at once if it already has). */
    onEnd(ending: () => void): void {
      if (controller.signal.aborted) ending();
      else endings.push(ending);
    },
    /** `addEventListener` that is removed when the lifetime ends. */
    listen(target: EventTarget, type: string, handler: (event: Event) => void, options: AddEventListenerOptions = {}): void {
      target.addEventListener(type, handler, { ...options, signal: controller.signal });
    },
    /**
     * `setInterval` that stops when the lifetime ends (or when the returned function is called);
     * each tick first checks the extension is still there.
     */
    every(ms: number, tick: () => void): () => void {
      const id = setInterval(() => {
        if (check()) tick();
      }, ms);
      const stop = () => clearInterval(id);
      endings.push(stop);
      return stop;
    },
  };
}

export type Lifetime = ReturnType<typeof createLifetime>;

/**
 * Calls `onChange` with the page's new URL whenever it changes without a page load (a single-page
 * EHR moving between views). The URL is always read from `location`, never taken from an event, so a
 * page that forges navigation events can make the content script look again but not lie to it.
 */
export function watchLocation(lifetime: Lifetime, win: Window, onChange: (url: string) => void, pollMs = 1_000): void {
  let last = win.location.href;
  const look = () => {
    const now = win.location.href;
    if (now === last) return;
    last = now;
    onChange(now);
  };
  for (const type of ['popstate', 'hashchange']) lifetime.listen(win, type, look);
  const navigation = (win as Window & { navigation?: EventTarget }).navigation;
  if (navigation) lifetime.listen(navigation, 'navigatesuccess', look);
  // pushState fires no event outside the Navigation API: polling is the fallback everywhere.
  lifetime.every(pollMs, look);
}
