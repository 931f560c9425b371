/**
 * The webhook document's validator (zod), from which the published JSON Schema
 * (contract/schema/referral-webhook.schema.json, `npm run schemas`) is generated. The receiver
 * validates with it; the extension only builds documents (contract/webhook.ts) and never loads zod
 * outside its background.
 */
import { z } from 'zod';
import { CALL_MOMENTS, DUTCH_E164_PATTERN, LIFE_DOMAINS, NOTE_MAX_LENGTH } from '../contract/referral-contract.js';
import { WEBHOOK_VERSION, type WebhookDocument } from '../contract/webhook.js';

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'a UUID');
const dateTime = z.iso.datetime({ offset: true });
const text = (max: number) => z.string().max(max);

export const webhookReferralSchema = z
  .object({
    version: z.literal(WEBHOOK_VERSION),
    type: z.literal('referral.created'),
    referralId: uuid,
    createdAt: dateTime,
    recipient: text(200).min(1),
    patient: z.object({ name: text(200).min(1), phone: z.string().regex(DUTCH_E164_PATTERN, 'a Dutch number in E.164 (+31 and nine digits)') }).strict(),
    callMoment: z.object({ code: z.enum(CALL_MOMENTS), text: text(100) }).strict(),
    lifeDomains: z.array(z.object({ code: z.enum(LIFE_DOMAINS), display: text(100) }).strict()).max(LIFE_DOMAINS.length),
    note: text(NOTE_MAX_LENGTH),
    answers: z
      .array(z.object({ questionId: text(100).min(1), question: text(500), answer: z.enum(['yes', 'no', 'not-asked']) }).strict())
      .min(1)
      .max(20),
    consent: z
      .object({
        recordedAt: dateTime,
        recordedBy: z.object({ name: text(200).nullable(), agb: z.string().regex(/^\d{8}$/).nullable() }).strict(),
        statement: text(2000).min(1),
      })
      .strict(),
  })
  .strict();

export const webhookWithdrawalSchema = z
  .object({ version: z.literal(WEBHOOK_VERSION), type: z.literal('referral.withdrawn'), referralId: uuid, withdrawnAt: dateTime })
  .strict();

/** Either webhook document, told apart by `type`. */
export const webhookDocumentSchema = z.discriminatedUnion('type', [webhookReferralSchema, webhookWithdrawalSchema]) satisfies z.ZodType<WebhookDocument>;
