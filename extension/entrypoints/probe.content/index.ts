import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { probeAdapter } from '../../content/adapter-probe';
import { SIDEBAR_HOST, TEACH_HOST } from '../../content/ui-hosts';
import type { TabMessage } from '../../shared/messages';

export default defineContentScript({
  // "Test op open tabblad" only: the background starts it in the tab the administrator chose, so the
  // GP's content script carries none of this.
  registration: 'runtime',

  main(ctx) {
    const ours = (node: Node) => {
      const host = document.querySelector(`${SIDEBAR_HOST}, ${TEACH_HOST}`);
      return host !== null && (node === host || host.contains(node));
    };
    const onMessage = (message: unknown) => {
      const request = message as TabMessage | null;
      if (request?.type !== 'adapter/probe') return undefined;
      return Promise.resolve(probeAdapter(document, request.adapter, request.ruleSets, new Date(), ours));
    };
    browser.runtime.onMessage.addListener(onMessage);
    ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
  },
});
