// First, before anything reads `globalThis.browser`: a page must not be able to pose as the extension API.
import '../../content/trusted-globals';
import { browser } from 'wxt/browser';
import { defineContentScript } from 'wxt/utils/define-content-script';
import { startEhrPage } from '../../content/ehr-page';
import { createLifetime, watchLocation } from '../../content/lifetime';
import { createPageDock } from '../../content/page-dock';
import { createSidebarFrameHost, type FramePort } from '../../content/sidebar-frame-host';
import { handOverChannel } from '../../content/sidebar-handover';
import type { SendMessage, TabMessage } from '../../shared/messages';
import { isSidebarPageUrl, SIDEBAR_PAGE_PATH } from '../../shared/sidebar-channel';

export default defineContentScript({
  // Registered by the background for exactly the EHR origins the practice configured and the browser
  // granted; never listed in the manifest, so it runs nowhere else.
  registration: 'runtime',
  runAt: 'document_idle',
  // The sidebar is an extension page in a frame: the content script brings no CSS into the page.
  cssInjectionMode: 'manual',

  // WXT's context (the argument) is left unused on purpose: a page can end it by forging WXT's
  // start-up event. Our own lifetime ends only when the extension is gone.
  main() {
    const runtime = browser.runtime;
    const lifetime = createLifetime(() => {
      try {
        return Boolean(runtime.id);
      } catch {
        return false;
      }
    });
    const send = ((message: unknown) => runtime.sendMessage(message)) as SendMessage;
    const dock = createPageDock(document);
    const frameListeners = new Set<(port: FramePort) => void>();
    const onConnect = (port: FramePort) => {
      if (frameListeners.size === 0) port.disconnect();
      for (const listener of frameListeners) listener(port);
    };
    runtime.onConnect.addListener(onConnect);
    lifetime.onEnd(() => runtime.onConnect.removeListener(onConnect));

    const page = startEhrPage({
      document,
      send,
      mountSidebar: (context) =>
        createSidebarFrameHost(
          {
            document,
            lifetime,
            dock,
            frameUrl: (key) => `${runtime.getURL(SIDEBAR_PAGE_PATH)}#${key}`,
            isOwnSidebar: (port) => port.sender?.id === runtime.id && isSidebarPageUrl(port.sender?.url),
            onFrameConnect(listener) {
              frameListeners.add(listener);
              return () => frameListeners.delete(listener);
            },
            // Firefox frames have no tabs API to connect with: we hand them a channel instead.
            ...(import.meta.env.FIREFOX
              ? { handOver: (frame: HTMLIFrameElement, key: string) => handOverChannel(frame, key, { extensionId: runtime.id, url: frame.src, origin: runtime.getURL('/').replace(/\/$/, '') }) }
              : {}),
            randomKey: () => crypto.randomUUID(),
            title: browser.i18n.getMessage('sidebarFrameTitle'),
            reportBlocked: (sidebarBlocked) => void send({ type: 'page/health', sidebarBlocked }).catch(() => lifetime.check()),
            now: () => performance.now(),
          },
          context,
        ),
      now: () => new Date(),
      reportError: (context, error) => {
        // A failed message is how an orphaned content script (extension reloaded) first notices.
        if (lifetime.check()) console.warn(`[Vroegsignaal] ${context} failed:`, error instanceof Error ? error.message : error);
      },
    });

    const onTabMessage = (message: unknown) => {
      if (typeof message !== 'object' || message === null) return undefined;
      const tabMessage = message as TabMessage;
      if (tabMessage.type === 'referral/status') page.tabMessage(tabMessage);
      else if (tabMessage.type === 'configuration/changed') void page.configurationChanged(location.href);
      return undefined;
    };
    runtime.onMessage.addListener(onTabMessage);
    lifetime.onEnd(() => runtime.onMessage.removeListener(onTabMessage));
    // A single-page EHR moves between watched and unwatched paths without loading a page.
    watchLocation(lifetime, window, (url) => void page.locationChanged(url));
    lifetime.onEnd(() => {
      page.stop();
      dock.remove();
    });
    // Notices an extension update or removal even on a page where nothing happens.
    lifetime.every(5_000, () => {});

    void page.start(location.href);
  },
});
