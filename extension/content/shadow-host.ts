/** Vroegsignaal's own UI in an EHR page: a host element whose shadow root holds the UI and its CSS. */
export interface ShadowHost {
  /** The element in the page. */
  host: HTMLElement;
  /** Where the UI renders, inside the shadow root. */
  container: HTMLDivElement;
  /** Whether a node is the host or inside it (never read as page content). */
  contains(node: Node): boolean;
  remove(): void;
}

/**
 * Appends a host element to the page's body with the UI's CSS and a container in its shadow root:
 * the UI's styles stay in, the page's styles stay out (`all: initial` on the host), and the events
 * named in `isolateEvents` (keys typed in the UI) do not reach the page's own listeners. Written here
 * rather than WXT's content-script UI helper, whose anchor-waiting and auto-mount machinery the
 * builder never uses and which cost its content script a few kilobytes. (The sidebar is a frame of its
 * own: see sidebar-frame-host.ts.)
 */
export function mountShadowHost(doc: Document, options: { name: string; css: string; containerClass: string; isolateEvents: readonly string[] }): ShadowHost {
  const host = doc.createElement(options.name);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = `:host{all:initial !important;}\n${options.css}`;
  const container = doc.createElement('div');
  container.className = options.containerClass;
  for (const type of options.isolateEvents) container.addEventListener(type, (event) => event.stopPropagation());
  shadow.append(style, container);
  (doc.body ?? doc.documentElement).append(host);
  return {
    host,
    container,
    contains: (node) => node === host || host.contains(node),
    remove: () => host.remove(),
  };
}
