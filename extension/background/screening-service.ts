import type { ScreeningAnswer } from '../../contract/referral-bundle';
import { enabledRuleSets, type PracticeConfiguration } from '../shared/configuration';
import { evaluateScreen } from '../shared/rule-engine';
import type { Problem, ReferralRequest, ReferralStatus, SidebarRequest, Suppression, TriggerSummary } from '../shared/messages';
import type { RuleSet } from '../shared/rule-set';
import type { Practitioner } from '../../contract/referral-bundle';
import type { AuditDraft, AuditLog, AuditTransaction } from './audit-log';
import type { ReferralOutboxEntry, ScreeningEvent, VroegsignaalDatabase } from './database';
import { toReferralStatus, type DeliveryService } from './delivery';
import { takeInReferral } from './referral-intake';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The answers to one rule set's questions, each of them (`not-asked` when left open), and nothing
 * else: a screening event says how its own questions were answered.
 */
export function answersFor(ruleSet: Pick<RuleSet, 'questions'>, answers: Readonly<Record<string, ScreeningAnswer>>): Record<string, ScreeningAnswer> {
  return Object.fromEntries(ruleSet.questions.map((question) => [question.id, answers[question.id] ?? 'not-asked']));
}

/** A trigger as the audit log names it: `code:N01` or `term` (never the page's words). */
export function triggerCode(trigger: TriggerSummary): string {
  return trigger.kind === 'code' ? `code:${trigger.baseCode}` : 'term';
}

const SCREENING_EVENTS = { negative: 'screening.negative', dismissed: 'prompt.dismissed', 'consent-declined': 'screening.consent-declined' } as const;

export interface ScreeningServiceDependencies {
  db: VroegsignaalDatabase;
  /** Prompts, screenings, consents and referrals are logged with what they record, in its transaction. */
  auditLog: Pick<AuditLog, 'ready' | 'appendInTransaction' | 'append'>;
  delivery: DeliveryService;
  configuration: () => Promise<PracticeConfiguration>;
  now: () => Date;
  uuid: () => string;
  log: (context: string, error: unknown) => void;
}

/**
 * What happens to a pseudonymised patient across consults: where their referrals stand, which rule
 * sets must stay quiet (a cooldown after a screening, an open referral), and recording screenings
 * and referrals. Kept in the background, so it survives a reload and a browser restart.
 */
export function createScreeningService(deps: ScreeningServiceDependencies) {
  const { db } = deps;

  /**
   * The GP's sidebar shows the patient's feedback now: the assistant's work list no longer needs to
   * point it out ("outcome not seen yet"). Only entries whose feedback changed since last seen are written.
   */
  async function markFeedbackSeen(entries: readonly ReferralOutboxEntry[]): Promise<void> {
    const unseen = entries.filter((entry) => entry.feedback && (!entry.feedbackSeenAt || (entry.feedbackChangedAt !== undefined && entry.feedbackSeenAt < entry.feedbackChangedAt)));
    if (unseen.length === 0) return;
    const seenAt = deps.now().toISOString();
    const tx = db.transaction('outbox', 'readwrite');
    await Promise.all([
      ...unseen.map(async ({ key }) => {
        const current = await tx.store.get(key);
        if (current?.kind === 'referral') await tx.store.put({ ...current, feedbackSeenAt: seenAt });
      }),
      tx.done,
    ]);
  }

  return {
    /** The patient's latest referral per rule set, and the rule sets that must not prompt now. */
    async patientOpened(patientHash: string): Promise<{ referrals: ReferralStatus[]; suppressed: Suppression[] }> {
      const configuration = await deps.configuration();
      const latestPerRuleSet = new Map<string, { entry: ReferralOutboxEntry; status: ReferralStatus }>();
      const referrals = await deps.delivery.forPatient(patientHash);
      for (const referral of referrals) {
        if (!latestPerRuleSet.has(referral.entry.ruleSetId)) latestPerRuleSet.set(referral.entry.ruleSetId, referral);
      }
      await markFeedbackSeen(referrals.map(({ entry }) => entry));
      // A draft waiting for the assistant is a referral on its way: do not ask the patient again.
      const drafted = new Set((await db.getAllFromIndex('drafts', 'by-patient', patientHash)).flatMap((draft) => draft.ruleSetIds));

      const screenings = await db.getAllFromIndex('screenings', 'by-patient', patientHash);
      const now = deps.now().getTime();
      const suppressed: Suppression[] = [];
      for (const ruleSet of enabledRuleSets(configuration)) {
        // A referral stays open until the social team closes it (its Task is final) or the patient
        // withdraws consent; until then, never prompt again. After that the rule set's usual cooldown
        // applies, counted from the closing — a withdrawal included: the patient said no to this
        // referral, not to ever being asked again, and the cooldown is how long the practice waits.
        const latest = latestPerRuleSet.get(ruleSet.id)?.entry;
        if ((latest && !latest.closedAt) || drafted.has(ruleSet.id)) {
          suppressed.push({ ruleSetId: ruleSet.id, reason: 'open-referral' });
          continue;
        }
        if (ruleSet.cooldownDays === 0) continue;
        const last = screenings
          .filter((s) => s.ruleSetId === ruleSet.id && (s.outcome === 'negative' || s.outcome === 'referred'))
          .reduce<number>((latestAt, s) => Math.max(latestAt, Date.parse(s.at)), latest?.closedAt ? Date.parse(latest.closedAt) : Number.NEGATIVE_INFINITY);
        const until = last + ruleSet.cooldownDays * DAY_MS;
        if (until > now) suppressed.push({ ruleSetId: ruleSet.id, reason: 'cooldown', until: new Date(until).toISOString() });
      }
      return { referrals: [...latestPerRuleSet.values()].map(({ status }) => status), suppressed };
    },

    /**
     * Records a negative screen, a dismissal (with its reason) or a positive screen the patient
     * declined a referral for, per rule set, pseudonymised, with the answers to that rule set's questions.
     */
    async recordScreening(
      patientHash: string,
      message: Pick<Extract<SidebarRequest, { type: 'screening/recorded' }>, 'ruleSetIds' | 'outcome' | 'reason' | 'trigger' | 'answers' | 'practitioner'>,
    ): Promise<Problem[]> {
      const configuration = await deps.configuration();
      const ruleSets = message.ruleSetIds.map((id) => configuration.ruleSets.find((ruleSet) => ruleSet.id === id));
      const unknown = message.ruleSetIds.filter((_, index) => !ruleSets[index]);
      if (unknown.length > 0) return unknown.map((id) => ({ path: 'ruleSetIds', message: `no rule set ${id} is configured` }));
      // The report counts a declined referral as a positive screen: check that it was one.
      if (message.outcome === 'consent-declined') {
        const notPositive = ruleSets.filter((ruleSet) => !evaluateScreen(ruleSet!, message.answers ?? {}).positive);
        if (notPositive.length > 0) return notPositive.map((ruleSet) => ({ path: 'answers', message: `screen is not positive for rule set ${ruleSet!.id}` }));
      }
      const at = deps.now().toISOString();
      await deps.auditLog.ready();
      const tx = db.transaction(['screenings', 'auditLog'], 'readwrite');
      await Promise.all([
        ...ruleSets.map((ruleSet) => {
          const screening: ScreeningEvent = {
            at,
            patientHash,
            outcome: message.outcome,
            ...(message.reason ? { reason: message.reason } : {}),
            trigger: message.trigger,
            ruleSetId: ruleSet!.id,
            ruleSetVersion: ruleSet!.version,
            ...(message.answers ? { answers: answersFor(ruleSet!, message.answers) } : {}),
          };
          return tx.objectStore('screenings').add(screening);
        }),
        deps.auditLog.appendInTransaction(tx as unknown as AuditTransaction, [
          {
            event: SCREENING_EVENTS[message.outcome],
            at,
            patient: patientHash,
            ...(message.practitioner ? { actor: message.practitioner } : {}),
            detail: { ruleSetIds: message.ruleSetIds, ...(message.reason ? { reason: message.reason } : {}) },
          },
        ]),
        tx.done,
      ]);
      return [];
    },

    /**
     * A prompt became visible to the GP for this patient (once per rule set per consult, the sidebar
     * says): logged, with the rule sets and what triggered them. Nothing else is stored.
     */
    async promptShown(
      patientHash: string,
      message: { ruleSetIds: string[]; trigger: TriggerSummary; practitioner?: Practitioner },
    ): Promise<Problem[]> {
      const configuration = await deps.configuration();
      const unknown = message.ruleSetIds.filter((id) => !configuration.ruleSets.some((ruleSet) => ruleSet.id === id));
      if (unknown.length > 0) return unknown.map((id) => ({ path: 'ruleSetIds', message: `no rule set ${id} is configured` }));
      await deps.auditLog.append([
        {
          event: 'prompt.shown',
          patient: patientHash,
          ...(message.practitioner ? { actor: message.practitioner } : {}),
          detail: { ruleSetIds: message.ruleSetIds, trigger: triggerCode(message.trigger) },
        },
      ]);
      return [];
    },

    /**
     * Queues one referral per rule set referred for, after checking it against the configuration in
     * force. Answers once the outbox write committed; delivery goes on without holding up the answer.
     */
    async submitReferral(
      patientHash: string,
      ruleSetIds: string[],
      request: ReferralRequest,
      tabId: number | undefined,
    ): Promise<{ ok: true; statuses: ReferralStatus[] } | { ok: false; problems: Problem[] }> {
      const configuration = await deps.configuration();
      const enabled = enabledRuleSets(configuration);
      const ruleSets = ruleSetIds.map((id) => enabled.find((ruleSet) => ruleSet.id === id));
      const missing = ruleSetIds.filter((_, index) => !ruleSets[index]);
      if (missing.length > 0) return { ok: false, problems: missing.map((id) => ({ path: 'ruleSetIds', message: `rule set ${id} is not switched on` })) };
      const intake = takeInReferral(request, {
        ruleSets: ruleSets as RuleSet[],
        endpoints: configuration.endpoints,
        patientHash,
        ...(tabId !== undefined ? { tabId } : {}),
        now: deps.now(),
        uuid: deps.uuid,
      });
      if (!intake.ok) return intake;
      // The screen was positive for these rule sets; consent and referral lines follow per referral.
      const positive: AuditDraft = {
        event: 'screening.positive',
        at: deps.now().toISOString(),
        patient: patientHash,
        actor: request.practitioner,
        detail: { ruleSetIds },
      };
      const entries = await deps.delivery.enqueue(intake.referrals, [positive]);
      for (const entry of entries) deps.delivery.deliver(entry.key).catch((error: unknown) => deps.log('delivery', error));
      const now = deps.now().getTime();
      return { ok: true, statuses: entries.map((entry) => toReferralStatus(entry, now)) };
    },
  };
}

export type ScreeningService = ReturnType<typeof createScreeningService>;
