import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openVroegsignaalDatabase, type VroegsignaalDatabase } from '../../extension/background/database';
import type { ReferralStatus } from '../../extension/shared/messages';
import { retryDelayMs } from '../../extension/background/delivery';
import type { SocialTeamEndpoint } from '../../extension/shared/configuration';
import { createTestBackground, EHR_SENDER, OPTIONS_SENDER, SIDEBAR_SENDER } from './background-harness';
import { demoHisAdapter, referralRequest, socialTeamEndpoint } from './helpers';


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

let saved: Record<string, unknown>;

function setup(endpoint: ReturnType<typeof fakeEndpoint>, settings: { endpoint?: SocialTeamEndpoint } = {}) {
  const wakeUps: Array<number | null> = [];
  const notified: Array<ReferralStatus & { tabId: number | undefined }> = [];
  saved.configuration ??= { adapters: [demoHisAdapter()], endpoints: [settings.endpoint ?? socialTeamEndpoint()] };
  const background = createTestBackground({
    db,
    saved,
    fetch: endpoint.fetch,
    now: () => clock,
    scheduleWakeUp: (at) => void wakeUps.push(at),
    notify: (status, tabId) => void notified.push({ ...status, tabId }),
  });
  return { ...background, wakeUps, notified };
}

async function submit(handle: ReturnType<typeof setup>['handle'], patientKey = 'P-1001') {
  const answer = await handle({ type: 'referral/submit', adapterId: 'demo-his', patientKey, ruleSetIds: ['vroegsignaal-geldzorgen'], referral: referralRequest() }, SIDEBAR_SENDER);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return (answer.data as Array<{ referralId: string; state: string }>)[0]!;
}

beforeEach(async () => {
  saved = {};
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
    expect(await db.get('consents', status.referralId)).toMatchObject({ recipient: 'Sociaal wijkteam Heuvelland', withdrawnAt: null });
    expect((await db.getAll('auditLog')).map((e) => e.event)).toContain('referral.queued');
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

  it('tells a reopened patient what happened to the earlier referral, and does not prompt for it again', async () => {
    const { handle, delivery } = setup(fakeEndpoint(['ok']));
    const { referralId } = await submit(handle);
    await delivery.deliver(referralId);
    const answer = await handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER);
    expect(answer).toMatchObject({
      ok: true,
      data: { referrals: [{ referralId, state: 'delivered', ruleSetId: 'vroegsignaal-geldzorgen' }], suppressed: [{ ruleSetId: 'vroegsignaal-geldzorgen', reason: 'open-referral' }] },
    });
    const other = await handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1002' }, SIDEBAR_SENDER);
    expect(other).toMatchObject({ ok: true, data: { referrals: [], suppressed: [] } });
  });

  it('sends the endpoint\'s bearer token, read at send time, and never follows a redirect', async () => {
    const endpoint = fakeEndpoint(['ok']);
    const { handle, delivery, configuration } = setup(endpoint, { endpoint: { ...socialTeamEndpoint(), auth: { scheme: 'bearer', token: 'oud-token-123' } } });
    const { referralId } = await submit(handle);
    await configuration.saveItem('endpoints', { ...socialTeamEndpoint(), auth: { scheme: 'bearer', token: 'nieuw-token-456' } });
    await delivery.deliver(referralId);
    const init = (endpoint.fetch as unknown as ReturnType<typeof vi.fn>).mock.calls[0]![1] as RequestInit;
    expect(new Headers(init.headers).get('Authorization')).toBe('Bearer nieuw-token-456');
    expect(init.redirect).toBe('error');
  });

  it('stops, and says why, when the referral\'s endpoint was removed from the configuration', async () => {
    const endpoint = fakeEndpoint(['ok']);
    const { handle, delivery, configuration } = setup(endpoint);
    const { referralId } = await submit(handle);
    await configuration.removeItem('endpoints', 'sociaal-wijkteam');
    expect(await delivery.deliver(referralId)).toMatchObject({ state: 'failed', lastError: { kind: 'configuration', detail: 'endpoint "sociaal-wijkteam" is no longer configured' } });
    expect(endpoint.received).toHaveLength(0);
  });
});

describe('cooldown', () => {
  it('keeps a rule set quiet for a patient for its cooldown after a negative screen, surviving a restart', async () => {
    const { handle } = setup(fakeEndpoint([]));
    await handle(
      { type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], outcome: 'negative', trigger: { kind: 'code', baseCode: 'N01' } },
      SIDEBAR_SENDER,
    );
    // A new background (service worker restarted, browser restarted) reads the same database.
    const restarted = setup(fakeEndpoint([]));
    const opened = await restarted.handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER);
    expect(opened).toMatchObject({ ok: true, data: { suppressed: [{ ruleSetId: 'vroegsignaal-geldzorgen', reason: 'cooldown', until: '2027-02-21T10:00:00.000Z' }] } });
    clock = Date.parse('2027-02-21T10:00:01Z');
    expect(await restarted.handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER)).toMatchObject({ ok: true, data: { suppressed: [] } });
  });

  it('does not count a "not now" as a screening', async () => {
    const { handle } = setup(fakeEndpoint([]));
    await handle(
      { type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], outcome: 'dismissed', reason: 'not-now', trigger: { kind: 'term' } },
      SIDEBAR_SENDER,
    );
    expect(await handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER)).toMatchObject({ ok: true, data: { suppressed: [] } });
  });
});

describe('message checks', () => {
  it('refuses messages from other extensions, unconfigured pages and subframes', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const message = { type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' };
    const refused = { ok: false, error: { code: 'invalid-sender' } };
    expect(await handle(message, { ...SIDEBAR_SENDER, id: 'someoneelse' })).toMatchObject(refused);
    // Our sidebar page framed by a page we do not watch (the page may frame it itself).
    expect(await handle(message, { ...SIDEBAR_SENDER, tab: { id: 3, url: 'https://example.org/' } })).toMatchObject(refused);
    expect(await handle(message, { ...SIDEBAR_SENDER, tab: { id: 3, url: 'http://127.0.0.1:4320/' } })).toMatchObject(refused);
    expect(await handle(message, { ...SIDEBAR_SENDER, tab: { id: 3 } })).toMatchObject(refused);
    // A page that names itself sidebar.html is a web page, not our frame.
    expect(await handle(message, { ...EHR_SENDER, url: 'http://127.0.0.1:4310/sidebar.html' })).toMatchObject(refused);
    expect(await handle(message, SIDEBAR_SENDER)).toMatchObject({ ok: true });
  });

  it('takes screenings and consent only from the sidebar, never from the content script that reads the page', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const refused = { ok: false, error: { code: 'invalid-sender' } };
    expect(await handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, EHR_SENDER)).toMatchObject(refused);
    const submitted = { type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], referral: referralRequest() };
    expect(await handle(submitted, EHR_SENDER)).toMatchObject(refused);
    expect(await db.count('outbox')).toBe(0);
    // And the sidebar cannot do what only the content script or the options page may.
    expect(await handle({ type: 'page/configuration', url: 'http://127.0.0.1:4310/patient/P-1001' }, SIDEBAR_SENDER)).toMatchObject(refused);
    expect(await handle({ type: 'options/get' }, SIDEBAR_SENDER)).toMatchObject(refused);
  });

  it('answers content scripts only on watched origins and from the top frame', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const refused = { ok: false, error: { code: 'invalid-sender' } };
    const ask = (url: string) => ({ type: 'page/configuration', url });
    expect(await handle(ask('https://example.org/'), { ...EHR_SENDER, url: 'https://example.org/' })).toMatchObject(refused);
    expect(await handle(ask('http://127.0.0.1:4320/'), { ...EHR_SENDER, url: 'http://127.0.0.1:4320/' })).toMatchObject(refused);
    expect(await handle(ask(EHR_SENDER.url!), { ...EHR_SENDER, frameId: 2 })).toMatchObject(refused);
    expect(await handle({ type: 'page/health', sidebarBlocked: true }, { ...EHR_SENDER, url: 'https://example.org/' })).toMatchObject(refused);
    expect(await handle(ask(EHR_SENDER.url!), EHR_SENDER)).toMatchObject({ ok: true, data: { active: true } });
  });

  it('lets only the extension\'s own pages read or change configuration, and only EHR pages screen', async () => {
    const { handle } = setup(fakeEndpoint([]));
    expect(await handle({ type: 'options/get' }, EHR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle({ type: 'options/save-item', section: 'adapters', item: {} }, EHR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, OPTIONS_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    const view = await handle({ type: 'options/get' }, OPTIONS_SENDER);
    expect(view).toMatchObject({ ok: true, data: { endpoints: [{ value: { id: 'sociaal-wijkteam' }, source: 'saved' }] } });
  });

  it('never hands a page an endpoint token', async () => {
    const { handle } = setup(fakeEndpoint([]), { endpoint: { ...socialTeamEndpoint(), auth: { scheme: 'bearer', token: 'geheim-token-789' } } });
    const view = await handle({ type: 'options/get' }, OPTIONS_SENDER);
    expect(JSON.stringify(view)).not.toContain('geheim-token-789');
    expect(view).toMatchObject({ ok: true, data: { endpoints: [{ value: { auth: { scheme: 'bearer', tokenHint: '…-789' } } }] } });
    const page = await handle({ type: 'page/configuration', url: 'http://127.0.0.1:4310/patient/P-1001' }, EHR_SENDER);
    expect(JSON.stringify(page)).not.toContain('geheim-token-789');
  });

  it('tells a page whether it is watched, by the configured origin and path, and refuses another origin\'s URL', async () => {
    saved.configuration = { adapters: [{ ...demoHisAdapter(), pages: [{ origin: 'http://127.0.0.1:4310', pathPrefix: '/patient/' }] }], endpoints: [socialTeamEndpoint()] };
    const { handle } = setup(fakeEndpoint([]));
    expect(await handle({ type: 'page/configuration', url: 'http://127.0.0.1:4310/patient/P-1001' }, EHR_SENDER)).toMatchObject({
      ok: true,
      data: { active: true, adapter: { id: 'demo-his' }, ruleSets: [{ id: 'vroegsignaal-geldzorgen' }], recipients: { 'vroegsignaal-geldzorgen': 'Sociaal wijkteam Heuvelland' } },
    });
    expect(await handle({ type: 'page/configuration', url: 'http://127.0.0.1:4310/agenda' }, EHR_SENDER)).toMatchObject({ ok: true, data: { active: false } });
    expect(await handle({ type: 'page/configuration', url: 'https://elsewhere.example/patient/1' }, EHR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
  });

  it('answers a malformed body with the paths of what is wrong and stores nothing', async () => {
    const { handle } = setup(fakeEndpoint([]));
    const bad = { type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], referral: { ...referralRequest(), consentGiven: false, callMoment: 'midnight' } };
    const answer = await handle(bad, SIDEBAR_SENDER);
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
      { type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], outcome: 'dismissed', reason: 'not-now', trigger: { kind: 'code', baseCode: 'N01' } },
      SIDEBAR_SENDER,
    );
    expect(answer).toEqual({ ok: true, data: { recorded: true } });
    const [screening] = await db.getAll('screenings');
    expect(screening).toMatchObject({ outcome: 'dismissed', reason: 'not-now', patientHash: 'hash:demo-his:P-1001', ruleSetId: 'vroegsignaal-geldzorgen' });
    expect(JSON.stringify(await db.getAll('auditLog'))).not.toContain('"P-1001"');
  });
});
