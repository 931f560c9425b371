import defaultRules from '../../rules/default.rules.json';
import { parseRuleSet } from '../../extension/background/rule-set-schema';
import type { RuleSet } from '../../extension/shared/rule-set';
import type { ReferralRequest } from '../../extension/shared/messages';

/** The shipped default rule set, validated as the background validates it. */
export function defaultRuleSet(): RuleSet {
  const parsed = parseRuleSet(defaultRules);
  if (!parsed.ok) throw new Error(`default rules invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.ruleSet;
}

/** A complete, positive referral for synthetic patient Mila Voorbeeld. */
export function referralRequest(overrides: Partial<ReferralRequest> = {}): ReferralRequest {
  return {
    patient: { name: 'Mila Voorbeeld', phone: '06-99990001' },
    answers: { 'make-ends-meet': 'yes', 'sleep-money-worries': 'no', 'unopened-mail': 'not-asked' },
    callMoment: 'morning',
    lifeDomains: ['daily-functioning'],
    note: 'Liever niet tussen 12 en 13 uur bellen.',
    consentGiven: true,
    locale: 'nl',
    practitioner: { name: 'dr. E. Denkbeeld', agb: '01999001' },
    trigger: { kind: 'code', baseCode: 'N01' },
    ...overrides,
  };
}

/** Deterministic UUIDs for tests: 00000000-0000-4000-8000-00000000000N. */
export function sequentialUuids(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}
