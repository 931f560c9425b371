import { formatPath } from '../../contract/referral-contract';
import { enabledRuleSets } from '../shared/configuration';
import type { Locale } from '../shared/locale';
import type { ContentRequest, ErrorCode, OptionsRequest, Problem, RequestMessage, Response, ResponseMap, SidebarRequest } from '../shared/messages';
import { findAdapter, type PageAdapter } from '../shared/page-adapter';
import { isSidebarPageUrl } from '../shared/sidebar-channel';
import type { ConfigurationService } from './configuration/configuration-service';
import { parseJsonText } from './configuration/validation';
import { exportAuditLog } from './audit-export';
import type { AuditLog } from './audit-log';
import type { DeliveryService } from './delivery';
import { REQUEST_TYPES, requestSchemas } from './message-schema';
import type { OptionsService } from './options-service';
import type { ReportingService } from './reporting-service';
import type { ScreeningService } from './screening-service';
import type { StatusPoller } from './status-poll';
import type { WorkList } from './work-list';

/** The parts of `runtime.MessageSender` the background trusts or distrusts. */
export interface MessageSenderInfo {
  id?: string;
  url?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

export interface MessageHandlerDependencies {
  extensionId: string;
  extensionOrigin: string;
  configuration: ConfigurationService;
  screening: ScreeningService;
  options: OptionsService;
  delivery: DeliveryService;
  /** The audit log: its export and this workstation's name, from the options page. */
  auditLog: Pick<AuditLog, 'verify' | 'entries' | 'workstation' | 'append' | 'count' | 'nameWorkstation'>;
  /** The practice report and its synthetic demo data (report page). */
  reporting: ReportingService;
  /** Reads the way back; told when a patient is opened, to refresh that patient's open referrals. */
  statusPoll: Pick<StatusPoller, 'patientOpened'>;
  uiLocale: () => Locale;
  /** Pseudonymises an EHR patient key (salted hash): the background never stores the key itself. */
  pseudonymize: (adapterId: string, patientKey: string) => Promise<string>;
  /** The practice assistant's work list (side panel), and the GP's drafts for it. */
  workList: Pick<WorkList, 'list' | 'open' | 'resend' | 'completeDraft' | 'discardDraft' | 'journalText' | 'saveDraft' | 'rememberDismissalName'>;
  /** Whether the page lets the sidebar show, per tab (the toolbar badge). */
  pageHealth: { contact(tabId: number): void; sidebarBlocked(tabId: number, blocked: boolean): void };
}

/** Who sent a message, as far as the browser vouches for it. */
export type Sender =
  | { kind: 'extension-page' }
  /** The sidebar: the extension's own page in a frame of a web page's tab. */
  | { kind: 'sidebar-frame'; tabId: number; tabUrl: URL }
  | { kind: 'ehr-tab'; tabId: number | undefined; url: URL };

/** Which senders may use which kind of request. */
const ALLOWED_SENDERS = {
  content: ['ehr-tab'],
  sidebar: ['sidebar-frame'],
  options: ['extension-page'],
  shared: ['extension-page', 'sidebar-frame'],
} as const satisfies Record<keyof typeof REQUEST_TYPES, ReadonlyArray<Sender['kind']>>;

const SENDER_WORDS: Record<keyof typeof REQUEST_TYPES, string> = {
  content: "the EHR page's content script",
  sidebar: 'the sidebar',
  options: "the extension's own pages",
  shared: "the sidebar and the extension's own pages",
};

type Handled = { [K in RequestMessage['type']]: Response<ResponseMap[K]> }[RequestMessage['type']];

function fail(code: ErrorCode, message: string, problems?: Problem[]) {
  return { ok: false as const, error: { code, message, ...(problems ? { problems } : {}) } };
}

function ok<T>(data: T) {
  return { ok: true as const, data };
}

/**
 * An unknown `type` as the answer names it. Not JSON.stringify: a structured-cloned message (Firefox)
 * can carry a BigInt, a cycle or deep nesting there, on which it throws; and a long one is cut short.
 */
function describeType(type: unknown): string {
  if (typeof type !== 'string') return `(${type === null ? 'null' : typeof type})`;
  return JSON.stringify(type.length > 80 ? `${type.slice(0, 80)}…` : type);
}

function isWebUrl(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'http:';
}

/**
 * Decides who sent a message: one of this extension's own pages, the sidebar frame in a web page's
 * tab, or this extension's content script in the top frame of a web page. Anything else (another
 * extension, a sub-frame, a page) is refused.
 */
export function identifySender(sender: MessageSenderInfo, deps: Pick<MessageHandlerDependencies, 'extensionId' | 'extensionOrigin'>): { ok: true; sender: Sender } | { ok: false; reason: string } {
  if (sender.id !== deps.extensionId) return { ok: false, reason: 'message from another extension' };
  if (!sender.url || !URL.canParse(sender.url)) return { ok: false, reason: 'sender has no URL' };
  // The sidebar page may be served from a per-session origin (use_dynamic_url): known by its path.
  if (isSidebarPageUrl(sender.url)) {
    const tabUrl = sender.tab?.url;
    if (sender.tab?.id === undefined || !tabUrl || !URL.canParse(tabUrl) || !isWebUrl(new URL(tabUrl))) return { ok: false, reason: 'the sidebar is not in a web page' };
    return { ok: true, sender: { kind: 'sidebar-frame', tabId: sender.tab.id, tabUrl: new URL(tabUrl) } };
  }
  // An options page opened in a tab has a tab too: its URL says it is ours. (By prefix: not every
  // URL implementation gives an extension URL an origin.)
  if (sender.url.startsWith(`${deps.extensionOrigin}/`)) return { ok: true, sender: { kind: 'extension-page' } };
  const url = new URL(sender.url);
  if (!sender.tab) return { ok: false, reason: 'sender is neither an extension page nor a tab' };
  if (sender.frameId !== undefined && sender.frameId !== 0) return { ok: false, reason: 'sender is not the top frame' };
  if (!isWebUrl(url)) return { ok: false, reason: 'sender is not a web page' };
  return { ok: true, sender: { kind: 'ehr-tab', tabId: sender.tab.id, url } };
}

/**
 * The background's single entry for protocol messages: checks sender and body, then acts. Never
 * throws; every failure is an `{ ok: false }` answer that says what was wrong and where. Content
 * scripts may only use the page's requests and only for adapters configured for their own origin;
 * configuration can only be read and changed from the extension's own pages.
 */
export function createMessageHandler(deps: MessageHandlerDependencies) {
  return async function handleMessage(raw: unknown, senderInfo: MessageSenderInfo): Promise<Handled> {
    const identified = identifySender(senderInfo, deps);
    if (!identified.ok) return fail('invalid-sender', identified.reason);
    const { sender } = identified;
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const kind = (['content', 'sidebar', 'options', 'shared'] as const).find((candidate) => (REQUEST_TYPES[candidate] as readonly unknown[]).includes(type));
    if (kind === undefined) return fail('invalid-message', 'message does not follow the protocol', [{ path: 'type', message: `unknown message type ${describeType(type)}` }]);
    if (!(ALLOWED_SENDERS[kind] as ReadonlyArray<Sender['kind']>).includes(sender.kind)) return fail('invalid-sender', `${String(type)} is for ${SENDER_WORDS[kind]}`);
    const parsed = requestSchemas[kind].safeParse(raw);
    if (!parsed.success) {
      return fail(
        'invalid-message',
        'message does not follow the protocol',
        parsed.error.issues.map((issue) => ({ path: formatPath(issue.path as PropertyKey[]), message: issue.message })),
      );
    }
    try {
      // A page may frame our sidebar page itself: it gets nothing unless its tab is a watched EHR page.
      if (sender.kind === 'sidebar-frame' && !(await isWatchedOrigin(sender.tabUrl))) return fail('invalid-sender', `${sender.tabUrl.origin} is not a watched EHR origin`);
      if (kind === 'options') return await handleOptions(parsed.data as OptionsRequest);
      if (kind === 'content') return await handleContent(parsed.data as ContentRequest, sender as Extract<Sender, { kind: 'ehr-tab' }>);
      if (kind === 'sidebar') return await handleSidebar(parsed.data as SidebarRequest, sender as Extract<Sender, { kind: 'sidebar-frame' }>);
      const status = await deps.delivery.retryNow((parsed.data as { referralId: string }).referralId);
      return status ? ok(status) : fail('not-found', 'no such referral in the outbox');
    } catch (error) {
      return fail('internal', error instanceof Error ? error.message : String(error));
    }
  };

  /** The adapter the sidebar names, if it is configured for its tab's origin. */
  async function adapterFor(adapterId: string, url: URL): Promise<PageAdapter | undefined> {
    const { adapters } = await deps.configuration.current();
    return adapters.find((adapter) => adapter.id === adapterId && adapter.pages.some((page) => page.origin === url.origin));
  }

  /** Whether some adapter watches pages on this origin (only there does our content script run). */
  async function isWatchedOrigin(url: URL): Promise<boolean> {
    const { adapters } = await deps.configuration.current();
    return adapters.some((adapter) => adapter.pages.some((page) => page.origin === url.origin));
  }

  async function handleContent(message: ContentRequest, sender: Extract<Sender, { kind: 'ehr-tab' }>): Promise<Handled> {
    if (message.type === 'teach/proposal') {
      // The builder runs on a page that is not watched yet: only a tab the options page put in teach mode may answer.
      const accepted = await deps.options.receiveProposal(sender.tabId, message.proposal);
      return accepted ? ok({ received: true as const }) : fail('invalid-sender', 'this tab is not in teach mode');
    }
    if (!(await isWatchedOrigin(sender.url))) return fail('invalid-sender', `${sender.url.origin} is not a watched EHR origin`);
    if (sender.tabId !== undefined) deps.pageHealth.contact(sender.tabId);
    if (message.type === 'page/health') {
      if (sender.tabId !== undefined) deps.pageHealth.sidebarBlocked(sender.tabId, message.sidebarBlocked);
      return ok({ recorded: true as const });
    }
    // The page's own path may have moved on (single-page navigation); its origin cannot have.
    if (!URL.canParse(message.url) || new URL(message.url).origin !== sender.url.origin) {
      return fail('invalid-message', 'url is not on the sender\'s origin', [{ path: 'url', message: 'must be the page\'s own URL' }]);
    }
    const configuration = await deps.configuration.current();
    const adapter = findAdapter(configuration.adapters, message.url);
    if (!adapter) return ok({ active: false as const, reason: 'not-watched' as const });
    const ruleSets = enabledRuleSets(configuration);
    const recipients = Object.fromEntries(
      ruleSets.map((ruleSet) => [ruleSet.id, configuration.endpoints.find((endpoint) => endpoint.id === ruleSet.referral.endpoint)?.name ?? null]),
    );
    return ok({ active: true as const, adapter, ruleSets, recipients, locale: deps.uiLocale(), users: configuration.users });
  }

  async function handleSidebar(message: SidebarRequest, sender: Extract<Sender, { kind: 'sidebar-frame' }>): Promise<Handled> {
    if (message.type === 'sidebar/attach') return ok({ tabId: sender.tabId });
    const adapter = await adapterFor(message.adapterId, sender.tabUrl);
    if (!adapter) return fail('invalid-sender', `adapter ${message.adapterId} is not configured for ${sender.tabUrl.origin}`);
    const patientHash = await deps.pseudonymize(adapter.id, message.patientKey);
    switch (message.type) {
      case 'patient/opened': {
        const answer = await deps.screening.patientOpened(patientHash);
        // Answered at once with what is stored; fresh statuses follow as referral/status tab messages.
        void deps.statusPoll.patientOpened(patientHash, sender.tabId).catch(() => {});
        return ok(answer);
      }
      case 'screening/recorded': {
        const problems = await deps.screening.recordScreening(patientHash, message);
        if (problems.length > 0) return fail('invalid-message', 'the screening cannot be recorded', problems);
        // Only a dismissal's name is kept (in memory, for today's work list): see work-list.ts.
        if (message.outcome === 'dismissed' && message.patientName) await deps.workList.rememberDismissalName(patientHash, message.patientName);
        return ok({ recorded: true as const });
      }
      case 'draft/save': {
        const result = await deps.workList.saveDraft(patientHash, adapter.id, message.ruleSetIds, message.draft);
        return result.ok ? ok(result.value) : fail('invalid-referral', 'the draft cannot be saved as it is', result.problems);
      }
      case 'referral/submit': {
        const result = await deps.screening.submitReferral(patientHash, message.ruleSetIds, message.referral, sender.tabId);
        return result.ok ? ok(result.statuses) : fail('invalid-referral', 'the referral cannot be sent as it is', result.problems);
      }
      case 'prompt/shown': {
        const problems = await deps.screening.promptShown(patientHash, message);
        return problems.length === 0 ? ok({ recorded: true as const }) : fail('invalid-message', 'the prompt cannot be recorded', problems);
      }
      case 'referral/withdraw': {
        const result = await deps.delivery.withdraw(message.referralId, patientHash, message.practitioner);
        return result.ok
          ? ok(result.status)
          : fail('not-found', `no referral ${message.referralId} of this patient`, [{ path: 'referralId', message: "is not one of the open patient's referrals" }]);
      }
    }
  }

  async function handleOptions(message: OptionsRequest): Promise<Handled> {
    const changed = async (result: Awaited<ReturnType<ConfigurationService['saveSection']>>) =>
      result.ok ? ok(await deps.options.view(result.configuration)) : fail('invalid-configuration', 'the change was not saved', result.problems);
    switch (message.type) {
      case 'options/get':
        return ok(await deps.options.view());
      case 'options/save-practice':
        return changed(await deps.configuration.saveSection('practice', message.practice));
      case 'options/save-item': {
        let item = message.item;
        if (message.source !== undefined) {
          const json = parseJsonText(message.source);
          if (!json.ok) return fail('invalid-configuration', 'the change was not saved', json.problems);
          item = json.value;
        }
        return changed(await deps.configuration.saveItem(message.section, item));
      }
      case 'options/remove-item':
        return changed(await deps.configuration.removeItem(message.section, message.id));
      case 'options/set-rule-set-enabled':
        return changed(await deps.configuration.setRuleSetEnabled(message.id, message.enabled));
      case 'options/validate-item': {
        const result = deps.configuration.validateItem(message.section, message.source);
        return result.ok ? ok(result.value) : fail('invalid-configuration', 'not valid', result.problems);
      }
      case 'options/import': {
        const result = await deps.configuration.importFile(message.source, { dryRun: message.dryRun });
        if (!result.ok) return fail('invalid-configuration', 'the file was not imported', result.problems);
        return ok({ preview: result.summary, ...(result.configuration ? { view: await deps.options.view(result.configuration) } : {}) });
      }
      case 'options/export': {
        const text = await deps.configuration.exportFile({ includeTokens: message.includeTokens });
        return ok({ fileName: `vroegsignaal-configuratie-${new Date().toISOString().slice(0, 10)}.json`, text });
      }
      case 'options/test-endpoint': {
        const result = await deps.options.testEndpoint(message.id);
        return result ? ok(result) : fail('not-found', `no endpoint ${message.id} is configured`);
      }
      case 'options/open-tabs': {
        // javascript:, data: and the like parse as URLs too, with the opaque origin "null".
        if (!URL.canParse(message.origin) || !isWebUrl(new URL(message.origin))) return fail('invalid-message', 'not an origin', [{ path: 'origin', message: 'must be an origin' }]);
        return ok(await deps.options.openTabs(new URL(message.origin).origin));
      }
      case 'options/probe-tab': {
        const result = await deps.options.probeTab(message.tabId, message.source);
        return result.ok ? ok(result.findings) : fail('invalid-configuration', 'the adapter is not valid', result.problems);
      }
      case 'options/teach':
        await deps.options.startTeaching(message.tabId);
        return ok({ started: true as const });
      case 'options/teach-result':
        return ok({ proposal: await deps.options.proposal() });
      case 'report/get':
        return ok(await deps.reporting.report({ from: message.from, to: message.to }));
      case 'report/seed-synthetic':
        return ok(await deps.reporting.seedSynthetic(message.seed));
      case 'report/clear-synthetic':
        return ok(await deps.reporting.clearSynthetic());
      case 'options/audit-info': {
        const [workstation, entries] = await Promise.all([deps.auditLog.workstation(), deps.auditLog.count()]);
        return ok({ workstation, entries });
      }
      case 'options/export-audit':
        return ok(
          await exportAuditLog(
            deps.auditLog,
            { format: message.format, ...(message.from ? { from: message.from } : {}), ...(message.to ? { to: message.to } : {}) },
            () => Date.now(),
          ),
        );
      case 'options/name-workstation':
        return ok(await deps.auditLog.nameWorkstation(message.name));
      case 'worklist/get':
        return ok(await deps.workList.list(message.filter, message.search));
      case 'worklist/open': {
        const details = await deps.workList.open(message.itemId, message.actor);
        return details ? ok(details) : fail('not-found', 'no such item in the work list (any more)');
      }
      case 'worklist/resend': {
        const result = await deps.workList.resend(message.referralId, message.changes, message.actor);
        return result.ok ? ok(result.value) : fail(result.code, 'the referral cannot be sent again as it is', result.problems);
      }
      case 'worklist/complete-draft': {
        const { draftId, phone, callMoment, note, actor } = message;
        const result = await deps.workList.completeDraft(draftId, { phone, ...(callMoment ? { callMoment } : {}), ...(note !== undefined ? { note } : {}) }, actor);
        return result.ok ? ok(result.value) : fail(result.code, 'the draft cannot be sent as it is', result.problems);
      }
      case 'worklist/discard-draft': {
        const result = await deps.workList.discardDraft(message.draftId, message.actor);
        return result.ok ? ok(result.value) : fail(result.code, 'the draft cannot be discarded', result.problems);
      }
      case 'worklist/journal-text': {
        const text = await deps.workList.journalText(message.itemId);
        return text ? ok({ text }) : fail('not-found', 'no journal line for this item');
      }
    }
  }
}
