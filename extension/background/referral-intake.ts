import { buildReferralBundle, type ReferralRecord } from '../../contract/referral-bundle';
import { findIcpcCodes } from '../../contract/referral-contract';
import type { SocialTeamEndpoint } from '../shared/configuration';
import type { Practitioner } from '../../contract/referral-bundle';
import type { DraftRequest, Problem, ReferralRequest } from '../shared/messages';
import { parseDutchPhone } from '../shared/phone';
import { evaluateScreen } from '../shared/rule-engine';
import type { RuleSet } from '../shared/rule-set';
import { buildWebhookReferral } from '../../contract/webhook';
import type { AuditDraft } from './audit-log';
import type { ConsentRecord, ReferralOutboxEntry, ScreeningEvent } from './database';

export interface IntakeContext {
  /** The rule sets the GP refers for (each positive), as configured now. */
  ruleSets: RuleSet[];
  endpoints: readonly SocialTeamEndpoint[];
  patientHash: string;
  tabId?: number;
  now: Date;
  uuid: () => string;
  /**
   * Consent recorded earlier, when the assistant completes a GP's draft: when it was given and the
   * statement read out per rule set (what the patient agreed to then, not today's wording). Who
   * recorded it is the request's practitioner. Absent: consent is given now.
   */
  consent?: { recordedAt: string; statements: Record<string, string> };
}

/** What the outbox stores for one referral. */
export interface IntakeItem {
  entry: ReferralOutboxEntry;
  consent: ConsentRecord;
  /** For the audit log: the consent given, then the referral queued (never the patient's name or phone). */
  audit: AuditDraft[];
  screening: ScreeningEvent;
  record: ReferralRecord;
}

export type IntakeResult = { ok: true; referrals: IntakeItem[] } | { ok: false; problems: Problem[] };

/**
 * Checks a GP's referral against the rule sets once more (the sidebar could be out of date or
 * tampered with) and turns it into one referral per rule set: the exact body to send (a FHIR bundle or
 * a webhook document, in the format of the rule set's endpoint), the
 * consent, an audit line and the screening outcome. All or nothing: one problem and none is made.
 */
export function takeInReferral(request: ReferralRequest, context: IntakeContext): IntakeResult {
  const phone = parseDutchPhone(request.patient.phone);
  const { problems, targets } = checkReferral(request, context);
  if (!phone.ok) problems.unshift({ path: 'referral.patient.phone', message: `not a Dutch phone number to call back (${phone.reason})` });
  if (!phone.ok || problems.length > 0) return { ok: false, problems: dedupe(problems) };
  return { ok: true, referrals: intakeItems(request, phone.e164, targets, context) };
}

/**
 * The checks of {@link takeInReferral} but the phone's, for a GP's draft: everything else must be
 * right when the GP saves it, since only the phone is the assistant's to complete. Paths say `draft.`.
 */
export function draftProblems(draft: DraftRequest, context: Pick<IntakeContext, 'ruleSets' | 'endpoints'>): Problem[] {
  return dedupe(checkReferral(draft, context).problems).map((problem) => ({ ...problem, path: problem.path.replace(/^referral\./, 'draft.') }));
}

type Target = { ruleSet: RuleSet; endpoint: SocialTeamEndpoint | undefined };

function checkReferral(request: Omit<ReferralRequest, 'patient'>, context: Pick<IntakeContext, 'ruleSets' | 'endpoints'>): { problems: Problem[]; targets: Target[] } {
  const problems: Problem[] = [];
  const known = new Set(context.ruleSets.flatMap((ruleSet) => ruleSet.questions.map((question) => question.id)));
  for (const id of Object.keys(request.answers)) {
    if (!known.has(id)) problems.push({ path: `referral.answers.${id}`, message: 'not a question of the rule sets referred for' });
  }

  const targets = context.ruleSets.map((ruleSet) => {
    const screen = evaluateScreen(ruleSet, request.answers);
    if (!screen.positive) {
      problems.push({
        path: 'referral.answers',
        message: `screen is not positive for rule set ${ruleSet.id}: ${screen.yesCount} yes, it needs ${ruleSet.positiveWhen.minYes}`,
      });
    }
    const endpoint = context.endpoints.find((candidate) => candidate.id === ruleSet.referral.endpoint);
    if (!endpoint) {
      problems.push({
        path: 'ruleSetIds',
        message: `rule set ${ruleSet.id} sends to endpoint "${ruleSet.referral.endpoint}", which is not configured; ask the practice administrator`,
      });
    }
    if (!ruleSet.referral.includeDiagnosisCodes) {
      const codes = findIcpcCodes(request.note, true);
      if (codes.length > 0) {
        problems.push({ path: 'referral.note', message: `contains diagnosis codes (${codes.join(', ')}); the practice does not share them` });
      }
    }
    return { ruleSet, endpoint };
  });
  return { problems, targets };
}

function intakeItems(request: ReferralRequest, phoneE164: string, targets: Target[], context: IntakeContext): IntakeItem[] {
  const createdAt = context.now.toISOString();
  const note = request.note.trim();
  const recordedBy: Practitioner = request.practitioner;
  return targets.map(({ ruleSet, endpoint }): IntakeItem => {
    const recipient = endpoint!.name;
    const record: ReferralRecord = {
      id: context.uuid(),
      createdAt,
      patient: { name: request.patient.name, phoneE164 },
      answers: ruleSet.questions.map((question) => ({
        questionId: question.id,
        // The social team reads Dutch, whatever language the GP's browser speaks.
        questionText: question.text.nl,
        answer: request.answers[question.id] ?? 'not-asked',
      })),
      callMoment: request.callMoment,
      lifeDomains: request.lifeDomains,
      note,
      recipient: { name: recipient },
      category: ruleSet.referral.category,
      serviceText: ruleSet.referral.serviceText.nl,
      questionnaire: { ruleSetId: ruleSet.id, version: ruleSet.version },
      consent: {
        recordedBy,
        recordedAt: context.consent?.recordedAt ?? createdAt,
        statement: context.consent?.statements[ruleSet.id] ?? ruleSet.consentStatement[request.locale],
        purpose: 'coordination-of-care',
        recipient,
        dataShared: ['name', 'phone', 'call-moment', 'life-domains', ...(note ? (['note'] as const) : []), 'answers'],
        withdrawnAt: null,
      },
    };
    // Made once, in the endpoint's format, so that every retry sends exactly the same bytes.
    const body =
      endpoint!.format === 'json-webhook'
        ? buildWebhookReferral(record)
        : buildReferralBundle(record, {
            patient: context.uuid(),
            questionnaireResponse: context.uuid(),
            consent: context.uuid(),
            serviceRequest: context.uuid(),
            task: context.uuid(),
          });
    return {
      record,
      entry: {
        key: record.id,
        kind: 'referral',
        referralId: record.id,
        patientHash: context.patientHash,
        ruleSetId: ruleSet.id,
        createdAt,
        endpointId: endpoint!.id,
        endpoint: endpoint!.url,
        recipient,
        format: endpoint!.format,
        state: 'queued',
        attempts: 0,
        nextAttemptAt: context.now.getTime(),
        ...(context.tabId !== undefined ? { tabId: context.tabId } : {}),
        body: JSON.stringify(body),
        patientName: request.patient.name,
        record,
      },
      consent: { ...record.consent, referralId: record.id, patientHash: context.patientHash },
      audit: [
        { event: 'consent.given', at: createdAt, patient: context.patientHash, actor: request.practitioner, object: record.id, detail: { ruleSetIds: [ruleSet.id] } },
        {
          event: 'referral.queued',
          at: createdAt,
          patient: context.patientHash,
          actor: request.practitioner,
          object: record.id,
          detail: { ruleSetIds: [ruleSet.id], endpointId: endpoint!.id },
        },
      ],
      screening: {
        at: createdAt,
        patientHash: context.patientHash,
        outcome: 'referred',
        trigger: request.trigger,
        ruleSetId: ruleSet.id,
        ruleSetVersion: ruleSet.version,
        // The same answers as the referral's, kept for the practice report after the body is dropped.
        answers: Object.fromEntries(record.answers.map((item) => [item.questionId, item.answer])),
      },
    };
  });
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
