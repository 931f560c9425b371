/**
 * The receiver's API for practices, on PGlite and on PostgreSQL: tokens (none, unknown, revoked,
 * another practice's), FHIR R4 validation with the official definitions, the Task the practice reads
 * back, and consent withdrawal through FHIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWithdrawalBundle, withdrawalIdempotencyKey } from '../../contract/referral-bundle.js';
import { readTaskFeedback, taskSearchUrl } from '../../contract/referral-status.js';
import { revoke } from '../../receiver/admin.js';
import { openDatabase } from '../../receiver/db.js';
import { startReceiver, type Receiver } from '../../receiver/server.js';
import { listTokens } from '../../receiver/store.js';
import { freshUuid, getFhir, newLocation, postFhir, PROVISION, referralBundle, startTestReceiver, STORAGES, TOKEN_CENTRUM, TOKEN_NOORD, validateFhir, type Json } from './harness.js';

describe.each(STORAGES)('receiver API (%s)', (storage) => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startTestReceiver(storage);
  });
  afterAll(async () => {
    await receiver?.close();
  });

  const stored = async (uuid: string) => (await receiver.referrals()).find((referral) => referral.id === `urn:uuid:${uuid}`);

  it('refuses a referral without a token, or with an unknown one, with 401 and stores nothing', async () => {
    const before = await receiver.stats();
    for (const token of [null, 'vst_not-a-token-of-anyone-000000000000']) {
      const uuid = freshUuid();
      const response = await postFhir(receiver, referralBundle(uuid), token);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.headers.get('content-type')).toBe('application/fhir+json');
      expect(((await response.json()) as Json).resourceType).toBe('OperationOutcome');
      expect(await stored(uuid)).toBeUndefined();
    }
    const malformed = await postFhir(receiver, referralBundle(freshUuid()), null, { Authorization: 'Basic YW5uYTpzZWNyZXQ=' });
    expect(malformed.status).toBe(401);
    expect((await receiver.stats()).referrals).toBe(before.referrals);
  });

  it('stores a referral with the practice of its token', async () => {
    const uuid = freshUuid();
    const response = await postFhir(receiver, referralBundle(uuid));
    expect(response.status).toBe(200);
    expect(await stored(uuid)).toMatchObject({ practiceId: 'centrum', practiceName: 'Huisartsenpraktijk Centrum', patientName: 'Mila Voorbeeld', timesReceived: 1, withdrawn: false });
  });

  it('serves the Task by id and by identifier search to its own practice only, valid FHIR R4', async () => {
    const uuid = freshUuid();
    expect((await postFhir(receiver, referralBundle(uuid))).status).toBe(200);

    const read = await getFhir(receiver, `Task/${uuid}`);
    expect(read.status).toBe(200);
    const task = (await read.json()) as Json;
    validateFhir(task);
    expect(task).toMatchObject({
      resourceType: 'Task',
      id: uuid,
      status: 'received',
      identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${uuid}` }],
      focus: { reference: `ServiceRequest/${uuid}` },
      for: { reference: `Patient/${uuid}` },
      businessStatus: { coding: [{ code: 'received' }] },
    });
    expect(task.meta.lastUpdated).toBe(task.lastModified);
    expect(Date.parse(task.restriction.period.end)).toBeGreaterThan(Date.parse(task.lastModified));

    const search = await fetch(taskSearchUrl(`${receiver.url}/fhir`, uuid), { headers: { Authorization: `Bearer ${TOKEN_CENTRUM}` } });
    expect(search.status).toBe(200);
    const bundle = (await search.json()) as Json;
    validateFhir(bundle);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(bundle.entry[0].resource).toEqual(task);

    // Another practice learns nothing: 404 on read, an empty search, no data in either.
    const otherRead = await getFhir(receiver, `Task/${uuid}`, TOKEN_NOORD);
    expect(otherRead.status).toBe(404);
    const otherText = await otherRead.text();
    expect(otherText).not.toContain('Denkbeeld');
    const otherSearch = (await (await fetch(taskSearchUrl(`${receiver.url}/fhir`, uuid), { headers: { Authorization: `Bearer ${TOKEN_NOORD}` } })).json()) as Json;
    expect(otherSearch).toMatchObject({ type: 'searchset', total: 0, entry: [] });

    // And without a token: 401, no data.
    const anonymous = await getFhir(receiver, `Task/${uuid}`, null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain(uuid);
    expect((await getFhir(receiver, `Task?identifier=urn:ietf:rfc:3986|urn:uuid:${uuid}`, null)).status).toBe(401);
  });

  it('keeps the metadata public and free of data', async () => {
    const response = await fetch(`${receiver.url}/fhir/metadata`);
    expect(response.status).toBe(200);
    const capability = (await response.json()) as Json;
    validateFhir(capability);
    expect(capability.rest[0].resource.find((resource: Json) => resource.type === 'Task').searchParam).toEqual([{ name: 'identifier', type: 'token' }]);
  });

  it('refuses what FHIR R4 does not allow, with paths, and stores nothing', async () => {
    const uuid = freshUuid();
    const bundle = referralBundle(uuid);
    bundle.entry[0].resource.favouriteColour = 'blauw';
    bundle.entry[4].resource.authoredOn = 'gisteren';
    const response = await postFhir(receiver, bundle);
    expect(response.status).toBe(400);
    const outcome = (await response.json()) as Json;
    const paths = outcome.issue.map((issue: Json) => issue.expression[0]);
    expect(paths).toEqual(expect.arrayContaining(['entry[0].resource.favouriteColour', 'entry[4].resource.authoredOn']));
    expect(outcome.issue.every((issue: Json) => /FHIR R4/.test(issue.diagnostics))).toBe(true);
    expect(await stored(uuid)).toBeUndefined();
  });

  it('refuses a referral id another practice already used, without touching its referral', async () => {
    const uuid = freshUuid();
    expect((await postFhir(receiver, referralBundle(uuid))).status).toBe(200);
    const response = await postFhir(receiver, referralBundle(uuid), TOKEN_NOORD);
    expect(response.status).toBe(409);
    expect(await stored(uuid)).toMatchObject({ practiceId: 'centrum', timesReceived: 1 });
  });

  describe('consent withdrawal through FHIR', () => {
    const withdraw = (uuid: string, token = TOKEN_CENTRUM, key: string | null = withdrawalIdempotencyKey(uuid)) =>
      postFhir(receiver, buildWithdrawalBundle(uuid, new Date().toISOString(), { name: 'dr. E. Denkbeeld', agb: '01234567' }), token, key ? { 'Idempotency-Key': key } : {});

    it('cancels the Task, erases the personal data and keeps the history; a repeat is harmless', async () => {
      const uuid = freshUuid();
      expect((await postFhir(receiver, referralBundle(uuid))).status).toBe(200);
      const before = (await (await getFhir(receiver, `Task/${uuid}`)).json()) as Json;

      const response = await withdraw(uuid);
      expect(response.status).toBe(200);
      const body = (await response.json()) as Json;
      expect(body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
      expect(body.entry.map((entry: Json) => entry.response.status)).toEqual(['200 OK', '200 OK']);

      const referral = (await stored(uuid))!;
      expect(referral).toMatchObject({ withdrawn: true, patientName: null, patientPhone: null, note: null, callMoment: null, answers: [], lifeDomains: [], practiceId: 'centrum' });
      const kept = JSON.stringify(referral.bundle);
      for (const personal of ['Mila', '+31699990001', 'Liever niet', 'rond te komen']) expect(kept).not.toContain(personal);
      expect((referral.bundle as Json).entry.map((entry: Json) => entry.resource.resourceType)).toEqual(['Task']);

      const task = (await (await getFhir(receiver, `Task/${uuid}`)).json()) as Json;
      validateFhir(task);
      expect(task.status).toBe('cancelled');
      expect(task.businessStatus.coding[0].code).toBe('consent-withdrawn');
      expect(readTaskFeedback(task)).toMatchObject({ taskStatus: 'cancelled', businessStatus: 'consent-withdrawn' });
      expect(Date.parse(task.lastModified)).toBeGreaterThanOrEqual(Date.parse(before.lastModified));

      const again = await withdraw(uuid);
      expect(again.status).toBe(200);
      expect((await stored(uuid))!.withdrawn).toBe(true);
      // Without the Idempotency-Key header it is accepted too; with a wrong one it is not.
      expect((await withdraw(uuid, TOKEN_CENTRUM, null)).status).toBe(200);
      expect((await withdraw(uuid, TOKEN_CENTRUM, `urn:uuid:${uuid}`)).status).toBe(400);
    });

    it('answers 404 for an unknown referral and for another practice’s, changing nothing', async () => {
      expect((await withdraw(freshUuid())).status).toBe(404);
      const uuid = freshUuid();
      expect((await postFhir(receiver, referralBundle(uuid))).status).toBe(200);
      const response = await withdraw(uuid, TOKEN_NOORD);
      expect(response.status).toBe(404);
      expect(((await response.json()) as Json).resourceType).toBe('OperationOutcome');
      expect(await stored(uuid)).toMatchObject({ withdrawn: false, patientName: 'Mila Voorbeeld' });
    });

    it('validates the withdrawal: wrong status or a foreign resource is a 400', async () => {
      const uuid = freshUuid();
      expect((await postFhir(receiver, referralBundle(uuid))).status).toBe(200);
      const bundle = buildWithdrawalBundle(uuid, new Date().toISOString(), {}) as Json;
      bundle.entry[1].resource.status = 'completed';
      const response = await postFhir(receiver, bundle);
      expect(response.status).toBe(400);
      expect(((await response.json()) as Json).issue.map((issue: Json) => issue.expression[0])).toContain('entry[1].resource.status');
      expect((await stored(uuid))!.withdrawn).toBe(false);
    });
  });
});

describe.each(STORAGES)('token revocation (%s)', (storage) => {
  it('answers 401 to a revoked token from the next request on, also after a restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-revoke-'));
    try {
      const location = await newLocation(storage, dataDir);
      const first = await startReceiver({ port: 0, log: () => {}, provision: PROVISION, ...location });
      const uuid = freshUuid();
      try {
        expect((await postFhir(first, referralBundle(uuid), TOKEN_NOORD)).status).toBe(200);
      } finally {
        await first.close();
      }
      const db = await openDatabase({ dataDir, databaseUrl: location.databaseUrl });
      try {
        const token = (await listTokens(db)).find((info) => info.practiceId === 'noord')!;
        await revoke(db, token.id);
      } finally {
        await db.close();
      }
      const second = await startReceiver({ port: 0, log: () => {}, ...location });
      try {
        const refused = await postFhir(second, referralBundle(freshUuid()), TOKEN_NOORD);
        expect(refused.status).toBe(401);
        expect((await getFhir(second, `Task/${uuid}`, TOKEN_NOORD)).status).toBe(401);
        expect((await second.referrals()).map((referral) => referral.id)).toEqual([`urn:uuid:${uuid}`]);
        // The other practice's token still works.
        expect((await postFhir(second, referralBundle(freshUuid()), TOKEN_CENTRUM)).status).toBe(200);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
