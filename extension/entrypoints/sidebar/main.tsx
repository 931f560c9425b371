import { render } from 'preact';
import { browser } from 'wxt/browser';
import { createTranslator } from '../../shared/i18n';
import { localeFromLanguageTag } from '../../shared/locale';
import type { RequestMessage, Response, ResponseMap } from '../../shared/messages';
import { SIDEBAR_PORT_PREFIX, type ToSidebarFrame } from '../../shared/sidebar-channel';
import { createClickGuard, observeVisibility } from '../../pages/sidebar/click-guard';
import { Sidebar } from '../../pages/sidebar/Sidebar';
import { startSidebarFrame } from '../../pages/sidebar/sidebar-frame';
import { receiveHandedPort } from '../../pages/sidebar/handed-port';
import '../../pages/palette.css';
import '../../pages/sidebar/sidebar.css';

// Wiring only: the sidebar page, framed by the EHR content script inside a closed shadow root. It
// finds its tab through the background (which refuses unless the tab's page is watched) and opens a
// port to that tab's content script, named with the one-time key from its URL's fragment.
const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
document.documentElement.lang = localeFromLanguageTag(browser.i18n.getUILanguage());
const app = document.getElementById('app')!;
const send = <M extends RequestMessage>(message: M) => browser.runtime.sendMessage(message) as Promise<Response<ResponseMap[M['type']]>>;
const reportError = (context: string, error: unknown) => console.warn(`[Vroegsignaal] ${context} failed:`, error instanceof Error ? error.message : error);

// Firefox frames have no tabs API: the content script hands them a channel (handed-port.ts).
const handedPort = import.meta.env.FIREFOX ? receiveHandedPort(window, location.hash.slice(1)) : null;

void send({ type: 'sidebar/attach' }).then(async (attached) => {
  if (!attached.ok) return reportError('attach', attached.error.message);
  const port = handedPort ? portOf(await handedPort) : browser.tabs.connect(attached.data.tabId, { frameId: 0, name: SIDEBAR_PORT_PREFIX + location.hash.slice(1) });
  const guard = createClickGuard({
    now: () => performance.now(),
    hasUserActivation: () => navigator.userActivation?.isActive ?? true,
    askPlacement: (x, y) => frame.askPlacement(x, y),
  });
  observeVisibility(app, guard.visibilityChanged);
  const frame = startSidebarFrame({
    channel: {
      postMessage: (message) => port.postMessage(message),
      onMessage: (listener) => port.onMessage.addListener((message) => listener(message as ToSidebarFrame)),
    },
    send,
    render: (view) => render(view ? <Sidebar state={view.state} actions={view.actions} page={view.page} guard={guard} t={t} /> : null, app),
    reportError,
    describeSubmitError: (response) =>
      response.error.code === 'invalid-referral' || response.error.code === 'invalid-message'
        ? t('submitError_invalid', [(response.error.problems ?? []).map((p) => p.message).join('; ') || response.error.message])
        : t('submitError_internal', [response.error.message]),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
  });
  port.onDisconnect.addListener(() => frame.disconnected());
}, (error: unknown) => reportError('attach', error));

/** A handed-over MessagePort with the parts of a runtime.Port used above (it never reports a disconnect). */
function portOf(port: MessagePort) {
  port.start();
  return {
    postMessage: (message: unknown) => port.postMessage(message),
    onMessage: { addListener: (listener: (message: unknown) => void) => port.addEventListener('message', (event) => listener(event.data)) },
    onDisconnect: { addListener: (_listener: () => void) => {} },
  };
}
