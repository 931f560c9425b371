/**
 * The JSON webhook, on PGlite and on PostgreSQL: HMAC signature over the exact body (ok, tampered,
 * expired, missing, replayed), Idempotency-Key, schema validation, exactly-once storage in the same
 * inbox as FHIR referrals, and withdrawal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferralRecord } from '../../contract/referral-bundle.js';
import { buildWebhookReferral, buildWebhookWithdrawal } from '../../contract/webhook.js';
import type { Receiver } from '../../receiver/server.js';
import { freshUuid, getFhir, loggedIn, postWebhook, startTestReceiver, STORAGES, TOKEN_CENTRUM, validateFhir, type Json } from './harness.js';

function record(id: string): ReferralRecord {
  const now = new Date().toISOString();
  return {
    id,
    createdAt: now,
    patient: { name: 'Sem Webhook', phoneE164: '+31612345678' },
    answers: [
      { questionId: 'make-ends-meet', questionText: 'Vindt u het moeilijk om elke maand rond te komen?', answer: 'yes' },
      { questionId: 'unopened-mail', questionText: 'Stapelt de post zich bij u thuis weleens op?', answer: 'not-asked' },
    ],
    callMoment: 'afternoon',
    lifeDomains: ['participation'],
    note: 'Bellen na 14 uur.',
    recipient: { name: 'Sociaal wijkteam Centrum' },
    category: 'financial-insecurity',
    serviceText: 'Terugbelverzoek sociaal wijkteam: geldzorgen',
    questionnaire: { ruleSetId: 'financial-screening', version: '1.0.0' },
    consent: {
      recordedBy: { name: 'dr. W. Haak', agb: '01234567' },
      recordedAt: now,
      statement: 'Mag iemand van het sociaal wijkteam u bellen?',
      purpose: 'coordination-of-care',
      recipient: 'Sociaal wijkteam Centrum',
      dataShared: ['name', 'phone'],
      withdrawnAt: null,
    },
  };
}

describe.each(STORAGES)('JSON webhook (%s)', (storage) => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startTestReceiver(storage);
  });
  afterAll(async () => {
    await receiver?.close();
  });
  const stored = async (uuid: string) => (await receiver.referrals()).find((referral) => referral.id === `urn:uuid:${uuid}`);

  it('stores a signed referral once, in the same inbox, and serves its Task', async () => {
    const uuid = freshUuid();
    const document = buildWebhookReferral(record(uuid));
    const response = await postWebhook(receiver, document);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'stored' });
    expect(await stored(uuid)).toMatchObject({
      source: 'webhook',
      practiceId: 'centrum',
      patientName: 'Sem Webhook',
      patientPhone: '+31612345678',
      callMoment: 'middag',
      lifeDomains: ['participation'],
      note: 'Bellen na 14 uur.',
      consentRecordedBy: 'dr. W. Haak',
      timesReceived: 1,
      answers: [
        { linkId: 'make-ends-meet', question: 'Vindt u het moeilijk om elke maand rond te komen?', answer: 'Yes', code: 'LA33-6' },
        { linkId: 'unopened-mail', question: 'Stapelt de post zich bij u thuis weleens op?', answer: null, code: null },
      ],
    });

    // A replay of the very same request (same signature, within 5 minutes) changes nothing but the counter.
    const again = await postWebhook(receiver, document);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect((await receiver.referrals()).filter((referral) => referral.id === `urn:uuid:${uuid}`)).toHaveLength(1);
    expect((await stored(uuid))!.timesReceived).toBe(2);

    const browser = await loggedIn(receiver);
    expect((await browser.page('/')).html).toContain(`data-referral="${uuid}"`);
    const detail = (await browser.page(`/verwijzingen/${uuid}`)).html;
    expect(detail).toContain('Sem Webhook');
    expect(detail).toContain('Verwijzing ontvangen (JSON-webhook)');

    const task = (await (await getFhir(receiver, `Task/${uuid}`)).json()) as Json;
    validateFhir(task);
    expect(task).toMatchObject({ id: uuid, status: 'received', requester: { display: 'dr. W. Haak' }, owner: { display: 'Sociaal wijkteam Centrum' } });
  });

  it('refuses a tampered body, an expired, missing or wrong-secret signature with 401 and stores nothing', async () => {
    const cases: Array<{ name: string; options: Parameters<typeof postWebhook>[2] }> = [
      { name: 'tampered', options: { tamper: (body) => body.replace('Sem Webhook', 'Sem Anders') } },
      { name: 'expired', options: { signAt: Date.now() - 6 * 60_000 } },
      { name: 'from the future', options: { signAt: Date.now() + 6 * 60_000 } },
      { name: 'missing', options: { signature: null } },
      { name: 'malformed', options: { signature: 't=abc,v1=zz' } },
      { name: 'wrong secret', options: { secret: 'whsec_someone-else' } },
      { name: 'token without a webhook secret', options: { token: TOKEN_CENTRUM } },
    ];
    for (const { name, options } of cases) {
      const uuid = freshUuid();
      const response = await postWebhook(receiver, buildWebhookReferral(record(uuid)), options);
      expect(response.status, name).toBe(401);
      expect(await stored(uuid), name).toBeUndefined();
    }
    const noToken = await fetch(`${receiver.url}/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(401);
  });

  it('requires the Idempotency-Key to be the referral id, and a document that matches the schema', async () => {
    const uuid = freshUuid();
    expect((await postWebhook(receiver, buildWebhookReferral(record(uuid)), { key: null })).status).toBe(400);
    expect((await postWebhook(receiver, buildWebhookReferral(record(uuid)), { key: freshUuid() })).status).toBe(400);
    const invalid = { ...buildWebhookReferral(record(uuid)), patient: { name: 'Sem', phone: '0612345678' } };
    const response = await postWebhook(receiver, invalid);
    expect(response.status).toBe(400);
    expect(((await response.json()) as Json).issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'patient.phone' })]));
    expect(await stored(uuid)).toBeUndefined();
    expect((await postWebhook(receiver, buildWebhookReferral(record(uuid)), { key: `urn:uuid:${uuid}` })).status).toBe(200);
  });

  it('withdraws a referral: personal data erased, repeat harmless, unknown referral 404', async () => {
    const uuid = freshUuid();
    expect((await postWebhook(receiver, buildWebhookReferral(record(uuid)))).status).toBe(200);
    const withdrawal = buildWebhookWithdrawal(uuid, new Date().toISOString());
    const response = await postWebhook(receiver, withdrawal);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'withdrawn' });
    const referral = (await stored(uuid))!;
    expect(referral).toMatchObject({ withdrawn: true, patientName: null, patientPhone: null, note: null, answers: [] });
    expect(JSON.stringify(referral.bundle)).not.toContain('Sem');
    expect(JSON.stringify(referral.bundle)).not.toContain('+316');
    expect((await postWebhook(receiver, withdrawal)).status).toBe(200);
    const task = (await (await getFhir(receiver, `Task/${uuid}`)).json()) as Json;
    validateFhir(task);
    expect(task.status).toBe('cancelled');

    expect((await postWebhook(receiver, buildWebhookWithdrawal(freshUuid(), new Date().toISOString()))).status).toBe(404);
  });
});
