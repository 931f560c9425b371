import type { Bundle, BundleEntry, FhirResource, QuestionnaireResponseItem, Reference, Timing } from 'fhir/r4';
import {
  AGB_SYSTEM,
  ANSWER_CODES,
  CALL_MOMENT_TIMING,
  CONSENT_RECORDED_BY_URL,
  CONSENT_STATEMENT_URL,
  LIFE_DOMAIN_DISPLAY_NL,
  LIFE_DOMAIN_SYSTEM,
  QUESTIONNAIRE_BASE,
  REFERRAL_ID_SYSTEM,
  SDOH_CATEGORIES,
  SDOH_CATEGORY_SYSTEM,
  type CallMoment,
  type LifeDomain,
  type SdohCategory,
} from './referral-contract';

/** How a screening question was answered; "not asked" travels as an item without an answer. */
export type ScreeningAnswer = 'yes' | 'no' | 'not-asked';

/** Who recorded the patient's consent: the logged-in GP as the EHR page shows them. */
export interface Practitioner {
  name?: string;
  agb?: string;
}

/**
 * Everything the practice decided to send, as stored in the outbox before anything leaves the
 * browser. Holds no diagnosis code and no complaint text: the social team gets a call-back request.
 */
export interface ReferralRecord {
  id: string;
  createdAt: string;
  patient: { name: string; phoneE164: string };
  answers: Array<{ questionId: string; questionText: string; answer: ScreeningAnswer }>;
  callMoment: CallMoment;
  lifeDomains: LifeDomain[];
  note: string;
  recipient: { name: string };
  /** What the referral is about, for the social team's triage (Gravity SDOH category). */
  category: SdohCategory;
  serviceText: string;
  questionnaire: { ruleSetId: string; version: string };
  consent: {
    recordedBy: Practitioner;
    recordedAt: string;
    statement: string;
    purpose: 'coordination-of-care';
    recipient: string;
    /** What the patient agreed may be shared, in the order the GP saw it in the preview. */
    dataShared: Array<'name' | 'phone' | 'call-moment' | 'life-domains' | 'note' | 'answers'>;
    withdrawnAt: null;
  };
}

/** The fullUrls of the five resources; generated once so every retry sends the same bundle. */
export interface BundleResourceIds {
  patient: string;
  questionnaireResponse: string;
  consent: string;
  serviceRequest: string;
  task: string;
}

/**
 * Builds the FHIR R4 transaction Bundle for the social team (Gravity SDOH Clinical Care shapes:
 * Patient, QuestionnaireResponse, Consent, ServiceRequest, Task). Every entry is a conditional
 * create on the referral id, so a real FHIR server, like the reference receiver, stores a referral
 * that arrives twice only once.
 */
export function buildReferralBundle(record: ReferralRecord, ids: BundleResourceIds): Bundle {
  const referralUrn = `urn:uuid:${record.id}`;
  const identifier = { system: REFERRAL_ID_SYSTEM, value: referralUrn };
  const ref = (id: string): Reference => ({ reference: `urn:uuid:${id}` });
  const requester: Reference = practitionerReference(record.consent.recordedBy);
  const recipient: Reference = { display: record.recipient.name };

  const items: QuestionnaireResponseItem[] = record.answers.map(({ questionId, questionText, answer }) => ({
    linkId: questionId,
    text: questionText,
    // "Not asked" is an item without an answer: FHIR's way of saying the question went unanswered.
    ...(answer === 'not-asked' ? {} : { answer: [{ valueCoding: answerCoding(answer) }] }),
  }));

  const timing = CALL_MOMENT_TIMING[record.callMoment];
  const occurrenceTiming: Timing = timing.when ? { code: { text: timing.textNl }, repeat: { when: [timing.when] } } : { code: { text: timing.textNl } };

  const resources: Array<[string, FhirResource]> = [
    [
      ids.patient,
      {
        resourceType: 'Patient',
        identifier: [identifier],
        name: [{ text: record.patient.name }],
        telecom: [{ system: 'phone', value: record.patient.phoneE164, use: record.patient.phoneE164.startsWith('+316') ? 'mobile' : 'home' }],
      },
    ],
    [
      ids.questionnaireResponse,
      {
        resourceType: 'QuestionnaireResponse',
        identifier,
        questionnaire: `${QUESTIONNAIRE_BASE}/${record.questionnaire.ruleSetId}|${record.questionnaire.version}`,
        status: 'completed',
        subject: ref(ids.patient),
        authored: record.createdAt,
        item: items,
      },
    ],
    [
      ids.consent,
      {
        resourceType: 'Consent',
        identifier: [identifier],
        extension: [
          { url: CONSENT_RECORDED_BY_URL, valueReference: requester },
          { url: CONSENT_STATEMENT_URL, valueString: record.consent.statement },
        ],
        status: 'active',
        scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
        patient: ref(ids.patient),
        dateTime: record.consent.recordedAt,
        performer: [ref(ids.patient)],
        policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
        provision: {
          type: 'permit',
          period: { start: record.consent.recordedAt },
          actor: [
            {
              role: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }],
              },
              reference: { display: record.consent.recipient },
            },
          ],
          action: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentaction', code: 'disclose' }] }],
          purpose: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'COC', display: 'coordination of care' }],
          data: [ids.patient, ids.questionnaireResponse, ids.serviceRequest].map((id) => ({ meaning: 'instance' as const, reference: ref(id) })),
        },
      },
    ],
    [
      ids.serviceRequest,
      {
        resourceType: 'ServiceRequest',
        identifier: [identifier],
        status: 'active',
        intent: 'order',
        category: [
          {
            coding: [
              {
                system: SDOH_CATEGORY_SYSTEM,
                code: record.category,
                display: SDOH_CATEGORIES[record.category],
              },
            ],
          },
          ...record.lifeDomains.map((domain) => ({
            coding: [{ system: LIFE_DOMAIN_SYSTEM, code: domain, display: LIFE_DOMAIN_DISPLAY_NL[domain] }],
          })),
        ],
        code: { text: record.serviceText },
        subject: ref(ids.patient),
        occurrenceTiming,
        authoredOn: record.createdAt,
        requester,
        performer: [recipient],
        supportingInfo: [ref(ids.questionnaireResponse), ref(ids.consent)],
        ...(record.note ? { note: [{ text: record.note }] } : {}),
      },
    ],
    [
      ids.task,
      {
        resourceType: 'Task',
        identifier: [identifier],
        status: 'requested',
        intent: 'order',
        code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
        focus: ref(ids.serviceRequest),
        for: ref(ids.patient),
        authoredOn: record.createdAt,
        requester,
        owner: recipient,
      },
    ],
  ];

  const entry: BundleEntry[] = resources.map(([id, resource]) => ({
    fullUrl: `urn:uuid:${id}`,
    resource,
    request: { method: 'POST', url: resource.resourceType, ifNoneExist: `identifier=${REFERRAL_ID_SYSTEM}|${referralUrn}` },
  }));

  return { resourceType: 'Bundle', type: 'transaction', identifier, timestamp: record.createdAt, entry };
}

function practitionerReference(practitioner: Practitioner): Reference {
  return {
    ...(practitioner.name ? { display: practitioner.name } : { display: 'Huisarts (naam niet gevonden op de pagina)' }),
    ...(practitioner.agb ? { identifier: { system: AGB_SYSTEM, value: practitioner.agb } } : {}),
  };
}

function answerCoding(answer: 'yes' | 'no') {
  const { system, code, display } = ANSWER_CODES[answer];
  return { system, code, display };
}

/**
 * The Idempotency-Key of a referral's withdrawal: not the referral's own key, which a server that
 * remembers keys would answer with the original referral's response.
 */
export function withdrawalIdempotencyKey(referralId: string): string {
  return `urn:uuid:${referralId}#withdrawal`;
}

/**
 * The FHIR R4 transaction Bundle that withdraws a delivered referral's consent: conditional updates
 * (on the referral id) that make the Consent `inactive` and cancel the Task. It carries no patient
 * data, and any FHIR server that accepted the referral can apply it; the conditional references
 * (`Patient?identifier=…`) resolve to the resources the referral created.
 */
export function buildWithdrawalBundle(referralId: string, withdrawnAt: string, recordedBy: Practitioner): Bundle {
  const referralUrn = `urn:uuid:${referralId}`;
  const identifier = { system: REFERRAL_ID_SYSTEM, value: referralUrn };
  const query = `identifier=${REFERRAL_ID_SYSTEM}|${referralUrn}`;
  const requester = practitionerReference(recordedBy);
  const resources: FhirResource[] = [
    {
      resourceType: 'Consent',
      identifier: [identifier],
      extension: [{ url: CONSENT_RECORDED_BY_URL, valueReference: requester }],
      status: 'inactive',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
      patient: { reference: `Patient?${query}` },
      dateTime: withdrawnAt,
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTOUT' }] },
      provision: { type: 'deny', period: { start: withdrawnAt } },
    },
    {
      resourceType: 'Task',
      identifier: [identifier],
      status: 'cancelled',
      statusReason: { text: 'Toestemming ingetrokken door de patiënt' },
      intent: 'order',
      code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }] },
      focus: { reference: `ServiceRequest?${query}` },
      for: { reference: `Patient?${query}` },
      lastModified: withdrawnAt,
      requester,
    },
  ];
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    timestamp: withdrawnAt,
    entry: resources.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}?${query}` } })),
  };
}
