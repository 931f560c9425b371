import { enabledRuleSets, type PracticeConfiguration } from '../shared/configuration';
import type { Problem, ReferralRequest, ReferralStatus, Suppression, TriggerSummary } from '../shared/messages';
import type { RuleSet } from '../shared/rule-set';
import type { AuditEvent, ReferralOutboxEntry, ScreeningEvent, VroegsignaalDatabase } from './database';
import { toReferralStatus, type DeliveryService } from './delivery';
import { takeInReferral } from './referral-intake';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface ScreeningServiceDependencies {
  db: VroegsignaalDatabase;
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

  return {
    /** The patient's latest referral per rule set, and the rule sets that must not prompt now. */
    async patientOpened(patientHash: string): Promise<{ referrals: ReferralStatus[]; suppressed: Suppression[] }> {
      const configuration = await deps.configuration();
      const latestPerRuleSet = new Map<string, { entry: ReferralOutboxEntry; status: ReferralStatus }>();
      for (const referral of await deps.delivery.forPatient(patientHash)) {
        if (!latestPerRuleSet.has(referral.entry.ruleSetId)) latestPerRuleSet.set(referral.entry.ruleSetId, referral);
      }

      const screenings = await db.getAllFromIndex('screenings', 'by-patient', patientHash);
      const now = deps.now().getTime();
      const suppressed: Suppression[] = [];
      for (const ruleSet of enabledRuleSets(configuration)) {
        // A referral stays open until the social team closes it (its Task is final) or the patient
        // withdraws consent; until then, never prompt again. After that the rule set's usual cooldown
        // applies, counted from the closing — a withdrawal included: the patient said no to this
        // referral, not to ever being asked again, and the cooldown is how long the practice waits.
        const latest = latestPerRuleSet.get(ruleSet.id)?.entry;
        if (latest && !latest.closedAt) {
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

    /** Records a negative screen or a dismissal (with its reason) per rule set that fired, pseudonymised. */
    async recordScreening(
      patientHash: string,
      message: { ruleSetIds: string[]; outcome: 'negative' | 'dismissed'; reason?: 'not-now' | 'not-relevant'; trigger: TriggerSummary },
    ): Promise<Problem[]> {
      const configuration = await deps.configuration();
      const ruleSets = message.ruleSetIds.map((id) => configuration.ruleSets.find((ruleSet) => ruleSet.id === id));
      const unknown = message.ruleSetIds.filter((_, index) => !ruleSets[index]);
      if (unknown.length > 0) return unknown.map((id) => ({ path: 'ruleSetIds', message: `no rule set ${id} is configured` }));
      const at = deps.now().toISOString();
      const tx = db.transaction(['screenings', 'audit'], 'readwrite');
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
          };
          return tx.objectStore('screenings').add(screening);
        }),
        tx.objectStore('audit').add({
          at,
          action: message.outcome === 'negative' ? 'screening.negative' : 'prompt.dismissed',
          patientHash,
          detail: [message.reason, ...message.ruleSetIds].filter(Boolean).join(' '),
        } satisfies AuditEvent),
        tx.done,
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
      const entries = await deps.delivery.enqueue(intake.referrals);
      for (const entry of entries) deps.delivery.deliver(entry.key).catch((error: unknown) => deps.log('delivery', error));
      const now = deps.now().getTime();
      return { ok: true, statuses: entries.map((entry) => toReferralStatus(entry, now)) };
    },
  };
}

export type ScreeningService = ReturnType<typeof createScreeningService>;
