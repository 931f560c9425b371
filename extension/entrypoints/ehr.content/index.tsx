import { render } from 'preact';
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startEhrPage, type SidebarUi } from '../../content/ehr-page';
import { createPageDock } from '../../content/page-dock';
import { mountShadowHost, type ShadowHost } from '../../content/shadow-host';
import { Sidebar } from '../../content/sidebar/Sidebar';
import type { PageContext, SendMessage, SidebarActions } from '../../content/sidebar/sidebar-controller';
import { isSidebarVisible, type SidebarState } from '../../content/sidebar/sidebar-state';
import { SIDEBAR_HOST } from '../../content/ui-hosts';
import { createTranslator } from '../../shared/i18n';
import type { RequestMessage, Response, ResponseMap, TabMessage } from '../../shared/messages';
import styles from './style.css?inline';

const SIDEBAR_WIDTH_PX = 340;
const TAB_WIDTH_PX = 36;

export default defineContentScript({
  // Registered by the background for exactly the EHR origins the practice configured and the browser
  // granted; never listed in the manifest, so it runs nowhere else.
  registration: 'runtime',
  runAt: 'document_idle',
  // The sidebar's CSS is bundled and put in its shadow root: no web-accessible resource a page could probe.
  cssInjectionMode: 'manual',

  main(ctx) {
    const send: SendMessage = <M extends RequestMessage>(message: M) => browser.runtime.sendMessage(message) as Promise<Response<ResponseMap[M['type']]>>;
    const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
    const dock = createPageDock(document);
    let ui: ShadowHost | null = null;

    /** The sidebar's host is added on first use, so an idle page gets nothing added. */
    function mountSidebar(page: PageContext): SidebarUi {
      ui ??= mountShadowHost(document, {
        name: SIDEBAR_HOST,
        css: styles,
        containerClass: 'vs-root',
        // Keys typed in the sidebar must not reach the EHR's own shortcuts or field listeners.
        isolateEvents: ['keydown', 'keyup', 'keypress', 'input', 'change'],
      });
      const { container, contains } = ui;
      let removed = false;
      return {
        draw(state: SidebarState, actions: SidebarActions) {
          if (removed) return;
          const visible = isSidebarVisible(state);
          dock.set(visible ? (state.expanded ? SIDEBAR_WIDTH_PX : TAB_WIDTH_PX) : 0);
          render(<Sidebar state={state} actions={actions} page={page} t={t} />, container);
        },
        contains,
        remove() {
          removed = true;
          dock.set(0);
          render(null, container);
        },
      };
    }

    const page = startEhrPage({
      document,
      send,
      mountSidebar,
      now: () => new Date(),
      reportError: (context, error) => console.warn(`[Vroegsignaal] ${context} failed:`, error instanceof Error ? error.message : error),
      describeSubmitError: (response) =>
        response.error.code === 'invalid-referral' || response.error.code === 'invalid-message'
          ? t('submitError_invalid', [(response.error.problems ?? []).map((p) => p.message).join('; ') || response.error.message])
          : t('submitError_internal', [response.error.message]),
    });

    const onTabMessage = (message: unknown) => {
      if (typeof message !== 'object' || message === null) return undefined;
      const tabMessage = message as TabMessage;
      if (tabMessage.type === 'referral/status') page.tabMessage(tabMessage);
      else if (tabMessage.type === 'configuration/changed') void page.configurationChanged(location.href);
      return undefined;
    };
    browser.runtime.onMessage.addListener(onTabMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onTabMessage));
    // A single-page EHR moves between watched and unwatched paths without loading a page.
    ctx.addEventListener(window, 'wxt:locationchange', (event) => void page.locationChanged(event.newUrl.href));
    ctx.onInvalidated(() => {
      page.stop();
      dock.remove();
      ui?.remove();
    });

    void page.start(location.href);
  },
});
