import 'fake-indexeddb/auto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openVroegsignaalDatabase, type VroegsignaalDatabase } from '../../extension/background/database';
import { CONFIGURATION_FILE_FORMAT, CONFIGURATION_FILE_VERSION } from '../../extension/shared/configuration';
import type { ReferralStatus } from '../../extension/shared/messages';
import { createTestBackground, EHR_SENDER, EHR_URL, OPTIONS_SENDER, SIDEBAR_SENDER } from '../unit/background-harness';
import { demoHisAdapter, referralRequest, socialTeamEndpoint } from '../unit/helpers';

// The background's network behaviour over real sockets, with Node's own `fetch` (the same Fetch
// standard the service worker uses): what a receiver, or someone who took over its address, could
// make the extension send, and where.

const TOKEN = 'wijkteam-token-0001';

interface Received {
  method: string;
  path: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  body: string;
}

/** A local HTTP server that remembers every request and answers as the test says. */
interface RecordingServer {
  origin: string;
  received: Received[];
  answer: (request: Received, response: ServerResponse) => void;
  server: Server;
}

async function startRecordingServer(): Promise<RecordingServer> {
  const recorder: RecordingServer = {
    origin: '',
    received: [],
    answer: (_request, response) => void response.writeHead(200, { 'Content-Type': 'application/fhir+json' }).end('{}'),
    server: undefined as unknown as Server,
  };
  recorder.server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request: Received = {
        method: incoming.method ?? '',
        path: incoming.url ?? '',
        authorization: incoming.headers.authorization,
        idempotencyKey: incoming.headers['idempotency-key'] as string | undefined,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      recorder.received.push(request);
      recorder.answer(request, response);
    });
  });
  await new Promise<void>((resolve) => recorder.server.listen(0, '127.0.0.1', resolve));
  recorder.origin = `http://127.0.0.1:${(recorder.server.address() as AddressInfo).port}`;
  return recorder;
}

function stopServer(recorder: RecordingServer): Promise<void> {
  recorder.server.closeAllConnections();
  return new Promise((resolve) => recorder.server.close(() => resolve()));
}

let endpointServer: RecordingServer;
let attackerServer: RecordingServer;
let db: VroegsignaalDatabase;
let dbCounter = 0;
let saved: Record<string, unknown>;
let clock: number;

beforeAll(async () => {
  [endpointServer, attackerServer] = await Promise.all([startRecordingServer(), startRecordingServer()]);
});
afterAll(async () => {
  await Promise.all([stopServer(endpointServer), stopServer(attackerServer)]);
});
beforeEach(async () => {
  endpointServer.received.length = 0;
  attackerServer.received.length = 0;
  endpointServer.answer = (_request, response) => void response.writeHead(200, { 'Content-Type': 'application/fhir+json' }).end('{}');
  attackerServer.answer = (_request, response) => void response.writeHead(200).end('{}');
  clock = Date.parse('2026-11-23T10:00:00Z');
  db = await openVroegsignaalDatabase(`network-${++dbCounter}`);
});
afterEach(() => db.close());

/** The background as `entrypoints/background.ts` wires it, over real `fetch` and a local endpoint. */
function background() {
  const endpointUrl = `${endpointServer.origin}/fhir`;
  saved = { configuration: { adapters: [demoHisAdapter()], endpoints: [{ ...socialTeamEndpoint(endpointUrl), auth: { scheme: 'bearer', token: TOKEN } }] } };
  const harness = createTestBackground({ db, saved, fetch: (input, init) => fetch(input, init), now: () => clock, requestTimeoutMs: 5_000 });
  return { ...harness, endpointUrl };
}

type Background = ReturnType<typeof background>;

async function submitReferral(bg: Background): Promise<ReferralStatus> {
  const answer = await bg.handle(
    { type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], referral: referralRequest() },
    SIDEBAR_SENDER,
  );
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return (answer.data as ReferralStatus[])[0]!;
}

async function statusSeenByGp(bg: Background): Promise<ReferralStatus> {
  const answer = await bg.handle({ type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' }, SIDEBAR_SENDER);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return (answer.data as { referrals: ReferralStatus[] }).referrals[0]!;
}

describe('redirects', () => {
  it.each([302, 303, 307, 308])('does not follow a %i to another origin with the referral, keeps it and says why', async (status) => {
    const bg = background();
    endpointServer.answer = (_request, response) => void response.writeHead(status, { Location: `${attackerServer.origin}/collect` }).end();

    const { referralId } = await submitReferral(bg);
    await bg.settled();

    // The attacker sees nothing at all: not the bundle, not the token, not even a GET.
    expect(attackerServer.received).toEqual([]);
    expect(endpointServer.received).toHaveLength(1);
    const stored = await db.get('outbox', referralId);
    expect(stored?.state).not.toBe('delivered');
    expect(stored?.body).toContain('Mila Voorbeeld');
    const seen = await statusSeenByGp(bg);
    expect(seen).toMatchObject({ referralId, state: 'retrying', lastError: { kind: 'network' } });
    expect(seen.lastError?.detail).toMatch(/redirect/i);

    // A retry meets the same redirect and still does not follow it.
    clock = seen.nextAttemptAt ? Date.parse(seen.nextAttemptAt) : clock;
    await bg.delivery.deliverDue();
    expect(attackerServer.received).toEqual([]);
    expect(endpointServer.received).toHaveLength(2);
    expect((await db.get('outbox', referralId))?.state).not.toBe('delivered');
  });

  it('does not follow a redirect within the endpoint\'s own origin either', async () => {
    const bg = background();
    endpointServer.answer = (request, response) =>
      request.path === '/fhir'
        ? void response.writeHead(307, { Location: '/fhir/elders' }).end()
        : void response.writeHead(200, { 'Content-Type': 'application/fhir+json' }).end('{}');

    const { referralId } = await submitReferral(bg);
    await bg.settled();

    expect(endpointServer.received.map((request) => `${request.method} ${request.path}`)).toEqual(['POST /fhir']);
    expect((await db.get('outbox', referralId))?.state).toBe('retrying');
  });

  it('does not follow a redirect with the token when the administrator tests the connection', async () => {
    const bg = background();
    endpointServer.answer = (_request, response) => void response.writeHead(307, { Location: `${attackerServer.origin}/metadata` }).end();

    const answer = await bg.handle({ type: 'options/test-endpoint', id: 'sociaal-wijkteam' }, OPTIONS_SENDER);

    expect(answer).toMatchObject({ ok: true, data: { outcome: 'network' } });
    expect(endpointServer.received.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /fhir/metadata']);
    expect(attackerServer.received).toEqual([]);
  });
});

describe('endpoint addresses: https, or http on this computer only', () => {
  const endpointWith = (url: string) => ({ id: 'sociaal-wijkteam', name: 'Sociaal wijkteam Heuvelland', url, format: 'fhir-r4', auth: { scheme: 'bearer', token: TOKEN } });
  const fileWith = (url: string) => JSON.stringify({ format: CONFIGURATION_FILE_FORMAT, version: CONFIGURATION_FILE_VERSION, endpoints: [endpointWith(url)] });

  it.each([
    'http://example.org/fhir',
    'http://10.0.0.5/fhir',
    'http://192.168.1.20:8080/fhir',
    'http://localhost.evil.example/fhir',
    'http://127.0.0.1.evil.example/fhir',
    'http://[::1]:4320/fhir',
    'ftp://127.0.0.1/fhir',
    'ftp://fhir.sociaalteam.example/r4',
    'https://user:pass@fhir.sociaalteam.example/r4',
    'https://fhir.sociaalteam.example/r4?token=abc',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/plain,x',
    '//fhir.sociaalteam.example/r4',
  ])('refuses %s when saved or imported, at its path, and keeps what was saved', async (url) => {
    const bg = background();
    const before = JSON.stringify(saved);

    const savedAnswer = await bg.handle({ type: 'options/save-item', section: 'endpoints', item: endpointWith(url) }, OPTIONS_SENDER);
    expect(savedAnswer).toMatchObject({ ok: false, error: { code: 'invalid-configuration', problems: [{ path: 'url', message: expect.stringMatching(/https/) }] } });

    for (const dryRun of [true, false]) {
      const imported = await bg.handle({ type: 'options/import', source: fileWith(url), dryRun }, OPTIONS_SENDER);
      expect(imported).toMatchObject({ ok: false, error: { code: 'invalid-configuration', problems: [{ path: 'endpoints[0].url', message: expect.stringMatching(/https/) }] } });
    }
    expect(JSON.stringify(saved)).toBe(before);
  });

  it.each(['https://fhir.sociaalteam.example/r4', 'http://localhost:4320/fhir', 'http://127.0.0.1:4320/fhir', 'http://localhost/fhir'])(
    'accepts %s, saved and imported',
    async (url) => {
      const bg = background();
      const savedAnswer = await bg.handle({ type: 'options/save-item', section: 'endpoints', item: endpointWith(url) }, OPTIONS_SENDER);
      expect(savedAnswer).toMatchObject({ ok: true, data: { endpoints: [{ value: { id: 'sociaal-wijkteam', url } }] } });
      expect((await bg.configuration.current()).endpoints.map((endpoint) => endpoint.url)).toEqual([url]);

      const imported = await bg.handle({ type: 'options/import', source: fileWith(url), dryRun: false }, OPTIONS_SENDER);
      expect(imported).toMatchObject({ ok: true, data: { preview: { endpoints: ['sociaal-wijkteam'], origins: [new URL(url).origin] } } });
      expect((await bg.configuration.current()).endpoints.map((endpoint) => endpoint.url)).toEqual([url]);
    },
  );
});

describe('consent comes before any request', () => {
  it('sends nothing while the GP opens, screens and dismisses; one authorised request after consent', async () => {
    const bg = background();
    const sidebarSteps = [
      { type: 'sidebar/attach' },
      { type: 'patient/opened', adapterId: 'demo-his', patientKey: 'P-1001' },
      { type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], outcome: 'negative', trigger: { kind: 'code', baseCode: 'N01' } },
      {
        type: 'screening/recorded',
        adapterId: 'demo-his',
        patientKey: 'P-1002',
        ruleSetIds: ['vroegsignaal-geldzorgen'],
        outcome: 'dismissed',
        reason: 'not-now',
        trigger: { kind: 'term' },
      },
    ];
    for (const message of sidebarSteps) expect(await bg.handle(message, SIDEBAR_SENDER)).toMatchObject({ ok: true });
    for (const message of [{ type: 'page/configuration', url: EHR_URL }, { type: 'page/health', sidebarBlocked: false }]) {
      expect(await bg.handle(message, EHR_SENDER)).toMatchObject({ ok: true });
    }
    // A referral without consent is refused before anything is queued.
    const withoutConsent = await bg.handle(
      { type: 'referral/submit', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: ['vroegsignaal-geldzorgen'], referral: { ...referralRequest(), consentGiven: false } },
      SIDEBAR_SENDER,
    );
    expect(withoutConsent).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
    await bg.settled();
    await bg.delivery.deliverDue();
    // Anything started but not awaited would reach the server within this window.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(endpointServer.received).toEqual([]);

    const { referralId } = await submitReferral(bg);
    await bg.settled();
    await bg.delivery.deliverDue();

    expect(endpointServer.received).toHaveLength(1);
    const [request] = endpointServer.received;
    expect(request).toMatchObject({ method: 'POST', path: '/fhir', authorization: `Bearer ${TOKEN}`, idempotencyKey: referralId });
    expect(request!.body).toContain('Mila Voorbeeld');
    expect((await db.get('outbox', referralId))?.state).toBe('delivered');
    expect(attackerServer.received).toEqual([]);
  });

  it('reads the token from configuration when it sends, so a changed token applies to a queued referral', async () => {
    const bg = background();
    endpointServer.answer = (_request, response) => void response.writeHead(503).end();
    const { referralId } = await submitReferral(bg);
    await bg.settled();
    expect(endpointServer.received.map((request) => request.authorization)).toEqual([`Bearer ${TOKEN}`]);

    const changed = await bg.handle(
      { type: 'options/save-item', section: 'endpoints', item: { ...socialTeamEndpoint(bg.endpointUrl), auth: { scheme: 'bearer', token: 'wijkteam-token-0002' } } },
      OPTIONS_SENDER,
    );
    expect(changed).toMatchObject({ ok: true });
    endpointServer.answer = (_request, response) => void response.writeHead(200, { 'Content-Type': 'application/fhir+json' }).end('{}');
    clock += 60 * 60_000;
    await bg.delivery.deliverDue();

    expect(endpointServer.received.map((request) => request.authorization)).toEqual([`Bearer ${TOKEN}`, 'Bearer wijkteam-token-0002']);
    expect(new Set(endpointServer.received.map((request) => request.idempotencyKey))).toEqual(new Set([referralId]));
    expect((await db.get('outbox', referralId))?.state).toBe('delivered');
  });

  it('sends a queued referral to the endpoint\'s new address, and never the new token to the old one', async () => {
    const bg = background();
    endpointServer.answer = (_request, response) => void response.writeHead(503).end();
    const { referralId } = await submitReferral(bg);
    await bg.settled();
    expect(endpointServer.received).toHaveLength(1);

    // The social team moved: the administrator points the same endpoint at its new address and token.
    const moved = `${attackerServer.origin}/fhir`;
    const changed = await bg.handle(
      { type: 'options/save-item', section: 'endpoints', item: { ...socialTeamEndpoint(moved), auth: { scheme: 'bearer', token: 'wijkteam-token-0002' } } },
      OPTIONS_SENDER,
    );
    expect(changed).toMatchObject({ ok: true });
    clock += 60 * 60_000;
    await bg.delivery.deliverDue();

    expect(endpointServer.received).toHaveLength(1);
    expect(attackerServer.received.map((request) => [request.path, request.authorization, request.idempotencyKey])).toEqual([['/fhir', 'Bearer wijkteam-token-0002', referralId]]);
    expect((await db.get('outbox', referralId))?.state).toBe('delivered');
  });
});
