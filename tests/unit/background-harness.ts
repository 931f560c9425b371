import { createConfigurationService } from '../../extension/background/configuration/configuration-service';
import { adapterTemplates, bundledDefaults } from '../../extension/background/configuration/defaults';
import type { OutboxEntry, VroegsignaalDatabase } from '../../extension/background/database';
import { createDeliveryService, endpointDestination, type DeliveryService } from '../../extension/background/delivery';
import { createMessageHandler, type MessageSenderInfo } from '../../extension/background/message-handler';
import { createOptionsService, type OptionsServiceDependencies } from '../../extension/background/options-service';
import { createScreeningService } from '../../extension/background/screening-service';
import { sequentialUuids } from './helpers';

export const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
export const EHR_ORIGIN = 'http://127.0.0.1:4310';
export const EHR_URL = `${EHR_ORIGIN}/patient/P-1001`;
/** The options page, opened in a tab. */
export const OPTIONS_SENDER: MessageSenderInfo = { id: EXTENSION_ID, url: `chrome-extension://${EXTENSION_ID}/options.html`, tab: { id: 9 }, frameId: 0 };
/** The EHR content script in the top frame of a watched tab. */
export const EHR_SENDER: MessageSenderInfo = { id: EXTENSION_ID, url: EHR_URL, tab: { id: 3 }, frameId: 0 };
/** The sidebar frame in that tab, served from a per-session origin (use_dynamic_url). */
export const SIDEBAR_SENDER: MessageSenderInfo = {
  id: EXTENSION_ID,
  url: 'chrome-extension://0b1c2d3e-aaaa-4bbb-8ccc-123456789abc/sidebar.html#one-time-key',
  tab: { id: 3, url: EHR_URL },
  frameId: 7,
};

/** A `storage.local`-like area over a plain object, copying values in and out as the browser does. */
export function memoryStorage(saved: Record<string, unknown>) {
  return {
    get: async (key: string) => (key in saved ? { [key]: structuredClone(saved[key]) } : {}),
    set: async (items: Record<string, unknown>) => void Object.assign(saved, structuredClone(items)),
  };
}

export interface TestBackgroundOptions {
  db: VroegsignaalDatabase;
  /** What `storage.local` holds (the administrator's saved configuration under `configuration`). */
  saved: Record<string, unknown>;
  fetch: typeof fetch;
  now: () => number;
  scheduleWakeUp?: (atMs: number | null) => void;
  notify?: (entry: OutboxEntry) => void;
  requestTimeoutMs?: number;
  /** The browser's side of the options page's services; tests override what they look at. */
  options?: Partial<OptionsServiceDependencies>;
}

/**
 * The background as `extension/entrypoints/background.ts` wires it — message handler, configuration,
 * screening, options and delivery services over a (fake-)IndexedDB — with the browser's edges
 * (fetch, tabs, storage, alarms) handed in. A submit starts its delivery without waiting for it;
 * `settled()` waits for every delivery started so far.
 */
export function createTestBackground(options: TestBackgroundOptions) {
  const configuration = createConfigurationService({
    defaults: bundledDefaults(),
    storage: { local: memoryStorage(options.saved), managed: { get: async () => ({}) } },
  });
  const delivery = createDeliveryService({
    db: options.db,
    fetch: options.fetch,
    now: options.now,
    random: () => 0.5,
    scheduleWakeUp: async (at) => options.scheduleWakeUp?.(at),
    notify: (entry) => options.notify?.(entry),
    destinationFor: async (endpointId) => endpointDestination((await configuration.current()).endpoints, endpointId),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const started: Array<Promise<unknown>> = [];
  const trackedDelivery: DeliveryService = {
    ...delivery,
    deliver: (referralId) => {
      const attempt = delivery.deliver(referralId);
      started.push(attempt);
      return attempt;
    },
  };
  const screening = createScreeningService({
    db: options.db,
    delivery: trackedDelivery,
    configuration: () => configuration.current(),
    now: () => new Date(options.now()),
    uuid: sequentialUuids(),
    log: () => {},
  });
  const optionsService = createOptionsService({
    configuration,
    templates: adapterTemplates(),
    browserName: 'chrome',
    fetch: options.fetch,
    containsPermission: async () => true,
    watchedOrigins: async () => [EHR_ORIGIN],
    queryTabs: async () => [],
    sendToTab: async () => undefined,
    injectProbeScript: async () => {},
    injectTeachScript: async () => {},
    session: { get: async () => ({}), set: async () => {} },
    ...options.options,
  });
  const handle = createMessageHandler({
    extensionId: EXTENSION_ID,
    extensionOrigin: `chrome-extension://${EXTENSION_ID}`,
    configuration,
    screening,
    options: optionsService,
    delivery: trackedDelivery,
    uiLocale: () => 'nl',
    pageHealth: { contact: () => {}, sidebarBlocked: () => {} },
    pseudonymize: async (adapterId, key) => `hash:${adapterId}:${key}`,
  });
  return {
    handle,
    delivery,
    configuration,
    options: optionsService,
    async settled(): Promise<void> {
      while (started.length > 0) await Promise.allSettled(started.splice(0));
    },
  };
}
