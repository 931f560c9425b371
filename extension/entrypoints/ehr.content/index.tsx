import { render } from 'preact';
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';
import pageAdapters from '../../../rules/page-adapters.json';
import { createPageDock } from '../../content/page-dock';
import { pageLocale, readPractitioner } from '../../content/page-reader';
import { Sidebar } from '../../content/sidebar/Sidebar';
import { createSidebarController, type SendMessage } from '../../content/sidebar/sidebar-controller';
import { isSidebarVisible, type SidebarState } from '../../content/sidebar/sidebar-state';
import { startSignalScanner } from '../../content/signal-scanner';
import { createTranslator } from '../../shared/i18n';
import type { RequestMessage, Response, ResponseMap, TabMessage } from '../../shared/messages';
import { findAdapter, manifestMatchPatterns, type PageAdapter } from '../../shared/page-adapter';
import { compileTriggers } from '../../shared/rule-engine';
import './style.css';

const adapters = pageAdapters.adapters as PageAdapter[];
const SIDEBAR_WIDTH_PX = 340;
const TAB_WIDTH_PX = 36;

export default defineContentScript({
  matches: manifestMatchPatterns(adapters, import.meta.env.BROWSER),
  runAt: 'document_idle',
  cssInjectionMode: 'ui',

  async main(ctx) {
    // A configured origin is not enough: the path must be an EHR page too. Elsewhere: no work at all.
    const adapter = findAdapter(adapters, location.href);
    if (!adapter) return;

    let controller: ReturnType<typeof createSidebarController> | null = null;
    const onTabMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as TabMessage).type === 'referral/status') {
        controller?.tabMessage(message as TabMessage);
      }
    };
    browser.runtime.onMessage.addListener(onTabMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onTabMessage));

    const send: SendMessage = <M extends RequestMessage>(message: M) =>
      browser.runtime.sendMessage(message) as Promise<Response<ResponseMap[M['type']]>>;
    const config = await send({ type: 'config/get' });
    if (!config.ok) {
      console.warn('[Vroegsignaal] no configuration from the background:', config.error.message);
      return;
    }
    if (ctx.isInvalid) return;
    const { ruleSet, locale } = config.data;
    const t = createTranslator((key, substitutions) => browser.i18n.getMessage(key, substitutions));
    const dock = createPageDock(document);
    ctx.onInvalidated(dock.remove);

    let draw: (state: SidebarState) => void = () => {};
    controller = createSidebarController({
      ruleSet,
      locale,
      send,
      readPractitioner: () => readPractitioner(document, adapter),
      render: (state) => draw(state),
      reportError: (context, error) => console.warn(`[Vroegsignaal] ${context} failed:`, error instanceof Error ? error.message : error),
      describeSubmitError: (response) =>
        response.error.code === 'invalid-referral' || response.error.code === 'invalid-message'
          ? t('submitError_invalid', [(response.error.problems ?? []).map((p) => `${p.path}: ${p.message}`).join('; ') || response.error.message])
          : t('submitError_internal', [response.error.message]),
    });

    const ui = await createShadowRootUi(ctx, {
      name: 'vroegsignaal-sidebar',
      position: 'inline',
      anchor: 'body',
      append: 'last',
      // Keys typed in the sidebar must not reach the EHR's own shortcuts or field listeners.
      isolateEvents: ['keydown', 'keyup', 'keypress', 'input', 'change'],
      onMount(container) {
        const root = document.createElement('div');
        root.className = 'vs-root';
        container.append(root);
        draw = (state) => {
          const visible = isSidebarVisible(state);
          dock.set(visible ? (state.expanded ? SIDEBAR_WIDTH_PX : TAB_WIDTH_PX) : 0);
          render(<Sidebar state={state} actions={controller!.actions} ruleSet={ruleSet} locale={locale} t={t} />, root);
        };
        draw(controller!.state);
        return root;
      },
      onRemove(root) {
        if (root) render(null, root);
        draw = () => {};
      },
    });
    ui.mount();

    const scanner = startSignalScanner({
      document,
      adapter,
      matcher: compileTriggers(ruleSet, pageLocale(document)),
      ignore: (node) => node === ui.shadowHost || ui.shadowHost.contains(node),
      onPatientChanged: (patient) => controller!.patientChanged(patient),
      onTriggers: (triggers) => controller!.triggersFound(triggers),
    });
    ctx.onInvalidated(() => {
      scanner.stop();
      ui.remove();
    });
  },
});
