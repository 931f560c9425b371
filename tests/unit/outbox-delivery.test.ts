import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMessageHandler, type MessageSenderInfo } from '../../extension/background/message-handler';
import { openVroegsignaalDatabase, type OutboxEntry, type VroegsignaalDatabase } from '../../extension/background/database';
import { createDeliveryService, retryDelayMs } from '../../extension/background/delivery';
import type { PageAdapter } from '../../extension/shared/page-adapter';
import pageAdapters from '../../rules/page-adapters.json';
import { defaultRuleSet, referralRequest, sequentialUuids } from './helpers';

const adapters = pageAdapters.adapters as PageAdapter[];
const EXTENSION_ID = 'abcdefghijklmnopabcdefghijklmnop';
const EHR_SENDER: MessageSenderInfo = { id: EXTENSION_ID, url: 'http://127.0.0.1:4310/patient/P-1001', tab: { id: 3 }, frameId: 0 };

let dbCounter = 0;
let db: VroegsignaalDatabase;
let clock: number;

/** A fake social-team endpoint: answers from a script and remembers what it received. */
function fakeEndpoint(script: Array<'ok' | 'down' | 503 | 400>) {
  const received: Array<{ body: string; key: string | null }> = [];
  const fetch = vi.fn(async (_url: string | URL | Request, init?: RequestInit) => {
    const step = script.shift() ?? 'ok';
    if (step === 'down') throw new TypeError('Failed to fetch');
    received.push({ body: String(init?.body), key: new Headers(init?.headers).get('Idempotency-Key') });
    if (step === 'ok') return new Response('{}', { status: 200 });
    return new Response(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ diagnostics: 'Patient.telecom is required' }] }), { status: step });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, received };
}

function setup(endpoint: ReturnType<typeof fakeEndpoint>) {
  const wakeUps: Array<number | null> = [];
  const notified: OutboxEntry[] = [];
  const delivery = createDeliveryService({
    db,
    fetch: endpoint.fetch,
    now: () => clock,
    random: () => 0.5,
    scheduleWakeUp: async (at) => void wakeUps.push(at),
    notify: (entry) => notified.push(entry),
  });
  const handle = createMessageHandler({
    extensionId: EXTENSION_ID,
    extensionOrigin: `chrome-extension://${EXTENSION_ID}`,
    adapters,
    db,
    delivery,
    ruleSet: defaultRuleSet,
    endpoint: () => 'http://127.0.0.1:4320/fhir',
    uiLocale: () => 'nl',
    pseudonymize: async (adapterId, key) => `hash:${adapterId}:${key}`,
    now: () => new Date(clock),
    uuid: sequentialUuids(),
    log: () => {},
  });
  return { delivery, handle, wakeUps, notified };
}

async function submit(handle: ReturnType<typeof setup>['handle']) {
  const answer = await handle({ type: 'referral/submit', patientKey: 'P-1001', referral: referralRequest() }, EHR_SENDER);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data as { referralId: string; state: string };
}

beforeEach(async () => {
  clock = Date.parse('2026-11-23T10:00:00Z');
  db = await openVroegsignaalDatabase(`test-${++dbCounter}`);
});
afterEach(() => db.close());

describe('outbox', () => {
  it('has the referral stored before the GP is told "queued"', async () => {
    const endpoint = fakeEndpoint(['down']);
    const { handle } = setup(endpoint);
    const status = await submit(handle);
    expect(status.state).toBe('queued');
    const stored = await db.get('outbox', status.referralId);
    expect(stored).toBeDefined();
    expect(await db.get('consents', status.referralId)).toMatchObject({ recipient: 'Sociaal wijkteam (demo)', withdrawnAt: null });
    expect((await db.getAll('audit')).map((e) => e.action)).toContain('referral.queued');
  });

  it('delivers once, with a stable Idempotency-Key, and then drops the patient data from the outbox', async () => {
    const endpoint = fakeEndpoint(['ok']);
    const { handle, delivery, notified } = setup(endpoint);
    const { referralId } = await submit(handle);
    await delivery.deliver(referralId);
    expect(endpoint.received).toHaveLength(1);
    expect(endpoint.received[0]!.key).toBe(referralId);
    const stored = await db.get('outbox', referralId);
    expect(stored).toMatchObject({ state: 'delivered', body: null, nextAttemptAt: null });
    expect(notified.at(-1)).toMatchObject({ state: 'delivered', tabId: 3 });
    await delivery.deliver(referralId);
    expect(endpoint.received).toHaveLength(1);
  });

  it('keeps the referral while the endpoint is down and retries with growing, capped delays', async () => {
    const endpoint = fakeEndpoint(['down', 503, 'down', 'ok']);
    const { handle, delivery, wakeUps } = setup(endpoint);
    const { referralId } = await submit(handle);
    const delays: number[] = [];
    let entry = await delivery.deliver(referralId);
    for (let retry = 0; retry < 3; retry++) {
      expect(entry).toMatchObject({ state: 'retrying' });
      delays.push(entry!.nextAttemptAt! - clock);
      expect(wakeUps.at(-1)).toBe(entry!.nextAttemptAt);
      await delivery.deliverDue();
      expect(endpoint.received.length).toBeLessThanOrEqual(retry + 1);
      clock = entry!.nextAttemptAt!;
      await delivery.deliverDue();
      entry = await db.get('outbox', referralId);
    }
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    expect(delays[2]).toBeGreaterThan(delays[1]!);
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered', attempts: 4 });
    expect(new Set(endpoint.received.map((r) => r.body)).size).toBe(1);
    expect(retryDelayMs(40, () => 1)).toBe(30 * 60_000);
  });

  it('stops retrying a referral the receiver rejects, and says why', async () => {
    const endpoint = fakeEndpoint([400]);
    const { handle, delivery } = setup(endpoint);
    const { referralId } = await submit(handle);
    const entry = await delivery.deliver(referralId);
    expect(entry).toMatchObject({ state: 'failed', nextAttemptAt: null, lastError: { kind: 'http', httpStatus: 400, detail: 'Patient.telecom is required' } });
    clock += 24 * 3600_000;
    await delivery.deliverDue();
    expect(endpoint.received).toHaveLength(1);
  });

  it('resends an attempt lost with a stopped service worker once its lease runs out', async () => {
    const endpoint = fakeEndpoint(['down', 'ok']);
    const { handle, delivery } = setup(endpoint);
    const { referralId } = await submit(handle);
    await delivery.deliver(referralId);
    // The worker died mid-send: the entry says "sending" and nobody is waiting for the answer.
    const entry = (await db.get('outbox', referralId))!;
    await db.put('outbox', { ...entry, state: 'sending', attempts: 1, nextAttemptAt: clock + 30_000 });

    const restarted = setup(endpoint);
    await restarted.delivery.deliverDue();
    expect(endpoint.received).toHaveLength(0);
    clock += 30_000;
    await restarted.delivery.deliverDue();
    expect(endpoint.received).toHaveLength(1);
    expect(await db.get('outbox', referralId)).toMatchObject({ state: 'delivered' });
  });

  it('tells a reopened patient what happened to the earlier referral', async () => {
    const { handle, delivery } = setup(fakeEndpoint(['ok']));
    const { referralId } = await submit(handle);
    await delivery.deliver(referralId);
    const answer = await handle({ type: 'patient/opened', patientKey: 'P-1001' }, EHR_SENDER);
    expect(answer).toMatchObject({ ok: true, data: { latestReferral: { referralId, state: 'delivered' } } });
    const other = await handle({ type: 'patient/opened', patientKey: 'P-1002' }, EHR_SENDER);
    expect(other).toMatchObject({ ok: true, data: { latestReferral: null } });
  });
});

describe('message checks', () => {
  it('refuses messages from other extensions, other pages and subframes', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const message = { type: 'config/get' };
    expect(await handle(message, { ...EHR_SENDER, id: 'someoneelse' })).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle(message, { ...EHR_SENDER, url: 'https://example.org/' })).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle(message, { ...EHR_SENDER, url: 'http://127.0.0.1:4320/' })).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle(message, { ...EHR_SENDER, frameId: 2 })).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle(message, EHR_SENDER)).toMatchObject({ ok: true });
  });

  it('answers a malformed body with the paths of what is wrong and stores nothing', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const bad = { type: 'referral/submit', patientKey: 'P-1001', referral: { ...referralRequest(), consentGiven: false, callMoment: 'midnight' } };
    const answer = await handle(bad, EHR_SENDER);
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('invalid-message');
    const paths = answer.error.problems!.map((p) => p.path);
    expect(paths).toContain('referral.consentGiven');
    expect(paths).toContain('referral.callMoment');
    expect(await db.count('outbox')).toBe(0);
  });

  it('records dismissals with their reason, pseudonymised', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const answer = await handle(
      { type: 'screening/recorded', patientKey: 'P-1001', outcome: 'dismissed', reason: 'not-now', trigger: { kind: 'code', baseCode: 'N01' } },
      EHR_SENDER,
    );
    expect(answer).toEqual({ ok: true, data: { recorded: true } });
    const [screening] = await db.getAll('screenings');
    expect(screening).toMatchObject({ outcome: 'dismissed', reason: 'not-now', patientHash: 'hash:demo-his:P-1001' });
    expect(JSON.stringify(await db.getAll('audit'))).not.toContain('"P-1001"');
  });
});
