import { z } from 'zod';
import { LIFE_DOMAINS } from './life-domains';
import { CALL_MOMENTS, NOTE_MAX_LENGTH } from './referral';
import type { RuleSet } from './rule-set';
import type { Locale } from './locale';

// The one message protocol between the content script (and, later, extension pages) and the
// background. Schemas run in the background only; senders import the types.


const patientKey = z.string().trim().min(1).max(200);
const answer = z.enum(['yes', 'no', 'not-asked']);
const triggerSummary = z.union([
  z.object({ kind: z.literal('code'), baseCode: z.string().regex(/^[A-Z]\d{2}$/) }).strict(),
  z.object({ kind: z.literal('term') }).strict(),
]);

const referralRequest = z
  .object({
    patient: z.object({ name: z.string().trim().min(1).max(200), phone: z.string().trim().min(1).max(40) }).strict(),
    answers: z.record(z.string().max(64), answer),
    callMoment: z.enum(CALL_MOMENTS),
    lifeDomains: z.array(z.enum(LIFE_DOMAINS)).min(1).max(LIFE_DOMAINS.length),
    note: z.string().max(NOTE_MAX_LENGTH),
    consentGiven: z.literal(true),
    locale: z.enum(['nl', 'en']),
    practitioner: z.object({ name: z.string().max(200).optional(), agb: z.string().regex(/^\d{8}$/).optional() }).strict(),
    trigger: triggerSummary,
  })
  .strict();

export const requestMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('config/get') }).strict(),
  z.object({ type: z.literal('patient/opened'), patientKey }).strict(),
  z
    .object({
      type: z.literal('screening/recorded'),
      patientKey,
      outcome: z.enum(['negative', 'dismissed']),
      reason: z.enum(['not-now', 'not-relevant']).optional(),
      trigger: triggerSummary,
    })
    .strict()
    .refine((m) => (m.outcome === 'dismissed') === (m.reason !== undefined), {
      message: 'a dismissal needs a reason, a negative screen has none',
      path: ['reason'],
    }),
  z.object({ type: z.literal('referral/submit'), patientKey, referral: referralRequest }).strict(),
  z.object({ type: z.literal('referral/retry-now'), referralId: z.string().uuid() }).strict(),
]);

export type RequestMessage = z.infer<typeof requestMessageSchema>;
export type ReferralRequest = z.infer<typeof referralRequest>;
export type TriggerSummary = z.infer<typeof triggerSummary>;

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

export type Response<T> =
  | { ok: true; data: T }
  | { ok: false; error: { code: ErrorCode; message: string; problems?: Array<{ path: string; message: string }> } };

/** Messages the background pushes to the tab that sent a referral. */
export type TabMessage = { type: 'referral/status'; status: ReferralStatus };
