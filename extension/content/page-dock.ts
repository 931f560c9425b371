/**
 * Makes room for the sidebar at the right edge of the EHR page by giving `<html>` a right margin,
 * so the sidebar sits beside the EHR's controls instead of on top of them.
 */
export function createPageDock(doc: Document) {
  let style: HTMLStyleElement | null = null;
  let current = 0;
  return {
    /** Reserves `widthPx` at the right edge; 0 gives the page its full width back. */
    set(widthPx: number): void {
      if (widthPx === current) return;
      current = widthPx;
      if (widthPx === 0) {
        style?.remove();
        style = null;
        return;
      }
      style ??= doc.createElement('style');
      style.id = 'vroegsignaal-dock';
      style.textContent = `html { margin-right: ${widthPx}px !important; }`;
      if (!style.isConnected) (doc.head ?? doc.documentElement).append(style);
    },
    /** Restores the page as it was. */
    remove(): void {
      style?.remove();
      style = null;
      current = 0;
    },
  };
}

export type PageDock = ReturnType<typeof createPageDock>;
