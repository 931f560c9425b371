import { describe, expect, it } from 'vitest';
import type { Bundle, Consent, Patient, QuestionnaireResponse, ServiceRequest, Task } from 'fhir/r4';
import { takeInReferral } from '../../extension/background/referral-intake';
import { validateReferralBundle } from '../../receiver/validate';
import { defaultRuleSet, lonelinessRuleSet, referralRequest, sequentialUuids, socialTeamEndpoint } from './helpers';

const ruleSet = defaultRuleSet();
const context = () => ({
  ruleSets: [ruleSet],
  endpoints: [socialTeamEndpoint()],
  patientHash: 'a'.repeat(64),
  tabId: 7,
  now: new Date('2026-11-23T10:15:00Z'),
  uuid: sequentialUuids(),
});

function intake(overrides = {}) {
  const result = takeInReferral(referralRequest(overrides), context());
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  const [referral] = result.referrals;
  const bundle = JSON.parse(referral!.entry.body!) as Bundle;
  const find = <T>(type: string) => bundle.entry!.find((e) => e.resource?.resourceType === type)!.resource as T;
  return { result: referral!, bundle, find };
}

describe('referral payload', () => {
  it('carries name, phone, consent and answers for the social team', () => {
    const { bundle, find } = intake();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    expect(bundle.entry!.map((e) => e.resource!.resourceType)).toEqual(['Patient', 'QuestionnaireResponse', 'Consent', 'ServiceRequest', 'Task']);

    const patient = find<Patient>('Patient');
    expect(patient.name).toEqual([{ text: 'Mila Voorbeeld' }]);
    expect(patient.telecom).toEqual([{ system: 'phone', value: '+31699990001', use: 'mobile' }]);

    const consent = find<Consent>('Consent');
    expect(consent.status).toBe('active');
    expect(consent.provision?.type).toBe('permit');
    expect(consent.provision?.actor?.[0]?.reference.display).toBe('Sociaal wijkteam Heuvelland');
    expect(consent.dateTime).toBe('2026-11-23T10:15:00.000Z');
    expect(JSON.stringify(consent.extension)).toContain('dr. E. Denkbeeld');

    const answers = find<QuestionnaireResponse>('QuestionnaireResponse').item!;
    expect(answers.map((i) => [i.linkId, i.answer?.[0]?.valueCoding?.code ?? 'not asked'])).toEqual([
      ['make-ends-meet', 'LA33-6'],
      ['sleep-money-worries', 'LA32-8'],
      ['unopened-mail', 'not asked'],
    ]);
    expect(answers[0]!.text).toBe('Vindt u het moeilijk om elke maand rond te komen?');

    const request = find<ServiceRequest>('ServiceRequest');
    expect(request.occurrenceTiming?.repeat?.when).toEqual(['MORN']);
    expect(request.note).toEqual([{ text: 'Liever niet tussen 12 en 13 uur bellen.' }]);
    expect(find<Task>('Task').status).toBe('requested');
  });

  it('carries no ICPC code and no complaint text', () => {
    const { result } = intake({ trigger: { kind: 'code', baseCode: 'L03' } });
    const body = result.entry.body!;
    for (const code of ruleSet.triggers.codes) {
      expect(body).not.toMatch(new RegExp(`\\b${code.code}\\b`));
      expect(body.toLowerCase()).not.toContain(code.title.nl.toLowerCase());
    }
    expect(body).not.toContain('icpc');
    expect(body).not.toContain('Condition');
    expect(body).not.toContain('reasonCode');
  });

  it('makes every entry a conditional create on the referral id, so a resend is the same referral', () => {
    const { result, bundle } = intake();
    const expected = `identifier=urn:ietf:rfc:3986|urn:uuid:${result.entry.referralId}`;
    expect(bundle.entry!.map((e) => e.request?.ifNoneExist)).toEqual(Array(5).fill(expected));
    expect(result.entry).toMatchObject({
      state: 'queued',
      attempts: 0,
      tabId: 7,
      endpointId: 'sociaal-wijkteam',
      endpoint: 'http://127.0.0.1:4320/fhir',
      ruleSetId: 'vroegsignaal-geldzorgen',
    });
  });

  it('refuses a screen that is not positive, naming where', () => {
    const result = takeInReferral(referralRequest({ answers: { 'make-ends-meet': 'no', 'sleep-money-worries': 'no' } }), context());
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'referral.answers' }] });
  });

  it('refuses a phone number the social team cannot call', () => {
    const result = takeInReferral(referralRequest({ patient: { name: 'Mila Voorbeeld', phone: '0900-1234' } }), context());
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'referral.patient.phone' }] });
  });

  it('refuses a note with a diagnosis code unless the practice allows them', () => {
    const noted = referralRequest({ note: 'Bekend met P03, graag voorzichtig.' });
    expect(takeInReferral(noted, context())).toMatchObject({ ok: false, problems: [{ path: 'referral.note' }] });
    const allowing = { ...context(), ruleSets: [{ ...ruleSet, referral: { ...ruleSet.referral, includeDiagnosisCodes: true } }] };
    expect(takeInReferral(noted, allowing).ok).toBe(true);
  });

  it('refuses answers to questions the rule set does not have', () => {
    const result = takeInReferral(referralRequest({ answers: { 'make-ends-meet': 'yes', 'favourite-colour': 'yes' } }), context());
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'referral.answers.favourite-colour' }] });
  });

  it('refuses to queue for a rule set whose social-team endpoint is not configured, and says so', () => {
    const result = takeInReferral(referralRequest(), { ...context(), endpoints: [] });
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'ruleSetIds', message: expect.stringContaining('"sociaal-wijkteam", which is not configured') }] });
  });

  it('makes one referral per positive rule set, each with its own category, consent text and questions', () => {
    const loneliness = lonelinessRuleSet();
    const answers = { 'make-ends-meet': 'yes', 'often-alone': 'yes', 'misses-people': 'yes' } as const;
    const result = takeInReferral(referralRequest({ answers }), { ...context(), ruleSets: [ruleSet, loneliness] });
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.referrals.map((r) => r.entry.ruleSetId)).toEqual(['vroegsignaal-geldzorgen', 'vroegsignaal-eenzaamheid']);
    const [money, lonely] = result.referrals.map((r) => JSON.parse(r.entry.body!) as Bundle);
    const categoryOf = (bundle: Bundle) => (bundle.entry!.find((e) => e.resource?.resourceType === 'ServiceRequest')!.resource as ServiceRequest).category![0]!.coding![0]!.code;
    expect([categoryOf(money!), categoryOf(lonely!)]).toEqual(['financial-insecurity', 'social-connection']);
    const itemsOf = (bundle: Bundle) => (bundle.entry!.find((e) => e.resource?.resourceType === 'QuestionnaireResponse')!.resource as QuestionnaireResponse).item!.map((i) => i.linkId);
    expect(itemsOf(lonely!)).toEqual(['often-alone', 'misses-people', 'wants-more-contact']);
    expect(result.referrals[1]!.consent.statement).toBe(loneliness.consentStatement.nl);
    expect(new Set(result.referrals.map((r) => r.entry.referralId)).size).toBe(2);
  });

  it('refuses all when one of the rule sets referred for is not positive', () => {
    const result = takeInReferral(referralRequest({ answers: { 'make-ends-meet': 'yes', 'often-alone': 'yes' } }), { ...context(), ruleSets: [ruleSet, lonelinessRuleSet()] });
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'referral.answers', message: expect.stringContaining('vroegsignaal-eenzaamheid') }] });
  });

  it('is accepted by the reference receiver as sent, with every answer shape', () => {
    for (const answers of [
      { 'make-ends-meet': 'yes', 'sleep-money-worries': 'no', 'unopened-mail': 'not-asked' },
      { 'make-ends-meet': 'yes', 'sleep-money-worries': 'yes', 'unopened-mail': 'yes' },
    ] as const) {
      for (const callMoment of ['no-preference', 'evening'] as const) {
        const { result } = intake({ answers, callMoment, note: '', lifeDomains: ['daily-functioning', 'mental-wellbeing'] });
        const validation = validateReferralBundle(JSON.parse(result.entry.body!));
        expect(validation, JSON.stringify(validation)).toMatchObject({ ok: true });
      }
    }
  });
});
