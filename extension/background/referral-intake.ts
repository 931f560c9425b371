import type { AuditEvent, ConsentRecord, OutboxEntry, ScreeningEvent } from './database';
import { buildReferralBundle, type ReferralRecord } from '../../contract/referral-bundle';
import { findIcpcCodes } from '../../contract/referral-contract';
import type { Problem, ReferralRequest } from '../shared/messages';
import { parseDutchPhone } from '../shared/phone';
import { evaluateScreen } from '../shared/rule-engine';
import type { RuleSet } from '../shared/rule-set';

export interface IntakeContext {
  ruleSet: RuleSet;
  endpoint: string;
  patientHash: string;
  tabId?: number;
  now: Date;
  uuid: () => string;
}

export type IntakeResult =
  | { ok: true; entry: OutboxEntry; consent: ConsentRecord; audit: AuditEvent; screening: ScreeningEvent; record: ReferralRecord }
  | { ok: false; problems: Problem[] };

/**
 * Checks a GP's referral against the rule set once more (the sidebar could be out of date or
 * tampered with) and turns it into what the outbox stores: the exact bundle to send, the consent,
 * an audit line and the screening outcome.
 */
export function takeInReferral(request: ReferralRequest, context: IntakeContext): IntakeResult {
  const { ruleSet } = context;
  const problems: Problem[] = [];

  const phone = parseDutchPhone(request.patient.phone);
  if (!phone.ok) problems.push({ path: 'referral.patient.phone', message: `not a Dutch phone number to call back (${phone.reason})` });

  const unknownQuestions = Object.keys(request.answers).filter((id) => !ruleSet.questions.some((q) => q.id === id));
  for (const id of unknownQuestions) problems.push({ path: `referral.answers.${id}`, message: `not a question of rule set ${ruleSet.id}` });
  const screen = evaluateScreen(ruleSet, request.answers);
  if (!screen.positive) {
    problems.push({
      path: 'referral.answers',
      message: `screen is not positive: ${screen.yesCount} yes, rule set ${ruleSet.id} needs ${ruleSet.positiveWhen.minYes}`,
    });
  }

  if (!ruleSet.referral.includeDiagnosisCodes) {
    const codes = findIcpcCodes(request.note, true);
    if (codes.length > 0) {
      problems.push({ path: 'referral.note', message: `contains diagnosis codes (${codes.join(', ')}); the practice does not share them` });
    }
  }
  if (!phone.ok || problems.length > 0) return { ok: false, problems };

  const createdAt = context.now.toISOString();
  const recipient = ruleSet.referral.recipient.name;
  const record: ReferralRecord = {
    id: context.uuid(),
    createdAt,
    patient: { name: request.patient.name, phoneE164: phone.e164 },
    answers: ruleSet.questions.map((question) => ({
      questionId: question.id,
      // The social team reads Dutch, whatever language the GP's browser speaks.
      questionText: question.text.nl,
      answer: request.answers[question.id] ?? 'not-asked',
    })),
    callMoment: request.callMoment,
    lifeDomains: request.lifeDomains,
    note: request.note.trim(),
    recipient: { name: recipient },
    category: 'financial-insecurity',
    serviceText: ruleSet.referral.serviceText.nl,
    questionnaire: { ruleSetId: ruleSet.id, version: ruleSet.version },
    consent: {
      recordedBy: request.practitioner,
      recordedAt: createdAt,
      statement: ruleSet.consentStatement[request.locale],
      purpose: 'coordination-of-care',
      recipient,
      dataShared: ['name', 'phone', 'call-moment', 'life-domains', ...(request.note.trim() ? (['note'] as const) : []), 'answers'],
      withdrawnAt: null,
    },
  };
  const bundle = buildReferralBundle(record, {
    patient: context.uuid(),
    questionnaireResponse: context.uuid(),
    consent: context.uuid(),
    serviceRequest: context.uuid(),
    task: context.uuid(),
  });

  return {
    ok: true,
    record,
    entry: {
      referralId: record.id,
      patientHash: context.patientHash,
      createdAt,
      endpoint: context.endpoint,
      recipient,
      state: 'queued',
      attempts: 0,
      nextAttemptAt: context.now.getTime(),
      ...(context.tabId !== undefined ? { tabId: context.tabId } : {}),
      body: JSON.stringify(bundle),
    },
    consent: { ...record.consent, referralId: record.id, patientHash: context.patientHash },
    audit: { at: createdAt, action: 'referral.queued', patientHash: context.patientHash, actor: request.practitioner, referralId: record.id },
    screening: {
      at: createdAt,
      patientHash: context.patientHash,
      outcome: 'referred',
      trigger: request.trigger,
      ruleSetId: ruleSet.id,
      ruleSetVersion: ruleSet.version,
    },
  };
}
