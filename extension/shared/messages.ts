import type { Practitioner, ScreeningAnswer } from '../../contract/referral-bundle';
import type { CallMoment, LifeDomain } from '../../contract/referral-contract';
import type { Locale } from './locale';
import type { RuleSet } from './rule-set';

// The one message protocol between the content script (and extension pages) and the background.
// Types only: every context imports them; the background validates bodies against the schema in
// background/message-schema.ts, which is checked at compile time to describe exactly these types.

/** What made the prompt appear, without the page text: a code's chapter and number, or "a word". */
export type TriggerSummary = { kind: 'code'; baseCode: string } | { kind: 'term' };

/** The GP's referral as the sidebar sends it; the background checks it again before queueing. */
export interface ReferralRequest {
  patient: { name: string; phone: string };
  answers: Record<string, ScreeningAnswer>;
  callMoment: CallMoment;
  lifeDomains: LifeDomain[];
  note: string;
  consentGiven: true;
  locale: Locale;
  practitioner: Practitioner;
  trigger: TriggerSummary;
}

export type RequestMessage =
  | { type: 'config/get' }
  | { type: 'patient/opened'; patientKey: string }
  | {
      type: 'screening/recorded';
      patientKey: string;
      outcome: 'negative' | 'dismissed';
      reason?: 'not-now' | 'not-relevant';
      trigger: TriggerSummary;
    }
  | { type: 'referral/submit'; patientKey: string; referral: ReferralRequest }
  | { type: 'referral/retry-now'; referralId: string };

export type DeliveryState = 'queued' | 'sending' | 'delivered' | 'retrying' | 'failed';

/** Why the last delivery attempt did not succeed, in terms the sidebar can translate. */
export interface DeliveryError {
  kind: 'network' | 'timeout' | 'http' | 'configuration';
  httpStatus?: number;
  detail: string;
}

/** Where one referral stands, as the GP sees it. */
export interface ReferralStatus {
  referralId: string;
  state: DeliveryState;
  createdAt: string;
  attempts: number;
  recipient: string;
  deliveredAt?: string;
  nextAttemptAt?: string;
  lastError?: DeliveryError;
}

/** What each request message answers with when it succeeds. */
export interface ResponseMap {
  'config/get': { ruleSet: RuleSet; locale: Locale };
  'patient/opened': { latestReferral: ReferralStatus | null };
  'screening/recorded': { recorded: true };
  'referral/submit': ReferralStatus;
  'referral/retry-now': ReferralStatus;
}

export type ErrorCode = 'invalid-sender' | 'invalid-message' | 'invalid-referral' | 'not-found' | 'internal';

/** One problem with a message or a document, with the path where it sits. */
export interface Problem {
  path: string;
  message: string;
}

export type Response<T> = { ok: true; data: T } | { ok: false; error: { code: ErrorCode; message: string; problems?: Problem[] } };

/** Messages the background pushes to the tab that sent a referral. */
export type TabMessage = { type: 'referral/status'; status: ReferralStatus };
