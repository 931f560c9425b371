/**
 * The way back: what the social team did with a referral, as it travels in the FHIR Task
 * (`status`, `businessStatus`, `output`, `lastModified`). The receiver writes Tasks with
 * {@link taskFeedbackFields}; the extension reads any FHIR server's Task with {@link readTaskFeedback}.
 * Plain constants and pure functions, like referral-contract.ts.
 */
import { PROFILE_BASE, REFERRAL_ID_SYSTEM } from './referral-contract';

/** Code system of the social team's outcomes (Task.output and Task.businessStatus). */
export const OUTCOME_SYSTEM = `${PROFILE_BASE}/CodeSystem/referral-outcome`;
/** Code system of the partners involved (Task.output). */
export const PARTNER_SYSTEM = `${PROFILE_BASE}/CodeSystem/referral-partner`;
/** Code system of Task.businessStatus: where the team is with the referral. */
export const BUSINESS_STATUS_SYSTEM = `${PROFILE_BASE}/CodeSystem/referral-business-status`;
/** Code system of the kinds of Task.output this contract uses (`Task.output.type`). */
export const OUTPUT_TYPE_SYSTEM = `${PROFILE_BASE}/CodeSystem/referral-output`;

/** How the social team closed a referral. */
export const REFERRAL_OUTCOMES = ['handled-with-partners', 'passed-to-credit-bank', 'known-at-credit-bank', 'declined', 'not-reachable'] as const;
export type ReferralOutcome = (typeof REFERRAL_OUTCOMES)[number];

/** Dutch display names, used as `Coding.display` and in the social team's inbox. */
export const OUTCOME_DISPLAY_NL: Record<ReferralOutcome, string> = {
  'handled-with-partners': 'Opgepakt door het sociaal team met partners',
  'passed-to-credit-bank': 'Doorverwezen naar de Kredietbank',
  'known-at-credit-bank': 'Al bekend bij de Kredietbank',
  declined: 'Patiënt wilde geen hulp',
  'not-reachable': 'Niet bereikbaar',
};

/** Partners the social team may have involved. */
export const REFERRAL_PARTNERS = ['credit-bank', 'income-support', 'work-activation', 'language-help', 'social-work', 'other'] as const;
export type ReferralPartner = (typeof REFERRAL_PARTNERS)[number];

export const PARTNER_DISPLAY_NL: Record<ReferralPartner, string> = {
  'credit-bank': 'Kredietbank',
  'income-support': 'Gemeentelijke inkomensondersteuning',
  'work-activation': 'Werk en activering',
  'language-help': 'Taalhulp',
  'social-work': 'Maatschappelijk werk',
  other: 'Anders',
};

/** Where the team is with a referral (Task.businessStatus). Closed referrals carry their outcome instead. */
export const PROGRESS_STATES = ['received', 'contact-attempted', 'contacted', 'consent-withdrawn'] as const;
export type ProgressState = (typeof PROGRESS_STATES)[number];
export type BusinessStatus = ProgressState | ReferralOutcome;

export const BUSINESS_STATUS_DISPLAY_NL: Record<BusinessStatus, string> = {
  received: 'Ontvangen, nog niet gebeld',
  'contact-attempted': 'Gebeld, nog niet bereikt',
  contacted: 'Gebeld',
  'consent-withdrawn': 'Toestemming ingetrokken',
  ...OUTCOME_DISPLAY_NL,
};

/** Kinds of Task.output. */
export const OUTPUT_TYPES = ['outcome', 'partner', 'contacted-at', 'contact-attempts', 'note-for-gp', 'callback-due'] as const;
export type OutputType = (typeof OUTPUT_TYPES)[number];

/** Longest note the social team can write back to the GP. */
export const GP_NOTE_MAX_LENGTH = 280;

/** FHIR R4 Task.status values. */
export type TaskStatus =
  | 'draft'
  | 'requested'
  | 'received'
  | 'accepted'
  | 'rejected'
  | 'ready'
  | 'cancelled'
  | 'in-progress'
  | 'on-hold'
  | 'failed'
  | 'completed'
  | 'entered-in-error';

/** Task statuses after which nothing more will happen: the extension stops asking. */
export const FINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(['cancelled', 'completed', 'failed', 'rejected', 'entered-in-error']);

/** What the social team recorded about one referral, in the receiver's terms. */
export interface ReferralProgress {
  /** When the patient was reached (ISO), if they were. */
  contactedAt: string | null;
  /** Calls that did not reach the patient. */
  failedAttempts: number;
  outcome: ReferralOutcome | null;
  partners: ReferralPartner[];
  noteForGp: string | null;
  withdrawn: boolean;
}

/**
 * The FHIR Task status for a referral's progress:
 * withdrawn → cancelled; not reachable → failed; any other outcome → completed (declining help is an
 * answer too); called or tried → in-progress; otherwise received.
 */
export function taskStatusFor(progress: ReferralProgress): TaskStatus {
  if (progress.withdrawn) return 'cancelled';
  if (progress.outcome === 'not-reachable') return 'failed';
  if (progress.outcome) return 'completed';
  if (progress.contactedAt || progress.failedAttempts > 0) return 'in-progress';
  return 'received';
}

/** Task.businessStatus code for a referral's progress: the outcome once there is one. */
export function businessStatusFor(progress: ReferralProgress): BusinessStatus {
  if (progress.withdrawn) return 'consent-withdrawn';
  if (progress.outcome) return progress.outcome;
  if (progress.contactedAt) return 'contacted';
  if (progress.failedAttempts > 0) return 'contact-attempted';
  return 'received';
}

interface TaskOutput {
  type: { coding: Array<{ system: string; code: string }> };
  valueCodeableConcept?: { coding: Array<{ system: string; code: string; display: string }> };
  valueDateTime?: string;
  valueInteger?: number;
  valueString?: string;
}

function output(type: OutputType, value: Omit<TaskOutput, 'type'>): TaskOutput {
  return { type: { coding: [{ system: OUTPUT_TYPE_SYSTEM, code: type }] }, ...value };
}

/**
 * The Task fields that carry the way back, for the receiver to merge into the Task it stores:
 * status, businessStatus, output, lastModified, and (when known) the callback deadline as
 * `restriction.period.end`, FHIR's "fulfilment sought by".
 */
export function taskFeedbackFields(progress: ReferralProgress, lastModified: string, callbackDueBy: string | null) {
  const business = businessStatusFor(progress);
  const outputs: TaskOutput[] = [];
  if (progress.contactedAt) outputs.push(output('contacted-at', { valueDateTime: progress.contactedAt }));
  if (progress.failedAttempts > 0) outputs.push(output('contact-attempts', { valueInteger: progress.failedAttempts }));
  if (progress.outcome) {
    outputs.push(
      output('outcome', { valueCodeableConcept: { coding: [{ system: OUTCOME_SYSTEM, code: progress.outcome, display: OUTCOME_DISPLAY_NL[progress.outcome] }] } }),
    );
  }
  for (const partner of progress.partners) {
    outputs.push(output('partner', { valueCodeableConcept: { coding: [{ system: PARTNER_SYSTEM, code: partner, display: PARTNER_DISPLAY_NL[partner] }] } }));
  }
  if (progress.noteForGp) outputs.push(output('note-for-gp', { valueString: progress.noteForGp }));
  return {
    status: taskStatusFor(progress),
    businessStatus: { coding: [{ system: BUSINESS_STATUS_SYSTEM, code: business, display: BUSINESS_STATUS_DISPLAY_NL[business] }], text: BUSINESS_STATUS_DISPLAY_NL[business] },
    ...(outputs.length > 0 ? { output: outputs } : {}),
    lastModified,
    ...(callbackDueBy ? { restriction: { period: { end: callbackDueBy } } } : {}),
    ...(progress.withdrawn ? { statusReason: { text: 'Toestemming ingetrokken door de patiënt' } } : {}),
  };
}

/** What the GP learns about a referral, read from a Task of any FHIR server. */
export interface ReferralFeedback {
  taskStatus: TaskStatus;
  /** Our business-status code when the server uses this contract's code system, else null. */
  businessStatus: BusinessStatus | null;
  /** The server's own words for the business status, when it has no code of ours. */
  businessStatusText: string | null;
  contactedAt: string | null;
  failedAttempts: number;
  outcome: ReferralOutcome | null;
  partners: ReferralPartner[];
  noteForGp: string | null;
  /** When the team must have called (Task.restriction.period.end), if the server says. */
  callbackDueBy: string | null;
  lastModified: string | null;
}

const TASK_STATUSES: ReadonlySet<string> = new Set<TaskStatus>([
  'draft',
  'requested',
  'received',
  'accepted',
  'rejected',
  'ready',
  'cancelled',
  'in-progress',
  'on-hold',
  'failed',
  'completed',
  'entered-in-error',
]);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | null => (typeof value === 'string' ? value : null);
function codeIn(concept: unknown, system: string): string | null {
  if (!isObject(concept)) return null;
  for (const coding of asArray(concept.coding)) if (isObject(coding) && coding.system === system && typeof coding.code === 'string') return coding.code;
  return null;
}
function oneOf<T extends string>(values: readonly T[], value: string | null): T | null {
  return value !== null && (values as readonly string[]).includes(value) ? (value as T) : null;
}

/**
 * Reads the way back out of a FHIR Task. Tolerant: another server's Task may carry only a status and
 * some text; what it does not say is null. Null when `task` is not a Task with a valid status.
 */
export function readTaskFeedback(task: unknown): ReferralFeedback | null {
  if (!isObject(task) || task.resourceType !== 'Task' || typeof task.status !== 'string' || !TASK_STATUSES.has(task.status)) return null;
  const feedback: ReferralFeedback = {
    taskStatus: task.status as TaskStatus,
    businessStatus: oneOf<BusinessStatus>([...PROGRESS_STATES, ...REFERRAL_OUTCOMES], codeIn(task.businessStatus, BUSINESS_STATUS_SYSTEM)),
    businessStatusText: isObject(task.businessStatus) ? asString(task.businessStatus.text) : null,
    contactedAt: null,
    failedAttempts: 0,
    outcome: null,
    partners: [],
    noteForGp: null,
    callbackDueBy: isObject(task.restriction) && isObject(task.restriction.period) ? asString(task.restriction.period.end) : null,
    lastModified: asString(task.lastModified),
  };
  for (const item of asArray(task.output)) {
    if (!isObject(item)) continue;
    switch (codeIn(item.type, OUTPUT_TYPE_SYSTEM)) {
      case 'contacted-at':
        feedback.contactedAt = asString(item.valueDateTime);
        break;
      case 'contact-attempts':
        if (Number.isInteger(item.valueInteger) && (item.valueInteger as number) >= 0) feedback.failedAttempts = item.valueInteger as number;
        break;
      case 'outcome':
        feedback.outcome = oneOf(REFERRAL_OUTCOMES, codeIn(item.valueCodeableConcept, OUTCOME_SYSTEM));
        break;
      case 'partner': {
        const partner = oneOf(REFERRAL_PARTNERS, codeIn(item.valueCodeableConcept, PARTNER_SYSTEM));
        if (partner && !feedback.partners.includes(partner)) feedback.partners.push(partner);
        break;
      }
      case 'note-for-gp':
        feedback.noteForGp = asString(item.valueString)?.slice(0, GP_NOTE_MAX_LENGTH) ?? null;
        break;
      default:
        break;
    }
  }
  return feedback;
}

/** The identifier value every resource of a referral carries, from the referral's UUID. */
export function referralIdentifierValue(referralId: string): string {
  return referralId.startsWith('urn:uuid:') ? referralId : `urn:uuid:${referralId}`;
}

/**
 * The FHIR search for a referral's Task on any server, `<base>/Task?identifier=<system>|urn:uuid:<id>`,
 * from the endpoint's base URL and the referral's UUID.
 */
export function taskSearchUrl(baseUrl: string, referralId: string): string {
  const identifier = `${REFERRAL_ID_SYSTEM}|${referralIdentifierValue(referralId)}`;
  return `${baseUrl.replace(/\/+$/, '')}/Task?identifier=${encodeURIComponent(identifier)}`;
}

/** The Task out of a search-set Bundle answering {@link taskSearchUrl}; null when there is none. */
export function taskFromSearchBundle(bundle: unknown): unknown {
  if (!isObject(bundle) || bundle.resourceType !== 'Bundle') return null;
  for (const entry of asArray(bundle.entry)) {
    if (isObject(entry) && isObject(entry.resource) && entry.resource.resourceType === 'Task') return entry.resource;
  }
  return null;
}
