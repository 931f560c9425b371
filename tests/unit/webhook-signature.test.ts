/**
 * The webhook signature: HMAC-SHA256 over "<timestamp>.<exact body>", refused when the body was
 * touched, the secret is wrong, or the request is a replay older than 5 minutes.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from '../../contract/webhook';

const SECRET = 'whsec-synthetic-test-secret-0000';
const BODY = '{"version":1,"type":"referral.withdrawn","referralId":"00000000-0000-4000-8000-000000000001","withdrawnAt":"2026-11-27T10:00:00Z"}';
const NOW = Date.parse('2026-11-27T10:00:00Z');

describe('webhook signature', () => {
  it('is the HMAC-SHA256 of timestamp and body, as any HMAC library computes it', async () => {
    const header = await signWebhookBody(BODY, SECRET, NOW);
    const timestamp = Math.floor(NOW / 1000);
    expect(header).toBe(`t=${timestamp},v1=${createHmac('sha256', SECRET).update(`${timestamp}.${BODY}`).digest('hex')}`);
    expect(await verifyWebhookSignature(BODY, header, SECRET, NOW + 1_000)).toEqual({ ok: true });
  });

  it('refuses a changed body, another secret, and a header that is missing or garbled', async () => {
    const header = await signWebhookBody(BODY, SECRET, NOW);
    expect(await verifyWebhookSignature(BODY.replace('10:00:00', '10:00:01'), header, SECRET, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyWebhookSignature(`${BODY} `, header, SECRET, NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyWebhookSignature(BODY, header, 'another-secret', NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(await verifyWebhookSignature(BODY, undefined, SECRET, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyWebhookSignature(BODY, 'v1=abc', SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(await verifyWebhookSignature(BODY, header.replace(/v1=\w+/, 'v1=zz'), SECRET, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses a replay older than 5 minutes and a timestamp from the future', async () => {
    const header = await signWebhookBody(BODY, SECRET, NOW);
    expect(await verifyWebhookSignature(BODY, header, SECRET, NOW + 5 * 60_000)).toEqual({ ok: true });
    expect(await verifyWebhookSignature(BODY, header, SECRET, NOW + 5 * 60_000 + 1_000)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyWebhookSignature(BODY, header, SECRET, NOW - 6 * 60_000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts either of two signatures while a secret is being rotated', async () => {
    const old = await signWebhookBody(BODY, 'old-secret', NOW);
    const current = await signWebhookBody(BODY, SECRET, NOW);
    const both = `${old},${current.split(',')[1]}`;
    expect(await verifyWebhookSignature(BODY, both, SECRET, NOW)).toEqual({ ok: true });
    expect(await verifyWebhookSignature(BODY, both, 'old-secret', NOW)).toEqual({ ok: true });
  });
});
