/**
 * Reference social-team receiver: HTTP contract, validation, exactly-once storage, durability, escaping.
 * Every request to /fhir carries a practice's API token; the inbox's own tests (auth, outcomes,
 * withdrawal, both storage modes) are in tests/receiver/.
 * Starting PGlite takes over a second, so the HTTP tests share one server on a free port with an
 * in-memory database; each test uses its own referral ids and compares counters before and after.
 * The durability test runs its own servers on a temporary data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonDepthExceeds, startReceiver, type Receiver } from '../../receiver/server.js';
import { balanceBidiControls } from '../../receiver/bidi.js';
import { validateReferralBundle } from '../../receiver/validate.js';

const FIXTURE_UUID = '5b0c7f4e-2d7a-4f8e-9a51-3c2b1d0e9f11';
const FIXTURE_TEXT = readFileSync(new URL('../fixtures/referral-bundle.example.json', import.meta.url), 'utf8');

// Test bundles and responses are poked at freely; typing every FHIR shape here would only add noise.
type Json = any;

/** The example referral, optionally under another referral id (every occurrence is replaced). */
function referralBundle(uuid = FIXTURE_UUID): Json {
  return JSON.parse(FIXTURE_TEXT.replaceAll(FIXTURE_UUID, uuid));
}

let counter = 0;
function freshUuid(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
}

const TOKEN = 'vst_unit-test-token-000000000000000000';
const PASSWORD = 'unit test wachtwoord';
const PROVISION = {
  practices: [{ id: 'demo', name: 'Demopraktijk', contactPoint: 'Sociaal wijkteam (demo), wijkteam@gemeente.example', token: TOKEN }],
  users: [{ username: 'anna', name: 'Anna de Vries', password: PASSWORD }],
};

async function postBundle(receiver: Receiver, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${receiver.url}/fhir`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/fhir+json', Authorization: `Bearer ${TOKEN}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function referrals(receiver: Receiver): Promise<Json[]> {
  return (await receiver.referrals()) as Json[];
}

/** A session cookie of a logged-in team member. */
async function login(receiver: Receiver): Promise<string> {
  const page = await fetch(`${receiver.url}/inloggen`);
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  const response = await fetch(`${receiver.url}/inloggen`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
    body: new URLSearchParams({ _csrf: csrf, username: 'anna', password: PASSWORD }),
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

/** The referral's detail page in the inbox, as a logged-in team member sees it. */
async function detailPage(receiver: Receiver, uuid: string): Promise<Response> {
  return fetch(`${receiver.url}/verwijzingen/${uuid}`, { headers: { Cookie: await login(receiver) } });
}

async function referralById(receiver: Receiver, uuid: string): Promise<Json | undefined> {
  return (await referrals(receiver)).find((r) => r.id === `urn:uuid:${uuid}`);
}

async function stats(receiver: Receiver): Promise<{ requests: number; posts: number; referrals: number }> {
  return (await (await fetch(`${receiver.url}/api/stats`)).json()) as { requests: number; posts: number; referrals: number };
}

function expressions(outcome: Json): string[] {
  return outcome.issue.flatMap((issue: Json) => issue.expression ?? []);
}

describe('reference receiver', () => {
  let receiver: Receiver;
  const logLines: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, dataDir: 'memory://', log: (line) => logLines.push(line), provision: PROVISION });
  }, 30_000);
  afterAll(async () => {
    await receiver.close();
  });

  it('accepts the example referral with 201 Created entries and lists it', async () => {
    const response = await postBundle(receiver, referralBundle());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json');
    // The extension posts from its background under a host permission; no page needs CORS.
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    const body = (await response.json()) as Json;
    expect(body).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    expect(body.entry).toHaveLength(5);
    const types = ['Patient', 'QuestionnaireResponse', 'Consent', 'ServiceRequest', 'Task'];
    body.entry.forEach((entry: Json, i: number) => {
      expect(entry.response.status).toBe('201 Created');
      expect(entry.response.location).toMatch(new RegExp(`^${types[i]}/[A-Za-z0-9.-]{1,64}/_history/1$`));
    });

    const list = await referrals(receiver);
    expect(list).toHaveLength(1); // the first test on a fresh database
    expect(list[0]).toMatchObject({
      id: `urn:uuid:${FIXTURE_UUID}`,
      patientName: 'Mila Voorbeeld',
      patientPhone: '+31699990001',
      callMoment: 'ochtend',
      lifeDomains: ['daily-functioning'],
      note: 'Liever niet tussen 12 en 13 uur bellen.',
      consentRecordedBy: 'dr. E. Denkbeeld',
      timesReceived: 1,
      taskStatus: 'received',
      practiceId: 'demo',
      bundle: { resourceType: 'Bundle', type: 'transaction' },
    });
    expect(Number.isNaN(Date.parse(list[0].receivedAt))).toBe(false);
    expect(list[0].answers).toEqual([
      { linkId: 'make-ends-meet', question: 'Vindt u het moeilijk om elke maand rond te komen?', answer: 'Yes', code: 'LA33-6' },
      { linkId: 'sleep-money-worries', question: 'Slaapt u slecht van geldzorgen?', answer: 'No', code: 'LA32-8' },
      { linkId: 'unopened-mail', question: 'Stapelt de post zich bij u thuis weleens op?', answer: null, code: null },
    ]);
  });

  it('lists referrals newest first', async () => {
    const first = freshUuid();
    const second = freshUuid();
    expect((await postBundle(receiver, referralBundle(first))).status).toBe(200);
    expect((await postBundle(receiver, referralBundle(second))).status).toBe(200);
    const ids = (await referrals(receiver)).map((r) => r.id);
    expect(ids.indexOf(`urn:uuid:${second}`)).toBe(0);
    expect(ids.indexOf(`urn:uuid:${first}`)).toBe(1);
  });

  it('stores a repeated referral once, counts it, and answers 200 OK with the same locations', async () => {
    const uuid = freshUuid();
    const before = await stats(receiver);
    const first = (await (await postBundle(receiver, referralBundle(uuid))).json()) as Json;
    expect(first.entry.map((e: Json) => e.response.status)).toEqual(Array(5).fill('201 Created'));
    const secondResponse = await postBundle(receiver, referralBundle(uuid));
    expect(secondResponse.status).toBe(200);
    const second = (await secondResponse.json()) as Json;
    expect(second.entry.map((e: Json) => e.response.status)).toEqual(Array(5).fill('200 OK'));
    expect(second.entry.map((e: Json) => e.response.location)).toEqual(first.entry.map((e: Json) => e.response.location));

    expect((await referralById(receiver, uuid))?.timesReceived).toBe(2);
    expect((await stats(receiver)).referrals - before.referrals).toBe(1);
  });

  it('never creates two rows for concurrent duplicates', async () => {
    const uuid = freshUuid();
    const before = await stats(receiver);
    const bodies = await Promise.all(
      [1, 2, 3].map(async () => {
        const response = await postBundle(receiver, referralBundle(uuid));
        expect(response.status).toBe(200);
        return (await response.json()) as Json;
      }),
    );
    const statuses = bodies.map((b) => b.entry[0].response.status).sort();
    expect(statuses).toEqual(['200 OK', '200 OK', '201 Created']);

    expect((await referrals(receiver)).filter((r) => r.id === `urn:uuid:${uuid}`)).toHaveLength(1);
    expect((await referralById(receiver, uuid))?.timesReceived).toBe(3);
    expect((await stats(receiver)).referrals - before.referrals).toBe(1);
  });

  it('honours an Idempotency-Key equal to the referral id and rejects a different one', async () => {
    const uuid = freshUuid();
    const withKey = await postBundle(receiver, referralBundle(uuid), { 'Idempotency-Key': `urn:uuid:${uuid}` });
    expect(withKey.status).toBe(200);
    const repeat1 = await (await postBundle(receiver, referralBundle(uuid), { 'Idempotency-Key': `urn:uuid:${uuid}` })).text();
    // The bare UUID is accepted as the same key.
    const repeat2 = await (await postBundle(receiver, referralBundle(uuid), { 'Idempotency-Key': uuid })).text();
    expect(repeat2).toBe(repeat1);
    expect(JSON.parse(repeat1).entry[0].response.status).toBe('200 OK');

    const wrong = await postBundle(receiver, referralBundle(uuid), { 'Idempotency-Key': `urn:uuid:${freshUuid()}` });
    expect(wrong.status).toBe(400);
    const outcome = (await wrong.json()) as Json;
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'invalid', location: ['http.Idempotency-Key'] });
    expect((await referralById(receiver, uuid))?.timesReceived).toBe(3);
  });

  const invalidCases: Array<{ name: string; mutate: (b: Json) => void; paths: string[] }> = [
    {
      name: 'missing Patient phone',
      mutate: (b) => {
        b.entry[0].resource.telecom = [{ system: 'email', value: 'mila@example.org' }];
      },
      paths: ['entry[0].resource.telecom'],
    },
    {
      name: 'Patient telecom absent',
      mutate: (b) => {
        delete b.entry[0].resource.telecom;
      },
      paths: ['entry[0].resource.telecom'],
    },
    {
      name: 'phone not Dutch E.164',
      mutate: (b) => {
        b.entry[0].resource.telecom[0].value = '06-99990001';
      },
      paths: ['entry[0].resource.telecom[0].value'],
    },
    {
      name: 'Consent status draft',
      mutate: (b) => {
        b.entry[2].resource.status = 'draft';
      },
      paths: ['entry[2].resource.status'],
    },
    {
      name: 'wrong Bundle type',
      mutate: (b) => {
        b.type = 'batch';
      },
      paths: ['type'],
    },
    {
      name: 'mismatching referral ids',
      mutate: (b) => {
        const other = `urn:uuid:${freshUuid()}`;
        b.entry[4].resource.identifier[0].value = other;
        b.entry[4].request.ifNoneExist = `identifier=urn:ietf:rfc:3986|${other}`;
      },
      paths: ['entry[4].resource.identifier', 'entry[4].request.ifNoneExist'],
    },
    {
      name: 'a Condition resource',
      mutate: (b) => {
        b.entry.push({
          fullUrl: 'urn:uuid:0d6f1a2b-6666-4c3d-8e9f-000000000006',
          resource: {
            resourceType: 'Condition',
            identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${FIXTURE_UUID}` }],
            code: { coding: [{ system: 'http://hl7.org/fhir/sid/icpc-1-nl', code: 'L03', display: 'Lage rugpijn' }] },
            subject: { reference: 'urn:uuid:0d6f1a2b-1111-4c3d-8e9f-000000000001' },
          },
          request: { method: 'POST', url: 'Condition', ifNoneExist: `identifier=urn:ietf:rfc:3986|urn:uuid:${FIXTURE_UUID}` },
        });
      },
      paths: ['entry[5].resource.resourceType', 'entry[5].resource.code.coding[0].system'],
    },
    {
      name: 'an ICPC-looking reason code',
      mutate: (b) => {
        b.entry[3].resource.reasonCode = [{ text: 'P06 slaapproblemen' }];
      },
      paths: ['entry[3].resource.reasonCode[0]'],
    },
    {
      name: 'a reference outside the Bundle',
      mutate: (b) => {
        b.entry[4].resource.focus.reference = 'ServiceRequest/elsewhere';
      },
      paths: ['entry[4].resource.focus.reference'],
    },
    {
      name: 'two Patients and no Task',
      mutate: (b) => {
        b.entry[4] = structuredClone(b.entry[0]);
        b.entry[4].fullUrl = 'urn:uuid:0d6f1a2b-7777-4c3d-8e9f-000000000007';
      },
      paths: ['entry[4].resource', 'entry'],
    },
  ];

  it.each(invalidCases)('rejects $name with a 400 OperationOutcome naming the path', async ({ mutate, paths }) => {
    const before = await stats(receiver);
    const bundle = referralBundle(freshUuid());
    mutate(bundle);
    const response = await postBundle(receiver, bundle);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/fhir+json');
    const outcome = (await response.json()) as Json;
    expect(outcome.resourceType).toBe('OperationOutcome');
    for (const issue of outcome.issue) {
      expect(issue.severity).toBe('error');
      expect(['invalid', 'structure', 'required']).toContain(issue.code);
      expect(issue.diagnostics).toEqual(expect.any(String));
      expect(issue.expression).toHaveLength(1);
    }
    expect(expressions(outcome)).toEqual(expect.arrayContaining(paths));
    expect((await stats(receiver)).referrals).toBe(before.referrals);
  });

  it('lists every problem, not just the first', async () => {
    const bundle = referralBundle();
    bundle.type = 'batch';
    delete bundle.entry[0].resource.telecom;
    bundle.entry[2].resource.status = 'draft';
    bundle.entry[1].resource.item = [];
    const outcome = (await (await postBundle(receiver, bundle)).json()) as Json;
    expect(expressions(outcome)).toEqual(
      expect.arrayContaining(['type', 'entry[0].resource.telecom', 'entry[2].resource.status', 'entry[1].resource.item']),
    );
    const telecom = outcome.issue.find((issue: Json) => issue.expression[0] === 'entry[0].resource.telecom');
    expect(telecom.code).toBe('required');
  });

  it('rejects invalid JSON with 400 and a wrong content type with 415', async () => {
    const badJson = await postBundle(receiver, '{"resourceType": "Bundle",');
    expect(badJson.status).toBe(400);
    const outcome = (await badJson.json()) as Json;
    expect(outcome).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'structure' }] });

    const wrongType = await fetch(`${receiver.url}/fhir/`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(referralBundle()),
    });
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as Json).resourceType).toBe('OperationOutcome');

    const plainJson = await postBundle(receiver, referralBundle(freshUuid()), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(plainJson.status).toBe(200);
  });

  it('rejects bodies over 256 KiB with 413', async () => {
    const before = await stats(receiver);
    const bundle = referralBundle(freshUuid());
    bundle.entry[3].resource.note = [{ text: 'x'.repeat(300 * 1024) }];
    const response = await postBundle(receiver, bundle);
    expect(response.status).toBe(413);
    expect((await stats(receiver)).referrals).toBe(before.referrals);
  });

  it('answers OPTIONS with 405 like any other method and serves a CapabilityStatement', async () => {
    const options = await fetch(`${receiver.url}/fhir`, {
      method: 'OPTIONS',
      headers: { Origin: 'chrome-extension://abc', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,idempotency-key' },
    });
    expect(options.status).toBe(405);
    expect(options.headers.get('allow')).toBe('POST');
    expect(((await options.json()) as Json).resourceType).toBe('OperationOutcome');

    const metadata = await fetch(`${receiver.url}/fhir/metadata`);
    expect(metadata.status).toBe(200);
    expect(metadata.headers.get('access-control-allow-origin')).toBeNull();
    const capability = (await metadata.json()) as Json;
    expect(capability).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    expect(capability.rest[0].interaction).toContainEqual({ code: 'transaction' });

    expect((await fetch(`${receiver.url}/healthz`)).status).toBe(200);
  });

  it('escapes stored values on the HTML page', async () => {
    const uuid = freshUuid();
    const bundle = referralBundle(uuid);
    bundle.entry[0].resource.name = [{ text: '<script>alert(1)</script>' }];
    bundle.entry[3].resource.note = [{ text: '"><img src=x onerror=alert(2)>' }];
    bundle.entry[1].resource.item[0].text = "<b onmouseover='x'>vraag</b>";
    expect((await postBundle(receiver, bundle)).status).toBe(200);

    const page = await detailPage(receiver, uuid);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    // Preact escapes what can open markup (&, <, "); the text reads back unchanged.
    expect(html).toMatch(/&lt;script(&gt;|>)alert\(1\)&lt;\/script/);
    expect(html).toMatch(/(&quot;|")(&gt;|>)&lt;img src=x onerror=alert\(2\)/);
    expect(html).toMatch(/&lt;b onmouseover=(&#39;|')x(&#39;|')(&gt;|>)vraag&lt;\/b/);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b ');
  });

  it('shows what the social team needs on the referral page', async () => {
    const uuid = freshUuid();
    await postBundle(receiver, referralBundle(uuid));
    await postBundle(receiver, referralBundle(uuid));
    const html = await (await detailPage(receiver, uuid)).text();
    const card = html.split('<article class="referral"')[1] ?? '';
    for (const text of ['Mila Voorbeeld', '+31699990001', 'ochtend', 'Dagelijks functioneren', 'Liever niet tussen 12 en 13 uur bellen.', 'dr. E. Denkbeeld', 'Slaapt u slecht van geldzorgen?', 'geen antwoord', `urn:uuid:${uuid}`]) {
      expect(card).toContain(text);
    }
    expect(card).toContain('href="tel:+31699990001"');
    expect((await referralById(receiver, uuid))?.timesReceived).toBe(2);
  });

  it('counts requests to /fhir in /api/stats', async () => {
    const uuid = freshUuid();
    const before = await stats(receiver);
    await fetch(`${receiver.url}/fhir/metadata`);
    await fetch(`${receiver.url}/fhir`, { method: 'OPTIONS' });
    await postBundle(receiver, referralBundle(uuid));
    await postBundle(receiver, referralBundle(uuid));
    await postBundle(receiver, '{not json');
    await fetch(`${receiver.url}/api/stats`); // not a /fhir request
    await fetch(`${receiver.url}/`); // not a /fhir request
    const after = await stats(receiver);
    expect({
      requests: after.requests - before.requests,
      posts: after.posts - before.posts,
      referrals: after.referrals - before.referrals,
    }).toEqual({ requests: 5, posts: 3, referrals: 1 });
  });

  it('logs one line per request without patient data', async () => {
    const uuid = freshUuid();
    const start = logLines.length;
    await postBundle(receiver, referralBundle(uuid));
    const bad = referralBundle(freshUuid());
    bad.entry[2].resource.status = 'draft';
    await postBundle(receiver, bad);
    await fetch(`${receiver.url}/api/stats`);
    const lines = logLines.slice(start);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^POST /fhir 200 urn:uuid:${uuid} `));
    expect(lines[1]).toMatch(/^POST \/fhir 400 /);
    expect(lines[2]).toMatch(/^GET \/api\/stats 200 /);
    for (const line of logLines) {
      expect(line).not.toContain('Mila');
      expect(line).not.toContain('+31699990001');
    }
  });
});

describe('reference receiver durability', () => {
  it('keeps referrals across a restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vroegsignaal-receiver-'));
    try {
      const first = await startReceiver({ port: 0, dataDir, log: () => {}, provision: PROVISION });
      try {
        expect((await postBundle(first, referralBundle())).status).toBe(200);
      } finally {
        await first.close();
      }

      const second = await startReceiver({ port: 0, dataDir, log: () => {}, provision: PROVISION });
      try {
        const list = await referrals(second);
        expect(list).toHaveLength(1);
        expect(list[0]).toMatchObject({ patientName: 'Mila Voorbeeld', timesReceived: 1 });
        // Still exactly-once after the restart.
        const again = (await (await postBundle(second, referralBundle())).json()) as Json;
        expect(again.entry[0].response.status).toBe('200 OK');
        expect((await referrals(second))[0].timesReceived).toBe(2);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('referral validation options', () => {
  it('accepts diagnosis data only when allowDiagnosisCodes is set', () => {
    const bundle = referralBundle();
    bundle.entry.push({
      fullUrl: 'urn:uuid:0d6f1a2b-6666-4c3d-8e9f-000000000006',
      resource: {
        resourceType: 'Condition',
        identifier: [{ system: 'urn:ietf:rfc:3986', value: `urn:uuid:${FIXTURE_UUID}` }],
        code: { coding: [{ system: 'http://hl7.org/fhir/sid/icpc-1-nl', code: 'Z01' }] },
      },
      request: { method: 'POST', url: 'Condition', ifNoneExist: `identifier=urn:ietf:rfc:3986|urn:uuid:${FIXTURE_UUID}` },
    });
    expect(validateReferralBundle(bundle).ok).toBe(false);
    const allowed = validateReferralBundle(bundle, { allowDiagnosisCodes: true });
    expect(allowed.ok).toBe(true);
    if (allowed.ok) expect(allowed.entryTypes).toEqual(['Patient', 'QuestionnaireResponse', 'Consent', 'ServiceRequest', 'Task', 'Condition']);
  });
});

describe('receiver text helpers', () => {
  const [LRE, PDF, RLO, LRI, FSI, PDI] = ['\u202A', '\u202C', '\u202E', '\u2066', '\u2068', '\u2069'];

  it('closes what a value leaves open and drops closers of what it did not open', () => {
    expect(balanceBidiControls(`Mila ${RLO}Voorbeeld`)).toBe(`Mila ${RLO}Voorbeeld${PDF}`);
    // A stray PDI would end the <bdi> isolate early and let the RLO after it reach the next field.
    expect(balanceBidiControls(`Mila${PDI}${RLO}x`)).toBe(`Mila${RLO}x${PDF}`);
    // A PDF cannot close an embedding across an isolate; the PDI ends the isolate and the RLO in it.
    expect(balanceBidiControls(`${LRE}a${FSI}b${PDF}${RLO}c${PDI}d`)).toBe(`${LRE}a${FSI}b${RLO}c${PDI}d${PDF}`);
    // Each paragraph is closed on its own.
    expect(balanceBidiControls(`${RLO}a\n${PDF}b`)).toBe(`${RLO}a${PDF}\nb`);
  });

  it('leaves balanced text and plain text alone', () => {
    for (const value of ['Mila Voorbeeld', `${LRI}سارة${PDI} Voorbeeld`, `${LRE}a${PDF}`, '']) {
      expect(balanceBidiControls(value)).toBe(value);
    }
  });

  it('measures JSON depth outside strings only', () => {
    expect(jsonDepthExceeds('[[1]]', 2)).toBe(false);
    expect(jsonDepthExceeds('[[[1]]]', 2)).toBe(true);
    expect(jsonDepthExceeds('{"a":{"b":{}}}', 2)).toBe(true);
    expect(jsonDepthExceeds(`["${'['.repeat(100)}"]`, 1)).toBe(false);
    expect(jsonDepthExceeds(`["\\\"[[[", [1]]`, 2)).toBe(false);
    expect(jsonDepthExceeds(`["\\\\", [[1]]]`, 2)).toBe(true);
  });
});
