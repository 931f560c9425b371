import { z } from 'zod';
import { CALL_MOMENTS, LIFE_DOMAINS, NOTE_MAX_LENGTH, AGB_PATTERN } from '../../contract/referral-contract';
import type { RequestMessage } from '../shared/messages';
import type { Exactly } from '../shared/type-checks';

// The protocol's bodies as the background checks them. Every sender is untrusted: a content script
// runs next to a page that may have tampered with what it sends.

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
    practitioner: z.object({ name: z.string().max(200).optional(), agb: z.string().regex(AGB_PATTERN).optional() }).strict(),
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

// The schema must describe the shared protocol types exactly: a change to one without the other
// fails the type check here.
const schemaMatchesProtocol: Exactly<z.infer<typeof requestMessageSchema>, RequestMessage> = true;
void schemaMatchesProtocol;
