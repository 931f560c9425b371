import geldzorgen from '../../rules/geldzorgen.rules.json';
import eenzaamheid from '../../rules/eenzaamheid.rules.json';
import adapterTemplates from '../../rules/adapter-templates.json';
import { parsePageAdapter, parseRuleSet } from '../../extension/background/configuration/validation';
import type { ReferralFeedback } from '../../contract/referral-status';
import type { SocialTeamEndpoint } from '../../extension/shared/configuration';
import type { ReferralRequest } from '../../extension/shared/messages';
import type { PageAdapter } from '../../extension/shared/page-adapter';
import type { RuleSet } from '../../extension/shared/rule-set';

/** The shipped financial screen, validated as the background validates it. */
export function defaultRuleSet(): RuleSet {
  return validRuleSet(geldzorgen);
}

/** The shipped loneliness example. */
export function lonelinessRuleSet(): RuleSet {
  return validRuleSet(eenzaamheid);
}

function validRuleSet(source: unknown): RuleSet {
  const parsed = parseRuleSet(source);
  if (!parsed.ok) throw new Error(`rule set invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

/** The demo HIS adapter as a practice would configure it: the built-in template on the demo's origin. */
export function demoHisAdapter(origin = 'http://127.0.0.1:4310'): PageAdapter {
  const template = adapterTemplates.templates.find((candidate) => candidate.id === 'demo-his')!;
  const parsed = parsePageAdapter({ id: 'demo-his', name: 'Demo-HIS', pages: [{ origin, pathPrefix: '/' }], ...template.adapter });
  if (!parsed.ok) throw new Error(`adapter invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

/** The social team's endpoint the bundled rule sets send to. */
export function socialTeamEndpoint(url = 'http://127.0.0.1:4320/fhir'): SocialTeamEndpoint {
  return { id: 'sociaal-wijkteam', name: 'Sociaal wijkteam Heuvelland', url, format: 'fhir-r4', auth: { scheme: 'none' } };
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
export function sequentialUuids(start = 0): () => string {
  let n = start;
  return () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;
}

/** What the social team reported back for a referral: an open Task with nothing recorded, plus `fields`. */
export function referralFeedback(fields: Partial<ReferralFeedback> = {}): ReferralFeedback {
  return {
    taskStatus: 'in-progress',
    businessStatus: null,
    businessStatusText: null,
    contactedAt: null,
    failedAttempts: 0,
    outcome: null,
    partners: [],
    noteForGp: null,
    callbackDueBy: null,
    lastModified: null,
    ...fields,
  };
}
