import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withdrawalIdempotencyKey } from '../../contract/referral-bundle';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../contract/webhook';
import { openVroegsignaalDatabase, withdrawalKey, type VroegsignaalDatabase } from '../../extension/background/database';
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from '../../extension/background/delivery';
import type { SocialTeamEndpoint } from '../../extension/shared/configuration';
import type { ReferralStatus } from '../../extension/shared/messages';
import { createTestBackground, EHR_SENDER, OPTIONS_SENDER, scriptedEndpoint, SIDEBAR_SENDER, until, type SeenRequest } from './background-harness';
import { demoHisAdapter, referralRequest, socialTeamEndpoint } from './helpers';

let dbCounter = 0;
let db: VroegsignaalDatabase;
let clock: number;
let saved: Record<string, unknown>;

const SECRET = 'webhook-geheim-0123456789abcdef0123456789abcdef';
const TOKEN = 'praktijk-token-1234';

function webhookEndpoint(): SocialTeamEndpoint {
  return { ...socialTeamEndpoint('http://127.0.0.1:4320/webhook'), format: 'json-webhook', auth: { scheme: 'bearer', token: TOKEN }, signingSecret: SECRET };
}

const created = () => new Response('{}', { status: 201 });

function setup(endpoint: ReturnType<typeof scriptedEndpoint>, settings: { endpoint?: SocialTeamEndpoint; requestTimeoutMs?: number } = {}) {
  const wakeUps: Array<number | null> = [];
  const notified: Array<{ status: ReferralStatus; tabId: number | undefined }> = [];
  saved.configuration ??= { adapters: [demoHisAdapter()], endpoints: [settings.endpoint ?? socialTeamEndpoint()] };
  const background = createTestBackground({
    db,
    saved,
    fetch: endpoint.fetch,
    now: () => clock,
    scheduleWakeUp: (at) => void wakeUps.push(at),
    notify: (status, tabId) => void notified.push({ status, tabId }),
    ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
  });
  return { ...background, wakeUps, notified };
}

async function submit(handle: ReturnType<typeof setup>['handle'], patientKey = 'P-1001'): Promise<string> {
  const answer = await handle({ type: 'referral/submit', adapterId: 'demo-his', patientKey, ruleSetIds: ['vroegsignaal-geldzorgen'], referral: referralRequest() }, SIDEBAR_SENDER);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return (answer.data as ReferralStatus[])[0]!.referralId;
}

function withdraw(referralId: string, patientKey = 'P-1001') {
  return { type: 'referral/withdraw', adapterId: 'demo-his', patientKey, referralId, practitioner: { name: 'dr. E. Denkbeeld', agb: '01999001' } };
}

async function opened(handle: ReturnType<typeof setup>['handle'], patientKey = 'P-1001') {
  const answer = await handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey }, SIDEBAR_SENDER);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data as { referrals: ReferralStatus[]; suppressed: Array<{ ruleSetId: string; reason: string; until?: string }> };
}

/** Waits until an outbox entry reaches `state` (a delivery started inside the background finishes on its own time). */
async function eventuallyInState(key: string, state: string): Promise<void> {
  for (let turn = 0; turn < 200; turn++) {
    if ((await db.get('outbox', key))?.state === state) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`${key} never reached ${state}: ${JSON.stringify(await db.get('outbox', key))}`);
}

beforeEach(async () => {
  saved = {};
  clock = Date.parse('2026-11-23T10:00:00Z');
  db = await openVroegsignaalDatabase(`faults-${++dbCounter}`);
});
afterEach(() => db.close());

describe('a service worker stopped mid-attempt', () => {
  it('has its wake-up alarm set for the lease end before the request leaves, and is retried then by a fresh worker', async () => {
    // The first request hangs for ever: the worker is stopped before any answer comes.
    const endpoint = scriptedEndpoint((_request, index) => (index === 0 ? new Promise<Response>(() => {}) : created()));
    const first = setup(endpoint);
    const referralId = await submit(first.handle);
    await until(() => endpoint.requests.length === 1);

    const leased = (await db.get('outbox', referralId))!;
    expect(leased.state).toBe('sending');
    const leaseEnd = leased.nextAttemptAt!;
    expect(leaseEnd).toBeGreaterThan(clock);
    // Already scheduled while the request is out: a stop at any moment from here is covered.
    expect(first.wakeUps.at(-1)).toBe(leaseEnd);
    expect((await opened(first.handle)).referrals[0]).toMatchObject({ state: 'sending' });

    // The worker is gone; the alarm wakes a fresh one at the lease end.
    clock = leaseEnd;
    const fresh = setup(endpoint);
    // Honest meanwhile: not "being sent" for ever, but waiting for a retry at the lease end.
    expect((await opened(fresh.handle)).referrals[0]).toMatchObject({ state: 'retrying', nextAttemptAt: new Date(leaseEnd).toISOString() });
    await fresh.delivery.deliverDue();
    expect(endpoint.posts()).toHaveLength(2);
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered', attempts: 2 });
    expect(endpoint.posts()[1]!.headers.get('Idempotency-Key')).toBe(referralId);
  });

  it('gives up on an attempt after its timeout and retries later', async () => {
    const endpoint = scriptedEndpoint(
      (request) =>
        new Promise<Response>((_resolve, reject) => {
          request.signal?.addEventListener('abort', () => reject(request.signal!.reason));
        }),
    );
    const { handle, delivery } = setup(endpoint, { requestTimeoutMs: 30 });
    const referralId = await submit(handle);
    const entry = await delivery.deliver(referralId);
    expect(entry).toMatchObject({ state: 'retrying', lastError: { kind: 'timeout' } });
    expect(endpoint.requests[0]!.signal).toBeDefined();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and caps them at an hour', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:10:00 GMT', now)).toBe(600_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it.each([
    ['seconds on a 503', 503, '120', 120_000],
    ['an HTTP date on a 429', 429, 'Mon, 23 Nov 2026 10:10:00 GMT', 600_000],
    ['a day, capped at an hour', 503, '86400', 60 * 60_000],
  ])('holds the next attempt back as asked: %s', async (_label, status, retryAfter, expectedMs) => {
    const endpoint = scriptedEndpoint((_request, index) => (index === 0 ? new Response('', { status, headers: { 'Retry-After': retryAfter } }) : created()));
    const { handle, delivery, wakeUps } = setup(endpoint);
    const referralId = await submit(handle);
    const entry = (await delivery.deliver(referralId))!;
    expect(entry.state).toBe('retrying');
    const delay = entry.nextAttemptAt! - clock;
    // Never earlier than asked; jittered upward only, by at most a tenth.
    expect(delay).toBeGreaterThanOrEqual(expectedMs);
    expect(delay).toBeLessThanOrEqual(expectedMs * 1.1);
    expect(wakeUps.at(-1)).toBe(entry.nextAttemptAt);
    clock = entry.nextAttemptAt! - 1;
    await delivery.deliverDue();
    expect(endpoint.posts()).toHaveLength(1);
    clock += 1;
    await delivery.deliverDue();
    expect(endpoint.posts()).toHaveLength(2);
  });
});

describe('a refused token', () => {
  it.each([401, 403])('%i: waits for the administrator instead of retrying, and tries once more after the token changed', async (status) => {
    let refuse = true;
    const endpoint = scriptedEndpoint(() => (refuse ? new Response('{"message":"token refused"}', { status }) : created()));
    const { handle, delivery, configuration, settled } = setup(endpoint, { endpoint: { ...socialTeamEndpoint(), auth: { scheme: 'bearer', token: 'oud-token-123' } } });
    const referralId = await submit(handle);
    await settled();
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'failed', nextAttemptAt: null, lastError: { kind: 'auth', httpStatus: status } });
    expect((await opened(handle)).referrals[0]).toMatchObject({ state: 'failed', lastError: { kind: 'auth' } });

    clock += 24 * 3600_000;
    await delivery.deliverDue();
    expect(endpoint.posts()).toHaveLength(1);

    // A change that leaves the token as it was does not retry.
    await configuration.saveSection('practice', { name: 'Huisartsenpraktijk Voorbeeld' });
    await settled();
    expect(endpoint.posts()).toHaveLength(1);

    // Still the wrong token: tried once, then waits again.
    await configuration.saveItem('endpoints', { ...socialTeamEndpoint(), auth: { scheme: 'bearer', token: 'ander-token-456' } });
    await settled();
    expect(endpoint.posts()).toHaveLength(2);
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'failed', lastError: { kind: 'auth' } });
    await configuration.saveSection('practice', { name: 'Huisartsenpraktijk Voorbeeld 2' });
    await settled();
    expect(endpoint.posts()).toHaveLength(2);

    refuse = false;
    await configuration.saveItem('endpoints', { ...socialTeamEndpoint(), auth: { scheme: 'bearer', token: 'goed-token-789' } });
    await settled();
    expect(endpoint.posts()).toHaveLength(3);
    expect(endpoint.posts()[2]!.headers.get('Authorization')).toBe('Bearer goed-token-789');
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered' });
  });
});

describe('the JSON webhook format', () => {
  it('sends the webhook document with an Idempotency-Key, the bearer token and a signature the receiver can verify', async () => {
    const endpoint = scriptedEndpoint(() => created());
    const { handle, delivery } = setup(endpoint, { endpoint: webhookEndpoint() });
    const referralId = await submit(handle);
    await delivery.deliver(referralId);
    const [request] = endpoint.posts();
    expect(request!.url).toBe('http://127.0.0.1:4320/webhook');
    expect(request!.headers.get('Content-Type')).toBe('application/json');
    expect(request!.headers.get('Idempotency-Key')).toBe(referralId);
    expect(request!.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(await verifyWebhookSignature(request!.body, request!.headers.get(SIGNATURE_HEADER) ?? undefined, SECRET, clock)).toEqual({ ok: true });
    expect(await verifyWebhookSignature(request!.body, request!.headers.get(SIGNATURE_HEADER) ?? undefined, 'een-ander-geheim-0123456789abcdef', clock)).toEqual({ ok: false, reason: 'mismatch' });
    expect(JSON.parse(request!.body)).toMatchObject({ version: 1, type: 'referral.created', referralId, patient: { name: 'Mila Voorbeeld', phone: '+31699990001' } });
    expect(await db.get('outbox', referralId)).toMatchObject({ format: 'json-webhook', state: 'delivered', body: null });
  });

  it('signs every attempt afresh, so a retry hours later is not refused as a replay', async () => {
    const endpoint = scriptedEndpoint((_request, index) => (index === 0 ? new Response('', { status: 503 }) : created()));
    const { handle, delivery } = setup(endpoint, { endpoint: webhookEndpoint() });
    const referralId = await submit(handle);
    await delivery.deliver(referralId);
    clock += 3 * 3600_000;
    await delivery.retryNow(referralId);
    const [first, second] = endpoint.posts();
    expect(second!.body).toBe(first!.body);
    expect(await verifyWebhookSignature(second!.body, first!.headers.get(SIGNATURE_HEADER)!, SECRET, clock)).toEqual({ ok: false, reason: 'expired' });
    expect(await verifyWebhookSignature(second!.body, second!.headers.get(SIGNATURE_HEADER)!, SECRET, clock)).toEqual({ ok: true });
  });

  it('never hands the options page its signing secret', async () => {
    const { handle } = setup(scriptedEndpoint(() => created()), { endpoint: webhookEndpoint() });
    const view = await handle({ type: 'options/get' }, OPTIONS_SENDER);
    expect(JSON.stringify(view)).not.toContain(SECRET);
    expect(view).toMatchObject({ ok: true, data: { endpoints: [{ value: { format: 'json-webhook', signingSecretHint: '…cdef', auth: { scheme: 'bearer', tokenHint: '…1234' } } }] } });
  });

  it('is not polled for feedback: a webhook system has no way back', async () => {
    const endpoint = scriptedEndpoint(() => created());
    const { handle, delivery, statusPoll } = setup(endpoint, { endpoint: webhookEndpoint() });
    const referralId = await submit(handle);
    await delivery.deliver(referralId);
    clock += 24 * 3600_000;
    await statusPoll.pollDue();
    await opened(handle);
    expect(endpoint.gets()).toHaveLength(0);
    expect((await opened(handle)).referrals[0]).not.toHaveProperty('overdue');
  });
});

describe('consent withdrawal', () => {
  it('removes a referral that was not delivered yet: it is never sent again, no patient data is kept, the rule set may prompt again after its cooldown', async () => {
    // The first attempt dies on the network: it may have reached the receiver, so the receiver is told
    // as well; this one never got it and answers the withdrawal with 404, which ends it.
    const endpoint = scriptedEndpoint((_request, index) => (index === 0 ? Promise.reject(new TypeError('Failed to fetch')) : new Response('{}', { status: 404 })));
    const { handle, delivery, wakeUps, settled } = setup(endpoint);
    const referralId = await submit(handle);
    await delivery.deliver(referralId);
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'retrying' });

    const answer = await handle(withdraw(referralId), SIDEBAR_SENDER);
    expect(answer).toMatchObject({ ok: true, data: { referralId, state: 'withdrawn', withdrawnAt: new Date(clock).toISOString() } });
    const tombstone = await db.get('outbox', referralId);
    expect(tombstone).toMatchObject({ state: 'withdrawn', body: null, nextAttemptAt: null, withdrawnAt: new Date(clock).toISOString() });
    expect(JSON.stringify(tombstone)).not.toMatch(/Mila|\+31699990001|06-99990001/);
    expect(await db.get('consents', referralId)).toMatchObject({ withdrawnAt: new Date(clock).toISOString() });
    expect((await db.getAll('auditLog')).map((line) => line.event)).toContain('consent.withdrawn');
    await until(() => endpoint.posts().length === 2);
    await settled();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(endpoint.posts()[1]!.headers.get('Idempotency-Key')).toBe(withdrawalIdempotencyKey(referralId));
    await eventuallyInState(withdrawalKey(referralId), 'delivered');
    // Nothing left to send: the delivery alarm is cleared once the bookkeeping is done.
    for (let turn = 0; turn < 200 && wakeUps.at(-1) !== null; turn++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(wakeUps.at(-1)).toBeNull();

    clock += 24 * 3600_000;
    await delivery.deliverDue();
    await delivery.retryNow(referralId);
    expect(endpoint.posts()).toHaveLength(2);

    const { referrals, suppressed } = await opened(handle);
    expect(referrals[0]).toMatchObject({ state: 'withdrawn' });
    // No longer an open referral; the usual cooldown counts from the withdrawal.
    expect(suppressed).toEqual([{ ruleSetId: 'vroegsignaal-geldzorgen', reason: 'cooldown', until: '2027-02-21T10:00:00.000Z' }]);
  });

  it('sends no withdrawal for a referral the receiver refused outright: it cannot be there', async () => {
    const endpoint = scriptedEndpoint(() => new Response('{"resourceType":"OperationOutcome","issue":[{"diagnostics":"bad"}]}', { status: 400 }));
    const { handle, delivery, settled } = setup(endpoint);
    const referralId = await submit(handle);
    await settled();
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'failed' });
    expect(await handle(withdraw(referralId), SIDEBAR_SENDER)).toMatchObject({ ok: true, data: { state: 'withdrawn' } });
    clock += 24 * 3600_000;
    await delivery.deliverDue();
    expect(endpoint.posts()).toHaveLength(1);
    expect(await db.get('outbox', withdrawalKey(referralId))).toBeUndefined();
  });

  it('tells the receiver when the referral was delivered already, through the same delivery (retries included)', async () => {
    const endpoint = scriptedEndpoint((_request, index) => (index === 1 ? new Response('', { status: 503, headers: { 'Retry-After': '60' } }) : created()));
    const { handle, delivery, settled } = setup(endpoint);
    const referralId = await submit(handle);
    await settled();
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered' });

    const answer = await handle(withdraw(referralId), SIDEBAR_SENDER);
    expect(answer).toMatchObject({ ok: true, data: { state: 'delivered', withdrawnAt: new Date(clock).toISOString(), withdrawal: { withdrawnAt: new Date(clock).toISOString() } } });
    await settled();
    await until(() => endpoint.posts().length === 2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const pending = (await db.get('outbox', withdrawalKey(referralId)))!;
    expect(pending).toMatchObject({ kind: 'withdrawal', state: 'retrying', lastError: { kind: 'http', httpStatus: 503 } });
    expect(pending.nextAttemptAt! - clock).toBeGreaterThanOrEqual(60_000);

    clock = pending.nextAttemptAt!;
    // The first attempt may still be finishing its bookkeeping (its answer was written already); a
    // wake-up meanwhile leaves it alone, the next one sends.
    for (let turn = 0; turn < 50 && endpoint.posts().length < 3; turn++) {
      await delivery.deliverDue();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const [, first, second] = endpoint.posts();
    expect(second!.body).toBe(first!.body);
    expect(second!.headers.get('Idempotency-Key')).toBe(withdrawalIdempotencyKey(referralId));
    const bundle = JSON.parse(second!.body) as { entry: Array<{ resource: { resourceType: string; status: string } }> };
    expect(bundle.entry.map(({ resource }) => `${resource.resourceType} ${resource.status}`)).toEqual(['Consent inactive', 'Task cancelled']);
    expect(second!.body).not.toContain('Mila');

    expect((await opened(handle)).referrals[0]).toMatchObject({ state: 'delivered', withdrawal: { state: 'delivered' } });
    expect((await db.getAll('auditLog')).map((line) => line.event)).toEqual(expect.arrayContaining(['consent.withdrawn', 'withdrawal.delivered']));
    // Once is enough: asking again changes nothing.
    expect(await handle(withdraw(referralId), SIDEBAR_SENDER)).toMatchObject({ ok: true, data: { withdrawal: { state: 'delivered' } } });
    expect(endpoint.posts()).toHaveLength(3);
  });

  it('sends a webhook endpoint its withdrawal as a webhook document', async () => {
    const endpoint = scriptedEndpoint(() => created());
    const { handle, settled } = setup(endpoint, { endpoint: webhookEndpoint() });
    const referralId = await submit(handle);
    await settled();
    await handle(withdraw(referralId), SIDEBAR_SENDER);
    await until(() => endpoint.posts().length === 2);
    await settled();
    const request = endpoint.posts()[1]!;
    expect(JSON.parse(request.body)).toEqual({ version: 1, type: 'referral.withdrawn', referralId, withdrawnAt: new Date(clock).toISOString() });
    expect(await verifyWebhookSignature(request.body, request.headers.get(SIGNATURE_HEADER)!, SECRET, clock)).toEqual({ ok: true });
  });

  it.each([
    ['arrives after all: the withdrawal follows', 201, true],
    ['fails: it is never retried, and the receiver is told in case it committed before failing', 503, false],
  ])('withdrawn while an attempt is in flight that %s', async (_label, status, delivered) => {
    let answerFirst: (response: Response) => void = () => {};
    const endpoint = scriptedEndpoint((_request: SeenRequest, index) => (index === 0 ? new Promise<Response>((resolve) => (answerFirst = resolve)) : created()));
    const { handle, delivery, settled } = setup(endpoint);
    const referralId = await submit(handle);
    await until(() => endpoint.requests.length === 1);

    expect(await handle(withdraw(referralId), SIDEBAR_SENDER)).toMatchObject({ ok: true, data: { state: 'withdrawn' } });
    // The attempt is still out, so the receiver may get the referral: it is told at once…
    await until(() => endpoint.posts().length === 2);
    answerFirst(new Response('', { status }));
    await settled();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const withdrawals = () => endpoint.posts().slice(1);
    if (delivered) {
      // …and once more after the referral turned out stored, in case the first withdrawal overtook it.
      await until(() => endpoint.posts().length === 3);
      await settled();
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered', body: null, withdrawnAt: expect.any(String) });
    } else {
      expect(await db.get('outbox', referralId)).toMatchObject({ state: 'withdrawn', body: null, nextAttemptAt: null });
      clock += 24 * 3600_000;
      await delivery.deliverDue();
      expect(endpoint.posts()).toHaveLength(2);
    }
    expect(withdrawals().map((request) => request.headers.get('Idempotency-Key'))).toEqual(withdrawals().map(() => withdrawalIdempotencyKey(referralId)));
    await eventuallyInState(withdrawalKey(referralId), 'delivered');
  });

  it('is taken only from the sidebar of a watched tab, and only for a referral of the patient open there', async () => {
    const endpoint = scriptedEndpoint(() => Promise.reject(new TypeError('Failed to fetch')));
    const { handle, settled } = setup(endpoint);
    const referralId = await submit(handle);
    await settled();
    const before = JSON.stringify(await db.getAll('outbox'));

    expect(await handle(withdraw(referralId), EHR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle(withdraw(referralId), OPTIONS_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle(withdraw(referralId), { ...SIDEBAR_SENDER, tab: { id: 3, url: 'https://example.org/' } })).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    const otherPatient = await handle(withdraw(referralId, 'P-1002'), SIDEBAR_SENDER);
    expect(otherPatient).toMatchObject({ ok: false, error: { code: 'not-found', problems: [{ path: 'referralId' }] } });
    expect(await handle(withdraw('00000000-0000-4000-8000-0000000000ff'), SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await handle({ ...withdraw(referralId), referralId: 'not-a-uuid' }, SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-message', problems: [{ path: 'referralId' }] } });
    expect(JSON.stringify(await db.getAll('outbox'))).toBe(before);
    expect((await db.getAll('auditLog')).map((line) => line.event)).not.toContain('consent.withdrawn');
  });
});

describe('database version 2', () => {
  it('keeps the referrals of version 1 as FHIR referrals, and reads back the delivered ones', async () => {
    const name = `v1-${++dbCounter}`;
    const v1 = await openDB(name, 1, {
      upgrade(database) {
        const outbox = database.createObjectStore('outbox', { keyPath: 'referralId' });
        outbox.createIndex('by-state', 'state');
        outbox.createIndex('by-patient', 'patientHash');
        database.createObjectStore('consents', { keyPath: 'referralId' }).createIndex('by-patient', 'patientHash');
        database.createObjectStore('audit', { keyPath: 'id', autoIncrement: true }).createIndex('by-time', 'at');
        database.createObjectStore('screenings', { keyPath: 'id', autoIncrement: true }).createIndex('by-patient', 'patientHash');
      },
    });
    const base = { patientHash: 'h', ruleSetId: 'vroegsignaal-geldzorgen', createdAt: '2026-11-20T10:00:00.000Z', endpointId: 'e', endpoint: 'http://x/fhir', recipient: 'Team', attempts: 1 };
    await v1.put('outbox', { ...base, referralId: 'a', state: 'delivered', nextAttemptAt: null, deliveredAt: '2026-11-20T10:00:01.000Z', body: null });
    await v1.put('outbox', { ...base, referralId: 'b', state: 'retrying', nextAttemptAt: 5, body: '{}' });
    v1.close();

    const v2 = await openVroegsignaalDatabase(name);
    expect(await v2.get('outbox', 'a')).toMatchObject({ key: 'a', kind: 'referral', format: 'fhir-r4', state: 'delivered', pollDueAt: expect.any(Number) });
    expect(await v2.get('outbox', 'b')).toMatchObject({ key: 'b', kind: 'referral', format: 'fhir-r4', state: 'retrying', body: '{}' });
    expect(await v2.get('outbox', 'b')).not.toHaveProperty('pollDueAt');
    expect(await v2.getAllKeysFromIndex('outbox', 'by-poll')).toEqual(['a']);
    v2.close();
  });
});
