import type { AuditEvent, ScreeningEvent, VroegsignaalDatabase } from './database';
import { toReferralStatus, type DeliveryService } from './delivery';
import { formatPath } from '../../contract/referral-contract';
import type { Locale } from '../shared/locale';
import type { Problem, RequestMessage, Response, ResponseMap } from '../shared/messages';
import { findAdapter, type PageAdapter } from '../shared/page-adapter';
import type { RuleSet } from '../shared/rule-set';
import { requestMessageSchema } from './message-schema';
import { takeInReferral } from './referral-intake';

/** The parts of `runtime.MessageSender` the background trusts or distrusts. */
export interface MessageSenderInfo {
  id?: string;
  url?: string;
  tab?: { id?: number };
  frameId?: number;
}

export interface BackgroundDependencies {
  extensionId: string;
  extensionOrigin: string;
  adapters: readonly PageAdapter[];
  db: VroegsignaalDatabase;
  delivery: DeliveryService;
  ruleSet: () => RuleSet;
  endpoint: () => string;
  uiLocale: () => Locale;
  /** Pseudonymises an EHR patient key (salted hash): the background never stores the key itself. */
  pseudonymize: (adapterId: string, patientKey: string) => Promise<string>;
  now: () => Date;
  uuid: () => string;
  /** Where failures that no one waits for (background delivery) are reported. */
  log: (context: string, error: unknown) => void;
}

type Handled = { [K in RequestMessage['type']]: Response<ResponseMap[K]> }[RequestMessage['type']];

function fail(code: Extract<Response<never>, { ok: false }>['error']['code'], message: string, problems?: Problem[]) {
  return { ok: false as const, error: { code, message, ...(problems ? { problems } : {}) } };
}

/**
 * Decides whether a message may be handled at all: it must come from this extension, either from
 * one of its own pages or from the top frame of a watched EHR page. Returns the EHR adapter when
 * the sender is a content script.
 */
export function checkSender(
  sender: MessageSenderInfo,
  deps: Pick<BackgroundDependencies, 'extensionId' | 'extensionOrigin' | 'adapters'>,
): { ok: true; adapter?: PageAdapter } | { ok: false; reason: string } {
  if (sender.id !== deps.extensionId) return { ok: false, reason: 'message from another extension' };
  if (!sender.url) return { ok: false, reason: 'sender has no URL' };
  if (sender.tab) {
    if (sender.frameId !== undefined && sender.frameId !== 0) return { ok: false, reason: 'sender is not the top frame' };
    const adapter = findAdapter(deps.adapters, sender.url);
    return adapter ? { ok: true, adapter } : { ok: false, reason: 'sender tab is not a watched EHR page' };
  }
  return sender.url.startsWith(deps.extensionOrigin) ? { ok: true } : { ok: false, reason: 'sender is not an extension page' };
}

/**
 * The background's single entry for protocol messages: checks sender and body, then acts. Never
 * throws; every failure is an `{ ok: false }` answer that says what was wrong and where.
 */
export function createMessageHandler(deps: BackgroundDependencies) {
  return async function handleMessage(raw: unknown, sender: MessageSenderInfo): Promise<Handled> {
    const trusted = checkSender(sender, deps);
    if (!trusted.ok) return fail('invalid-sender', trusted.reason);
    const parsed = requestMessageSchema.safeParse(raw);
    if (!parsed.success) {
      return fail(
        'invalid-message',
        'message does not follow the protocol',
        parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
      );
    }
    const message = parsed.data;
    try {
      return await handle(message, trusted.adapter, sender);
    } catch (error) {
      return fail('internal', error instanceof Error ? error.message : String(error));
    }
  };

  async function handle(message: RequestMessage, adapter: PageAdapter | undefined, sender: MessageSenderInfo): Promise<Handled> {
    switch (message.type) {
      case 'config/get':
        return { ok: true, data: { ruleSet: deps.ruleSet(), locale: deps.uiLocale() } };

      case 'patient/opened': {
        if (!adapter) return fail('invalid-sender', 'only an EHR page can open a patient');
        const entry = await deps.delivery.latestForPatient(await deps.pseudonymize(adapter.id, message.patientKey));
        return { ok: true, data: { latestReferral: entry ? toReferralStatus(entry) : null } };
      }

      case 'screening/recorded': {
        if (!adapter) return fail('invalid-sender', 'only an EHR page records screenings');
        const ruleSet = deps.ruleSet();
        const patientHash = await deps.pseudonymize(adapter.id, message.patientKey);
        const at = deps.now().toISOString();
        const screening: ScreeningEvent = {
          at,
          patientHash,
          outcome: message.outcome,
          ...(message.reason ? { reason: message.reason } : {}),
          trigger: message.trigger,
          ruleSetId: ruleSet.id,
          ruleSetVersion: ruleSet.version,
        };
        const audit: AuditEvent = {
          at,
          action: message.outcome === 'negative' ? 'screening.negative' : 'prompt.dismissed',
          patientHash,
          ...(message.reason ? { detail: message.reason } : {}),
        };
        const tx = deps.db.transaction(['screenings', 'audit'], 'readwrite');
        await Promise.all([tx.objectStore('screenings').add(screening), tx.objectStore('audit').add(audit), tx.done]);
        return { ok: true, data: { recorded: true } };
      }

      case 'referral/submit': {
        if (!adapter) return fail('invalid-sender', 'only an EHR page sends referrals');
        const intake = takeInReferral(message.referral, {
          ruleSet: deps.ruleSet(),
          endpoint: deps.endpoint(),
          patientHash: await deps.pseudonymize(adapter.id, message.patientKey),
          ...(sender.tab?.id !== undefined ? { tabId: sender.tab.id } : {}),
          now: deps.now(),
          uuid: deps.uuid,
        });
        if (!intake.ok) return fail('invalid-referral', 'the referral cannot be sent as it is', intake.problems);
        const entry = await deps.delivery.enqueue(intake.entry, intake.consent, intake.audit, intake.screening);
        // Stored: the GP may be told "queued". Delivery goes on without holding up the answer.
        deps.delivery.deliver(entry.referralId).catch((error: unknown) => deps.log('delivery', error));
        return { ok: true, data: toReferralStatus(entry) };
      }

      case 'referral/retry-now': {
        const entry = await deps.delivery.retryNow(message.referralId);
        if (!entry) return fail('not-found', `no referral ${message.referralId} in the outbox`);
        return { ok: true, data: toReferralStatus(entry) };
      }
    }
  }
}
