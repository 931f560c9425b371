import { createConfigurationService } from '../../extension/background/configuration/configuration-service';
import { adapterTemplates, bundledDefaults } from '../../extension/background/configuration/defaults';
import { createAuditLog, createWorkstationStore } from '../../extension/background/audit-log';
import type { VroegsignaalDatabase } from '../../extension/background/database';
import { createDeliveryService, endpointDestination, type DeliveryService } from '../../extension/background/delivery';
import { createMessageHandler, type MessageSenderInfo } from '../../extension/background/message-handler';
import { createOptionsService, type OptionsServiceDependencies } from '../../extension/background/options-service';
import { createScreeningService } from '../../extension/background/screening-service';
import { auditPromptSource, createReportingService } from '../../extension/background/reporting-service';
import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import { createStatusPoller } from '../../extension/background/status-poll';
import { createWorkList } from '../../extension/background/work-list';
import type { ReferralStatus } from '../../extension/shared/messages';
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
  /** The status alarm (the way back): set to the earliest due read, null when cleared. */
  scheduleStatusWakeUp?: (atMs: number | null) => void;
  /** A `referral/status` tab message (delivery progress, fresh feedback). */
  notify?: (status: ReferralStatus, tabId: number | undefined) => void;
  requestTimeoutMs?: number;
  /** Random numbers for the retry jitter (default: always 0.5). */
  random?: () => number;
  /** The browser's side of the options page's services; tests override what they look at. */
  options?: Partial<OptionsServiceDependencies>;
  /** What `storage.session` holds (the work list's dismissal names); a fresh object when left out. */
  session?: Record<string, unknown>;
}

/**
 * The background as `extension/entrypoints/background.ts` wires it — message handler, configuration,
 * screening, options, delivery and status-poll services over a (fake-)IndexedDB — with the browser's edges
 * (fetch, tabs, storage, alarms) handed in. A submit starts its delivery without waiting for it;
 * `settled()` waits for every delivery started so far.
 */
export function createTestBackground(options: TestBackgroundOptions) {
  const started: Array<Promise<unknown>> = [];
  // As the entry point wires it: a changed token retries what the old one was refused.
  let credentialsChanged: () => Promise<unknown> = async () => {};
  const configuration = createConfigurationService({
    defaults: bundledDefaults(),
    storage: { local: memoryStorage(options.saved), managed: { get: async () => ({}) } },
    onChange: () => void credentialsChanged(),
  });
  const destinationFor = async (endpointId: string) => endpointDestination((await configuration.current()).endpoints, endpointId);
  const notify = (tabId: number | undefined, status: ReferralStatus) => options.notify?.(status, tabId);
  // The workstation id lives next to the saved configuration, in the same storage.local.
  const auditLog = createAuditLog({
    db: options.db,
    now: options.now,
    workstation: createWorkstationStore(memoryStorage(options.saved), () => 'werkplek-test-0001'),
    users: async () => (await configuration.current()).users,
  });
  const delivery = createDeliveryService({
    db: options.db,
    auditLog,
    fetch: options.fetch,
    now: options.now,
    random: options.random ?? (() => 0.5),
    scheduleWakeUp: async (at) => options.scheduleWakeUp?.(at),
    notify,
    destinationFor,
    pollsChanged: () => void started.push(statusPoll.reschedule()),
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const statusPoll = createStatusPoller({
    db: options.db,
    auditLog,
    fetch: options.fetch,
    now: options.now,
    scheduleWakeUp: async (at) => options.scheduleStatusWakeUp?.(at),
    destinationFor,
    statusOf: (referralId) => delivery.status(referralId),
    notify,
    ...(options.requestTimeoutMs ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
  });
  const credentialRetries: Array<Promise<unknown>> = [];
  credentialsChanged = () => {
    const retry = Promise.all([delivery.retryRefusedCredentials(), statusPoll.retryRefused()]);
    credentialRetries.push(retry);
    return retry;
  };
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
    auditLog,
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
  const session = options.session ?? {};
  let workListChanges = 0;
  const workList = createWorkList({
    db: options.db,
    auditLog,
    configuration: () => configuration.current(),
    deliver: (key) => trackedDelivery.deliver(key),
    status: (referralId) => delivery.status(referralId),
    session: memoryStorage(session),
    now: options.now,
    uuid: sequentialUuids(1000),
    changed: () => void workListChanges++,
  });
  const handle = createMessageHandler({
    extensionId: EXTENSION_ID,
    extensionOrigin: `chrome-extension://${EXTENSION_ID}`,
    configuration,
    screening,
    options: optionsService,
    delivery: trackedDelivery,
    auditLog,
    reporting: createReportingService({
      db: options.db,
      configuration: () => configuration.current(),
      now: () => new Date(options.now()),
      calendar: dutchHolidayTableCalendar,
      prompts: auditPromptSource(auditLog, memoryStorage(options.saved)),
    }),
    statusPoll: {
      patientOpened: (patientHash, tabId) => {
        const poll = statusPoll.patientOpened(patientHash, tabId);
        started.push(poll);
        return poll;
      },
    },
    uiLocale: () => 'nl',
    pageHealth: { contact: () => {}, sidebarBlocked: () => {} },
    pseudonymize: async (adapterId, key) => `hash:${adapterId}:${key}`,
    workList,
  });
  return {
    handle,
    auditLog,
    delivery,
    statusPoll,
    configuration,
    options: optionsService,
    workList,
    /** What storage.session holds. */
    session,
    /** How often the work list said it changed (the badge would count again). */
    workListChanges: () => workListChanges,
    /** Waits for every delivery, status read and credential retry started so far (and what they start). */
    async settled(): Promise<void> {
      while (started.length + credentialRetries.length > 0) await Promise.allSettled([...started.splice(0), ...credentialRetries.splice(0)]);
    },
  };
}

/** One request the background made, as a test endpoint saw it. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string;
  signal: AbortSignal | undefined;
}

/**
 * A fake social-team endpoint: every request is recorded and answered by `answer` (a Response, or a
 * thrown error for a network failure; a promise that never settles for a hang).
 */
export function scriptedEndpoint(answer: (request: SeenRequest, index: number) => Response | Promise<Response>) {
  const requests: SeenRequest[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const request: SeenRequest = {
      url: input instanceof Request ? input.url : String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: init?.body === undefined || init.body === null ? '' : String(init.body),
      signal: init?.signal ?? undefined,
    };
    requests.push(request);
    return answer(request, requests.length - 1);
  }) as typeof globalThis.fetch;
  return { fetch, requests, posts: () => requests.filter((request) => request.method === 'POST'), gets: () => requests.filter((request) => request.method === 'GET') };
}

/** Waits until `condition` holds, checking after each turn of the event loop (at most `turns`). */
export async function until(condition: () => boolean, turns = 200): Promise<void> {
  for (let turn = 0; turn < turns && !condition(); turn++) await new Promise((resolve) => setTimeout(resolve, 0));
  if (!condition()) throw new Error('condition not reached');
}
