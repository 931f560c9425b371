/**
 * The JSON webhook format, for social-team systems that do not speak FHIR: the same referral as a
 * plain JSON document (schema: contract/schema/referral-webhook.schema.json, generated from
 * receiver/webhook-schema.ts), sent with an `Idempotency-Key` and an HMAC-SHA256 signature over the
 * exact body and a timestamp. Pure and WebCrypto-only, so the extension's background and the
 * receiver (Node) sign and verify with the same code.
 */
import type { ReferralRecord } from './referral-bundle';
import { CALL_MOMENT_TIMING, LIFE_DOMAIN_DISPLAY_NL } from './referral-contract';

/** Header with `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'X-Vroegsignaal-Signature';
/** Signatures older (or newer) than this are refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;
/** Version of the webhook document; a receiver refuses versions it does not know. */
export const WEBHOOK_VERSION = 1;

/** A new referral, as the webhook format carries it. */
export interface WebhookReferral {
  version: typeof WEBHOOK_VERSION;
  type: 'referral.created';
  /** The referral's UUID; also the Idempotency-Key. */
  referralId: string;
  createdAt: string;
  recipient: string;
  patient: { name: string; phone: string };
  callMoment: { code: ReferralRecord['callMoment']; text: string };
  lifeDomains: Array<{ code: string; display: string }>;
  note: string;
  answers: Array<{ questionId: string; question: string; answer: 'yes' | 'no' | 'not-asked' }>;
  consent: { recordedAt: string; recordedBy: { name: string | null; agb: string | null }; statement: string };
}

/** A withdrawn consent, as the webhook format carries it. */
export interface WebhookWithdrawal {
  version: typeof WEBHOOK_VERSION;
  type: 'referral.withdrawn';
  referralId: string;
  withdrawnAt: string;
}

export type WebhookDocument = WebhookReferral | WebhookWithdrawal;

/** The webhook document for a referral. */
export function buildWebhookReferral(record: ReferralRecord): WebhookReferral {
  return {
    version: WEBHOOK_VERSION,
    type: 'referral.created',
    referralId: record.id,
    createdAt: record.createdAt,
    recipient: record.recipient.name,
    patient: { name: record.patient.name, phone: record.patient.phoneE164 },
    callMoment: { code: record.callMoment, text: CALL_MOMENT_TIMING[record.callMoment].textNl },
    lifeDomains: record.lifeDomains.map((code) => ({ code, display: LIFE_DOMAIN_DISPLAY_NL[code] })),
    note: record.note,
    answers: record.answers.map(({ questionId, questionText, answer }) => ({ questionId, question: questionText, answer })),
    consent: {
      recordedAt: record.consent.recordedAt,
      recordedBy: { name: record.consent.recordedBy.name ?? null, agb: record.consent.recordedBy.agb ?? null },
      statement: record.consent.statement,
    },
  };
}

/** The webhook document withdrawing a referral's consent. */
export function buildWebhookWithdrawal(referralId: string, withdrawnAt: string): WebhookWithdrawal {
  return { version: WEBHOOK_VERSION, type: 'referral.withdrawn', referralId, withdrawnAt };
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return Array.from(signature, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The signature header value for `body` (the exact bytes sent, as text) at `nowMs`. */
export async function signWebhookBody(body: string, secret: string, nowMs: number): Promise<string> {
  const timestamp = Math.floor(nowMs / 1000);
  return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${body}`)}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'missing' | 'malformed' | 'expired' | 'mismatch' };

/**
 * Checks a signature header against the exact body text. Compares in constant time, and refuses a
 * timestamp more than {@link SIGNATURE_TOLERANCE_SECONDS} away from `nowMs` in either direction.
 */
export async function verifyWebhookSignature(body: string, header: string | undefined, secret: string, nowMs: number): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: 'missing' };
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator <= 0) return { ok: false, reason: 'malformed' };
    const name = part.slice(0, separator).trim();
    fields.set(name, [...(fields.get(name) ?? []), part.slice(separator + 1).trim()]);
  }
  const timestampText = fields.get('t')?.[0];
  const signatures = (fields.get('v1') ?? []).filter((value) => /^[0-9a-f]{64}$/.test(value));
  if (!timestampText || !/^\d{1,12}$/.test(timestampText) || signatures.length === 0) return { ok: false, reason: 'malformed' };
  const timestamp = Number(timestampText);
  if (Math.abs(nowMs / 1000 - timestamp) > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'expired' };
  const expected = await hmacHex(secret, `${timestamp}.${body}`);
  // One header may carry several v1 values while a secret is being rotated.
  return signatures.some((candidate) => constantTimeEqual(candidate, expected)) ? { ok: true } : { ok: false, reason: 'mismatch' };
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
