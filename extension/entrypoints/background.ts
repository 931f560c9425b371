import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import defaultRules from '../../rules/default.rules.json';
import pageAdapters from '../../rules/page-adapters.json';
import { openVroegsignaalDatabase } from '../background/database';
import { createDeliveryService, toReferralStatus } from '../background/delivery';
import { createMessageHandler } from '../background/message-handler';
import { parsePageAdapters } from '../background/page-adapter-schema';
import { createPseudonymizer } from '../background/pseudonym';
import { parseRuleSet } from '../background/rule-set-schema';
import { socialTeamEndpoint } from '../background/settings';
import { localeFromLanguageTag } from '../shared/locale';
import type { TabMessage } from '../shared/messages';

const DELIVERY_ALARM = 'vroegsignaal-delivery';

export default defineBackground(() => {
  const services = start();

  // Listeners first and synchronously: a woken service worker only gets events it listens for now.
  browser.runtime.onMessage.addListener((message, sender) => services.then(({ handleMessage }) => handleMessage(message, sender)));
  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === DELIVERY_ALARM) void services.then(({ delivery }) => delivery.deliverDue());
  });
  // Alarms may not survive a browser restart; the outbox does, so look at it on every start.
  browser.runtime.onStartup.addListener(() => void services.then(({ delivery }) => delivery.deliverDue()));
  void services.then(({ delivery }) => delivery.deliverDue()).catch((error: unknown) => console.error('[Vroegsignaal] resume failed', error));
});

async function start() {
  const parsedRules = parseRuleSet(defaultRules);
  if (!parsedRules.ok) {
    throw new Error(`default rule set is invalid: ${parsedRules.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
  }
  const ruleSet = parsedRules.ruleSet;
  const db = await openVroegsignaalDatabase();
  const delivery = createDeliveryService({
    db,
    fetch: (input, init) => fetch(input, init),
    now: () => Date.now(),
    random: Math.random,
    async scheduleWakeUp(atMs) {
      if (atMs === null) await browser.alarms.clear(DELIVERY_ALARM);
      else browser.alarms.create(DELIVERY_ALARM, { when: Math.max(atMs, Date.now() + 1_000) });
    },
    notify(entry) {
      if (entry.tabId === undefined) return;
      const message: TabMessage = { type: 'referral/status', status: toReferralStatus(entry) };
      // The tab may be closed or showing another page by now; the outbox keeps the truth.
      browser.tabs.sendMessage(entry.tabId, message).catch(() => {});
    },
  });
  const handleMessage = createMessageHandler({
    extensionId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
    adapters: parsePageAdapters(pageAdapters),
    db,
    delivery,
    ruleSet: () => ruleSet,
    endpoint: socialTeamEndpoint,
    uiLocale: () => localeFromLanguageTag(browser.i18n.getUILanguage()),
    pseudonymize: createPseudonymizer(browser.storage.local),
    now: () => new Date(),
    uuid: () => crypto.randomUUID(),
    log: (context, error) => console.error(`[Vroegsignaal] ${context}`, error),
  });
  return { delivery, handleMessage };
}
