import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { createConfigurationService } from '../background/configuration/configuration-service';
import { adapterTemplates, bundledDefaults } from '../background/configuration/defaults';
import { createAuditLog, createWorkstationStore } from '../background/audit-log';
import { openVroegsignaalDatabase } from '../background/database';
import { keepStoragePersistent } from '../background/persistent-storage';
import { createRetention } from '../background/retention';
import { createDeliveryService, endpointDestination } from '../background/delivery';
import { adapterOrigins, EHR_CONTENT_SCRIPT_FILE, syncEhrContentScript, type EhrAccessApis } from '../background/ehr-access';
import { originPattern } from '../shared/page-adapter';
import { createMessageHandler } from '../background/message-handler';
import { createOptionsService } from '../background/options-service';
import { createPageHealth, type PageHealthProblem } from '../background/page-health';
import { createPseudonymizer } from '../background/pseudonym';
import { createScreeningService } from '../background/screening-service';
import { auditPromptSource, createReportingService } from '../background/reporting-service';
import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import { createStatusPoller } from '../background/status-poll';
import { createUnreadBadge } from '../background/unread-badge';
import { createWorkList } from '../background/work-list';
import { localeFromLanguageTag } from '../shared/locale';
import type { MessageKey } from '../shared/i18n';
import type { ReferralStatus, TabMessage } from '../shared/messages';

const DELIVERY_ALARM = 'vroegsignaal-delivery';
/** The way back: set to the earliest due status read, absent while no referral is open. */
const STATUS_ALARM = 'vroegsignaal-status';
/** Once a day: purges personal data and audit entries past the practice's retention terms (retention.ts). */
const RETENTION_ALARM = 'vroegsignaal-retention';
const TEACH_SCRIPT_FILE = '/content-scripts/teach.js';
const PROBE_SCRIPT_FILE = '/content-scripts/probe.js';
const BROWSER = import.meta.env.BROWSER;

export default defineBackground(() => {
  const services = start();
  const log = (context: string) => (error: unknown) => console.error(`[Vroegsignaal] ${context}`, error);

  // Listeners first and synchronously: a woken service worker only gets events it listens for now.
  // Any message may change the work list (a dismissal, a draft, an opened item): its badge counts again.
  browser.runtime.onMessage.addListener((message, sender) =>
    services.then(({ handleMessage, unreadBadge }) => handleMessage(message, sender).finally(() => unreadBadge.refresh())),
  );
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DELIVERY_ALARM) void services.then(({ delivery }) => delivery.deliverDue()).catch(log('delivery'));
    if (alarm.name === STATUS_ALARM) void services.then(({ statusPoll, unreadBadge }) => statusPoll.pollDue().finally(() => unreadBadge.refresh())).catch(log('status'));
    if (alarm.name === RETENTION_ALARM) void services.then(({ retention, unreadBadge }) => retention.purge().finally(() => unreadBadge.refresh())).catch(log('retention'));
  });
  // The toolbar button opens the assistant's work list in the browser's side panel. Chrome does that
  // itself once told to; Firefox opens its sidebar from the click, which is the user action it needs.
  const sidePanel = (globalThis as { chrome?: { sidePanel?: { setPanelBehavior?: (behavior: { openPanelOnActionClick: boolean }) => Promise<void> } } }).chrome?.sidePanel;
  if (sidePanel?.setPanelBehavior) void sidePanel.setPanelBehavior({ openPanelOnActionClick: true }).catch(log('side panel'));
  else {
    // Firefox's sidebarAction is not in the Chrome-shaped types.
    const sidebarAction = (browser as unknown as { sidebarAction?: { open(): Promise<void> } }).sidebarAction;
    if (sidebarAction) browser.action.onClicked.addListener(() => void sidebarAction.open().catch(log('side panel')));
  }
  // Alarms may not survive a browser restart; the outbox and the poll schedule do, so look at them on every start.
  browser.runtime.onStartup.addListener(() => void services.then(({ delivery, statusPoll }) => Promise.all([delivery.deliverDue(), statusPoll.pollDue()])).catch(log('resume')));
  // Granting or taking back a site changes where the EHR content script may run.
  browser.permissions.onAdded.addListener(() => void services.then(({ syncAccess }) => syncAccess()).catch(log('access')));
  browser.permissions.onRemoved.addListener(() => void services.then(({ syncAccess }) => syncAccess()).catch(log('access')));
  // A policy pushed or changed while the browser runs applies at once.
  browser.storage.onChanged.addListener((_changes, area) => {
    if (area === 'managed') void services.then(({ configuration }) => configuration.reload()).catch(log('policy'));
  });
  // The toolbar says when screening cannot run on a watched page (see page-health.ts).
  browser.tabs.onUpdated.addListener((tabId, change, tab) => {
    if (change.status === 'loading') void services.then(({ pageHealth }) => pageHealth.tabLoading(tabId));
    else if (change.status === 'complete' && tab.url) void services.then(({ pageHealth }) => pageHealth.tabLoaded(tabId, tab.url!)).catch(log('page health'));
  });
  browser.tabs.onRemoved.addListener((tabId) => void services.then(({ pageHealth }) => pageHealth.tabClosed(tabId)));
  void services
    .then(({ delivery, statusPoll, syncAccess }) => Promise.all([delivery.deliverDue(), statusPoll.pollDue(), delivery.retryRefusedCredentials(), syncAccess()]))
    .catch(log('start'));
  // A periodic alarm survives restarts in Chrome but not always in Firefox: make sure it exists.
  void browser.alarms
    .get(RETENTION_ALARM)
    .then((alarm) => (alarm ? undefined : browser.alarms.create(RETENTION_ALARM, { delayInMinutes: 5, periodInMinutes: 24 * 60 })))
    .catch(log('retention'));
});

/** Shows on a tab's toolbar button that screening is off there, and why (or clears it). */
function showPageHealth(tabId: number, problem: PageHealthProblem | null): void {
  const action = browser.action;
  const t = (key: MessageKey, substitutions?: string[]) => browser.i18n.getMessage(key, substitutions);
  const reason = problem === 'no-contact' ? t('badgeReason_no_contact') : t('badgeReason_sidebar_blocked');
  const quietly = (promise: Promise<unknown>) => void promise.catch(() => {}); // the tab may be gone
  // Cleared with null, not '': the tab then shows the global badge again (the work list's unread count).
  quietly(action.setBadgeText({ tabId, text: problem ? t('badge_off') : (null as unknown as string) }));
  quietly(action.setTitle({ tabId, title: problem ? t('badgeTitle_off', [reason]) : t('extensionName') }));
  if (problem) quietly(action.setBadgeBackgroundColor({ tabId, color: '#a4161a' }));
}

async function start() {
  const accessApis: EhrAccessApis = {
    getRegisteredContentScripts: (filter) => browser.scripting.getRegisteredContentScripts(filter),
    registerContentScripts: (scripts) => browser.scripting.registerContentScripts(scripts as Parameters<typeof browser.scripting.registerContentScripts>[0]),
    updateContentScripts: (scripts) => browser.scripting.updateContentScripts(scripts as Parameters<typeof browser.scripting.updateContentScripts>[0]),
    unregisterContentScripts: (filter) => browser.scripting.unregisterContentScripts(filter),
    containsPermission: (pattern) => browser.permissions.contains({ origins: [pattern] }),
    queryTabs: (patterns) => browser.tabs.query({ url: patterns }),
    injectContentScript: async (tabId) => {
      await browser.scripting.executeScript({ target: { tabId }, files: [`/${EHR_CONTENT_SCRIPT_FILE}`] });
    },
  };
  let watched: string[] = [];
  let credentialsChanged: () => Promise<unknown> = async () => {};

  const configuration = createConfigurationService({
    defaults: bundledDefaults(),
    storage: { local: browser.storage.local, managed: browser.storage.managed },
    onChange: (effective) => {
      void credentialsChanged().catch((error: unknown) => console.error('[Vroegsignaal] credentials', error));
      void syncAccess()
        .then(async () => {
          // Watched pages pick up new rule sets and adapters without a reload.
          const patterns = adapterOrigins(effective.adapters).map((origin) => originPattern(origin, BROWSER));
          if (patterns.length === 0) return;
          const message: TabMessage = { type: 'configuration/changed' };
          for (const tab of await browser.tabs.query({ url: patterns })) {
            if (tab.id !== undefined) browser.tabs.sendMessage(tab.id, message).catch(() => {});
          }
        })
        .catch((error: unknown) => console.error('[Vroegsignaal] configuration change', error));
    },
  });

  // One sync at a time: two overlapping ones could both try to register the same script.
  let syncing: Promise<void> = Promise.resolve();
  function syncAccess(): Promise<void> {
    const run = async () => {
      watched = await syncEhrContentScript(accessApis, (await configuration.current()).adapters, BROWSER);
    };
    syncing = syncing.then(run, run);
    return syncing;
  }

  const db = await openVroegsignaalDatabase();
  void keepStoragePersistent(globalThis.navigator?.storage)
    .then((persistence) => {
      if (persistence === 'best-effort') console.warn('[Vroegsignaal] the browser may clear this extension’s storage when the disk runs full');
    })
    .catch((error: unknown) => console.error('[Vroegsignaal] storage', error));
  // The one writer of the audit log; ready() moves the lines of versions 1–2 into its chain once.
  const auditLog = createAuditLog({
    db,
    now: () => Date.now(),
    workstation: createWorkstationStore(browser.storage.local),
    users: async () => (await configuration.current()).users,
  });
  await auditLog.ready();
  const retention = createRetention({ db, auditLog, configuration: () => configuration.current(), now: () => Date.now() });
  const notify = (tabId: number | undefined, status: ReferralStatus) => {
    // A refusal, a delivery or new feedback changes the work list (declared below; called only later).
    unreadBadge.refresh();
    if (tabId === undefined) return;
    const message: TabMessage = { type: 'referral/status', status };
    // The tab may be closed or showing another page by now; the outbox keeps the truth.
    browser.tabs.sendMessage(tabId, message).catch(() => {});
  };
  const destinationFor = async (endpointId: string) => endpointDestination((await configuration.current()).endpoints, endpointId);
  /** Alarms fire no sooner than a second from now (Chrome clamps to 30 s in a packed extension anyway). */
  const alarmAt = (name: string) => async (atMs: number | null) => {
    if (atMs === null) await browser.alarms.clear(name);
    else await browser.alarms.create(name, { when: Math.max(atMs, Date.now() + 1_000) });
  };
  const delivery = createDeliveryService({
    db,
    auditLog,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    random: Math.random,
    scheduleWakeUp: alarmAt(DELIVERY_ALARM),
    notify,
    destinationFor,
    pollsChanged: () => void statusPoll.reschedule().catch((error: unknown) => console.error('[Vroegsignaal] status', error)),
  });
  const statusPoll = createStatusPoller({
    db,
    auditLog,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    scheduleWakeUp: alarmAt(STATUS_ALARM),
    destinationFor,
    statusOf: (referralId) => delivery.status(referralId),
    notify,
  });
  // A new token (or signing secret) is the fix for a refused one: what it refused is tried again once.
  credentialsChanged = () => Promise.all([delivery.retryRefusedCredentials(), statusPoll.retryRefused()]);
  const screening = createScreeningService({
    db,
    auditLog,
    delivery,
    configuration: () => configuration.current(),
    now: () => new Date(),
    uuid: () => crypto.randomUUID(),
    log: (context, error) => console.error(`[Vroegsignaal] ${context}`, error),
  });
  const options = createOptionsService({
    configuration,
    templates: adapterTemplates(),
    browserName: BROWSER,
    fetch: (input, init) => fetch(input, init),
    containsPermission: accessApis.containsPermission,
    // After any sync under way, so the options page never shows a registration that is about to change.
    watchedOrigins: async () => {
      await syncing;
      return watched;
    },
    queryTabs: (patterns) => browser.tabs.query({ url: patterns }),
    sendToTab: (tabId, message) => browser.tabs.sendMessage(tabId, message),
    injectProbeScript: async (tabId) => {
      await browser.scripting.executeScript({ target: { tabId }, files: [PROBE_SCRIPT_FILE] });
    },
    injectTeachScript: async (tabId) => {
      await browser.scripting.executeScript({ target: { tabId }, files: [TEACH_SCRIPT_FILE] });
    },
    session: browser.storage.session,
  });
  const pageHealth = createPageHealth({
    async isWatched(url) {
      await syncing;
      return URL.canParse(url) && watched.includes(new URL(url).origin);
    },
    show: showPageHealth,
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  });
  const action = browser.action;
  const unreadBadge = createUnreadBadge({
    count: () => workList.unreadCount(),
    show: async (text) => {
      await action.setBadgeText({ text });
      if (text) await action.setBadgeBackgroundColor({ color: '#1d4ed8' });
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    log: (error) => console.error('[Vroegsignaal] badge', error),
  });
  const workList = createWorkList({
    db,
    auditLog,
    configuration: () => configuration.current(),
    deliver: (key) => delivery.deliver(key),
    status: (referralId) => delivery.status(referralId),
    session: browser.storage.session,
    now: () => Date.now(),
    uuid: () => crypto.randomUUID(),
    changed: () => unreadBadge.refresh(),
    log: (context, error) => console.error(`[Vroegsignaal] ${context}`, error),
  });
  void unreadBadge.update().catch((error: unknown) => console.error('[Vroegsignaal] badge', error));
  const handleMessage = createMessageHandler({
    extensionId: browser.runtime.id,
    extensionOrigin: browser.runtime.getURL('/').replace(/\/$/, ''),
    configuration,
    screening,
    options,
    delivery,
    auditLog,
    reporting: createReportingService({
      db,
      configuration: () => configuration.current(),
      now: () => new Date(),
      calendar: dutchHolidayTableCalendar,
      prompts: auditPromptSource(auditLog, browser.storage.local),
    }),
    statusPoll,
    uiLocale: () => localeFromLanguageTag(browser.i18n.getUILanguage()),
    pseudonymize: createPseudonymizer(browser.storage.local),
    pageHealth,
    workList,
  });
  return { delivery, statusPoll, handleMessage, configuration, syncAccess, pageHealth, retention, unreadBadge };
}
