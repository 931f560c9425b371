/**
 * Imported first by the EHR content script, before the browser API module reads `globalThis.browser`.
 * A page can "clobber" globals with named elements (`<form id="browser"><input name="runtime"
 * id="x">`): `browser.runtime.id` is then truthy and the API module would take the page's form for
 * the extension API, switching screening off. An own property on the content script's global hides
 * the page's named element; Chromium's content scripts have no native `browser`, so the API module
 * then wraps `chrome`, which the page cannot clobber (it is an own property of this world's global).
 */
const candidate = (globalThis as { browser?: unknown }).browser;
if (candidate !== undefined && !isExtensionApi(candidate)) {
  Object.defineProperty(globalThis, 'browser', { value: undefined, writable: true, configurable: true });
}

function isExtensionApi(value: unknown): boolean {
  // A DOM node is never the extension API, whatever its named children say.
  if (typeof Node !== 'undefined' && value instanceof Node) return false;
  if (typeof HTMLCollection !== 'undefined' && value instanceof HTMLCollection) return false;
  const runtime = (value as { runtime?: unknown } | null)?.runtime;
  return typeof runtime === 'object' && runtime !== null && typeof (runtime as { sendMessage?: unknown }).sendMessage === 'function';
}

export {};
