import { enabledRuleSets, type PracticeConfiguration } from '../shared/configuration';
import type { Problem, ReferralRequest, ReferralStatus, Suppression, TriggerSummary } from '../shared/messages';
import type { RuleSet } from '../shared/rule-set';
import type { AuditEvent, ScreeningEvent, VroegsignaalDatabase } from './database';
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
      const entries = await deps.delivery.forPatient(patientHash);
      const latestPerRuleSet = new Map<string, ReferralStatus>();
      for (const entry of entries) if (!latestPerRuleSet.has(entry.ruleSetId)) latestPerRuleSet.set(entry.ruleSetId, toReferralStatus(entry));

      const screenings = await db.getAllFromIndex('screenings', 'by-patient', patientHash);
      const now = deps.now().getTime();
      const suppressed: Suppression[] = [];
      for (const ruleSet of enabledRuleSets(configuration)) {
        // A referral stays open until the social team closes it (issue: the closed loop); until then, never prompt again.
        if (latestPerRuleSet.has(ruleSet.id)) {
          suppressed.push({ ruleSetId: ruleSet.id, reason: 'open-referral' });
          continue;
        }
        if (ruleSet.cooldownDays === 0) continue;
        const last = screenings
          .filter((s) => s.ruleSetId === ruleSet.id && (s.outcome === 'negative' || s.outcome === 'referred'))
          .reduce<number>((latest, s) => Math.max(latest, Date.parse(s.at)), Number.NEGATIVE_INFINITY);
        const until = last + ruleSet.cooldownDays * DAY_MS;
        if (until > now) suppressed.push({ ruleSetId: ruleSet.id, reason: 'cooldown', until: new Date(until).toISOString() });
      }
      return { referrals: [...latestPerRuleSet.values()], suppressed };
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
      for (const entry of entries) deps.delivery.deliver(entry.referralId).catch((error: unknown) => deps.log('delivery', error));
      return { ok: true, statuses: entries.map(toReferralStatus) };
    },
  };
}

export type ScreeningService = ReturnType<typeof createScreeningService>;
