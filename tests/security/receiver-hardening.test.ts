/**
 * The reference receiver against a hostile web page: what a site the social-team member happens to
 * visit could do to a receiver on 127.0.0.1, and what a sender with a malformed or malicious body
 * could do to it. Senders authenticate with a practice's API token and the pages need a logged-in
 * team member (receiver/inbox.tsx); these tests do both, and attack everything else as before. Requests go through node:http (or a raw socket) because fetch cannot
 * forge the Host header that DNS rebinding produces.
 */
import { readFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { Window } from 'happy-dom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, startReceiver, type Receiver } from '../../receiver/server.js';

const FIXTURE_UUID = '5b0c7f4e-2d7a-4f8e-9a51-3c2b1d0e9f11';
const FIXTURE_TEXT = readFileSync(new URL('../fixtures/referral-bundle.example.json', import.meta.url), 'utf8');
const REBOUND_HOST = 'evil.example:1234';
const TOKEN = 'vst_hardening-test-token-0000000000000';
const PASSWORD = 'hardening wachtwoord';
const PROVISION = {
  practices: [{ id: 'demo', name: 'Demopraktijk', contactPoint: 'Sociaal wijkteam (demo), wijkteam@gemeente.example', token: TOKEN }],
  users: [{ username: 'anna', name: 'Anna de Vries', password: PASSWORD }],
};
const RLO = '\u202E';
const PDI = '\u2069';

// Bundles are mutated freely; typing every FHIR shape would only add noise.
type Json = any;

let counter = 0;
/** The example referral under a referral id of its own. */
function referralBundle(): { uuid: string; bundle: Json } {
  counter += 1;
  const uuid = `00000000-0000-4000-9000-${String(counter).padStart(12, '0')}`;
  return { uuid, bundle: JSON.parse(FIXTURE_TEXT.replaceAll(FIXTURE_UUID, uuid)) };
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One request on 127.0.0.1 with exactly the given Host header, on a fresh connection. */
function rawRequest(
  port: number,
  { method = 'GET', path, host, headers = {}, body }: { method?: string; path: string; host: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { Host: host, ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An HTTP/1.0 request without a Host header, which node:http's client cannot send. */
function requestWithoutHost(port: number, path: string): Promise<{ statusLine: string; raw: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`GET ${path} HTTP/1.0\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      resolve({ statusLine: raw.split('\r\n')[0] ?? '', raw });
    });
    socket.on('error', reject);
  });
}

/** Whether the bidi controls in `text` close exactly what they open, so nothing leaks out of it. */
function bidiBalanced(text: string): boolean {
  const open: string[] = [];
  for (const char of text) {
    if ('\u202A\u202B\u202D\u202E'.includes(char)) open.push('embedding');
    else if ('\u2066\u2067\u2068'.includes(char)) open.push('isolate');
    else if (char === '\u202C' && open.pop() !== 'embedding') return false;
    else if (char === PDI && open.pop() !== 'isolate') return false;
  }
  return open.length === 0;
}

describe('reference receiver hardening', () => {
  let receiver: Receiver;
  let host: string;
  const logLines: string[] = [];

  const post = (body: string | Buffer, requestHost = host) =>
    rawRequest(receiver.port, { method: 'POST', path: '/fhir', host: requestHost, headers: { 'Content-Type': 'application/fhir+json', Authorization: `Bearer ${TOKEN}` }, body });
  const get = (path: string, requestHost = host, headers: Record<string, string> = {}) => rawRequest(receiver.port, { path, host: requestHost, headers });
  const storedIds = async () => (await receiver.referrals()).map((referral) => referral.id);
  /** A logged-in team member's session cookie (the pages with patient data need one). */
  let sessionCookie = '';
  const login = async () => {
    const page = await get('/inloggen');
    const cookie = String(page.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const response = await rawRequest(receiver.port, {
      method: 'POST',
      path: '/inloggen',
      host,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie },
      body: new URLSearchParams({ _csrf: csrf, username: 'anna', password: PASSWORD }).toString(),
    });
    expect(response.status).toBe(303);
    return String(response.headers['set-cookie']?.[0] ?? '').split(';')[0]!;
  };
  /** A referral's page in the inbox, where its personal data is shown. */
  const detailPage = (uuid: string) => get(`/verwijzingen/${uuid}`, host, { Cookie: sessionCookie });
  const requestCount = async () => (JSON.parse((await get('/api/stats')).body) as { requests: number }).requests;

  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, dataDir: 'memory://', log: (line) => logLines.push(line), provision: PROVISION });
    host = `127.0.0.1:${receiver.port}`;
    sessionCookie = await login();
  }, 30_000);
  afterAll(async () => {
    await receiver.close();
  });

  describe('no CORS', () => {
    it('sends no Access-Control-Allow-Origin with a referral answer, even to a page that asks', async () => {
      const { bundle } = referralBundle();
      const response = await rawRequest(receiver.port, {
        method: 'POST',
        path: '/fhir',
        host,
        headers: { 'Content-Type': 'application/fhir+json', Origin: 'https://evil.example', Authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(bundle),
      });
      expect(response.status).toBe(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();

      const list = await rawRequest(receiver.port, { path: '/api/referrals', host, headers: { Origin: 'https://evil.example' } });
      expect(list.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a preflight with 405 and no CORS headers, so a page cannot send JSON cross-origin', async () => {
      const response = await rawRequest(receiver.port, {
        method: 'OPTIONS',
        path: '/fhir',
        host,
        headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      expect(response.status).toBe(405);
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });
  });

  describe('DNS rebinding', () => {
    it('refuses a referral posted under a foreign Host and stores, counts and logs nothing of it', async () => {
      const { uuid, bundle } = referralBundle();
      const requestsBefore = await requestCount();
      const logStart = logLines.length;

      const response = await post(JSON.stringify(bundle), REBOUND_HOST);
      expect(response.status).toBe(421);
      expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(response.body).toMatch(/Host/);
      expect(response.body).not.toContain('Mila');

      expect(await storedIds()).not.toContain(`urn:uuid:${uuid}`);
      expect(await requestCount()).toBe(requestsBefore);
      const refusedLines = logLines.slice(logStart).filter((line) => line.includes(' 421 '));
      expect(refusedLines).toHaveLength(1);
      expect(refusedLines[0]).not.toContain('Mila');
      expect(refusedLines[0]).not.toContain('+316');

      // The same referral under the receiver's own address goes through: the Host made the difference.
      expect((await post(JSON.stringify(bundle))).status).toBe(200);
      expect(await storedIds()).toContain(`urn:uuid:${uuid}`);
    });

    it('does not show the referral list or page to a rebound name, even on the right port', async () => {
      const { bundle } = referralBundle();
      expect((await post(JSON.stringify(bundle))).status).toBe(200);
      for (const rebound of [REBOUND_HOST, `rebind.evil.example:${receiver.port}`, `127.0.0.1:${receiver.port + 1}`]) {
        for (const path of ['/', '/api/referrals', '/api/stats', '/fhir/metadata']) {
          const response = await get(path, rebound);
          expect(response.status, `${path} with Host ${rebound}`).toBe(421);
          expect(response.body).not.toContain('Mila');
          expect(response.body).not.toContain('urn:uuid:');
        }
      }
    });

    it('refuses a request without a Host header', async () => {
      const { statusLine, raw } = await requestWithoutHost(receiver.port, '/api/referrals');
      expect(statusLine).toMatch(/^HTTP\/1\.[01] 421 /);
      expect(raw).not.toContain('Mila');
    });

    it('serves the loopback names with the listening port', async () => {
      for (const served of [`localhost:${receiver.port}`, `LOCALHOST:${receiver.port}`, `[::1]:${receiver.port}`, host]) {
        expect((await get('/api/stats', served)).status, served).toBe(200);
      }
    });
  });

  describe('malformed bodies', () => {
    const deepBodies: Array<{ name: string; body: string }> = [
      { name: '100,000 nested arrays', body: '['.repeat(100_000) + ']'.repeat(100_000) },
      // {"a": is 5 bytes, so 40,000 levels is what fits under the 256 KiB body limit; still valid JSON.
      { name: '40,000 nested objects', body: '{"a":'.repeat(40_000) + '1' + '}'.repeat(40_000) },
      { name: 'nesting that never closes', body: '[{"a":'.repeat(30_000) },
      // Before the limit, these reached the validator and JSON.stringify and overflowed the stack: a 500.
      { name: 'a referral with extensions nested 5,000 deep', body: referralWithNestedExtensions(5_000) },
      { name: 'a referral one level deeper than the limit', body: referralWithNestedExtensions((MAX_JSON_DEPTH - 4) / 2) },
    ];

    it.each(deepBodies)('answers $name with 400 naming the nesting limit, quickly', async ({ body }) => {
      const started = performance.now();
      const response = await post(body);
      const elapsed = performance.now() - started;
      expect(response.status).toBe(400);
      const outcome = JSON.parse(response.body) as Json;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0].diagnostics).toMatch(/nesting is too deep/);
      expect(outcome.issue[0].diagnostics).toContain(String(MAX_JSON_DEPTH));
      expect(elapsed).toBeLessThan(2_000);
      expect((await get('/healthz')).status).toBe(200);
    });

    it('accepts nesting up to the limit (and judges it on content)', async () => {
      const atLimit = await post('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH));
      expect(atLimit.status).toBe(400);
      expect(atLimit.body).not.toMatch(/too deep/);
      expect(atLimit.body).toMatch(/must be a JSON object/);

      // The innermost level is a complete extension (an array holding an object: two levels, like
      // [[]]), because the FHIR R4 validator refuses an empty or value-less one.
      const referralAtLimit = await post(referralWithNestedExtensions((MAX_JSON_DEPTH - 4) / 2 - 1, '[{"url":"urn:example:leaf","valueString":"x"}]'));
      expect(referralAtLimit.status).toBe(200);
    });

    const malformed: Array<{ name: string; body: () => string | Buffer }> = [
      { name: 'invalid UTF-8', body: () => Buffer.concat([Buffer.from('{"resourceType":"Bundle","type":"'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]) },
      { name: 'JSON null', body: () => 'null' },
      { name: 'a number', body: () => '42' },
      { name: 'true', body: () => 'true' },
      { name: 'a huge string within the size limit', body: () => JSON.stringify('x'.repeat(250_000)) },
      { name: 'an array', body: () => '[]' },
      { name: 'an array holding the referral', body: () => JSON.stringify([referralBundle().bundle]) },
      { name: 'an empty body', body: () => '' },
      { name: 'truncated JSON', body: () => JSON.stringify(referralBundle().bundle).slice(0, 200) },
      {
        name: 'a NUL character in the patient name',
        body: () => {
          const { bundle } = referralBundle();
          bundle.entry[0].resource.name = [{ text: 'Mila\u0000Voorbeeld' }];
          return JSON.stringify(bundle);
        },
      },
      {
        name: 'an unpaired surrogate in the note',
        body: () => {
          const { bundle } = referralBundle();
          bundle.entry[3].resource.note = [{ text: 'Liever \ud800 bellen' }];
          return JSON.stringify(bundle);
        },
      },
      {
        name: 'a NUL character in a key',
        body: () => {
          const { bundle } = referralBundle();
          bundle.entry[3].resource['note\u0000'] = 'x';
          return JSON.stringify(bundle);
        },
      },
    ];

    it.each(malformed)('answers $name with a 400 OperationOutcome, not a 500', async ({ body }) => {
      const idsBefore = await storedIds();
      const response = await post(body());
      expect(response.status).toBe(400);
      const outcome = JSON.parse(response.body) as Json;
      expect(outcome.resourceType).toBe('OperationOutcome');
      expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: expect.stringMatching(/^(structure|invalid|required)$/) });
      expect(await storedIds()).toEqual(idsBefore);
    });
  });

  describe('the referral page in the inbox', () => {
    it('keeps an override in a name from reordering the phone number or any other field', async () => {
      const { uuid, bundle } = referralBundle();
      // A name that ends in RIGHT-TO-LEFT OVERRIDE, after a stray PDI that would end an isolate early.
      bundle.entry[0].resource.name = [{ text: `Mila Voorbeeld${PDI}${RLO}` }];
      bundle.entry[1].resource.item[0].text = `${RLO}Vindt u het moeilijk om rond te komen?`;
      bundle.entry[3].resource.note = [{ text: `${PDI}${RLO}Bel na 14 uur` }];
      expect((await post(JSON.stringify(bundle))).status).toBe(200);

      const page = await detailPage(uuid);
      expect(page.status).toBe(200);
      const window = new Window();
      try {
        const document = new window.DOMParser().parseFromString(page.body, 'text/html');
        const card = [...document.querySelectorAll('article.referral')].find((item) => item.textContent?.includes(`urn:uuid:${uuid}`));
        expect(card).toBeDefined();

        const heading = card!.querySelector('h1')!;
        const name = heading.querySelector('bdi')!;
        expect(name.textContent).toContain('Mila Voorbeeld');
        expect(name.textContent).toContain(RLO);
        expect(bidiBalanced(name.textContent ?? '')).toBe(true);
        const phone = heading.querySelector('.phone')!;
        expect(phone.textContent).toBe('+31699990001');
        expect(name.contains(phone)).toBe(false);
        expect(phone.textContent).not.toContain(RLO);
        // The phone number has its own left-to-right isolate: digits never run right to left.
        expect(phone.querySelector('bdi')?.getAttribute('dir')).toBe('ltr');

        // Every piece of text carrying a bidi control sits in an isolate that closes what it opens.
        const walker = document.createTreeWalker(card!, 4 /* NodeFilter.SHOW_TEXT */);
        let withOverride = 0;
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!/[\u202A-\u202E\u2066-\u2069]/.test(node.textContent ?? '')) continue;
          withOverride += 1;
          const isolate = node.parentElement?.closest('bdi');
          expect(isolate, JSON.stringify(node.textContent)).toBeTruthy();
          expect(bidiBalanced(isolate!.textContent ?? '')).toBe(true);
        }
        expect(withOverride).toBe(3);
      } finally {
        await window.happyDOM.close();
      }
    });

    it('still escapes markup inside the isolates', async () => {
      const { uuid, bundle } = referralBundle();
      bundle.entry[0].resource.name = [{ text: `</bdi><b>Mila</b>${RLO}` }];
      expect((await post(JSON.stringify(bundle))).status).toBe(200);
      for (const html of [(await detailPage(uuid)).body, (await get('/', host, { Cookie: sessionCookie })).body]) {
        // Preact escapes what can open markup (& < "); a bare > is inert in text.
        expect(html).toMatch(new RegExp(`&lt;/bdi(&gt;|>)&lt;b(&gt;|>)Mila&lt;/b(&gt;|>)${RLO}`));
        expect(html).not.toContain('<b>');
      }
    });

    it('is served with a CSP that allows no script and only its own stylesheet', async () => {
      const page = await get('/', host, { Cookie: sessionCookie });
      expect(page.status).toBe(200);
      const csp = String(page.headers['content-security-policy'] ?? '');
      const directives = new Map(
        csp.split(';').map((directive) => {
          const [name = '', ...values] = directive.trim().split(/\s+/);
          return [name, values.join(' ')] as const;
        }),
      );
      expect(directives.get('default-src')).toBe("'none'");
      expect(directives.has('script-src')).toBe(false); // falls back to default-src 'none'
      expect(directives.get('frame-ancestors')).toBe("'none'");
      expect(directives.get('base-uri')).toBe("'none'");
      expect(csp).not.toContain('unsafe-inline');
      // One stylesheet file from this origin (receiver/public/inbox.css), no inline styles at all.
      expect(directives.get('style-src')).toBe("'self'");
      expect(directives.get('form-action')).toBe("'self'");
      expect(page.body).not.toContain('<style');
      expect(page.body).toContain('<link rel="stylesheet" href="/static/inbox.css"/>');
      expect(page.body).not.toMatch(/<script|\son\w+=|style="/i);

      expect(page.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
    });

    it('keeps patient data out of caches and sniffing on the API too', async () => {
      for (const path of ['/api/referrals', '/api/stats']) {
        const response = await get(path);
        expect(response.headers, path).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      }
      const { bundle } = referralBundle();
      const posted = await post(JSON.stringify(bundle));
      expect(posted.headers['cache-control']).toBe('no-store');
    });
  });
});

describe('reference receiver allowedHosts', () => {
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver({ port: 0, dataDir: 'memory://', log: () => {}, allowedHosts: ['Verwijzingen.Wijkteam.example'] });
  }, 30_000);
  afterAll(async () => {
    await receiver.close();
  });

  it('serves a configured public name as well as the defaults, and nothing else', async () => {
    const status = async (host: string) => (await rawRequest(receiver.port, { path: '/api/stats', host })).status;
    expect(await status('verwijzingen.wijkteam.example')).toBe(200);
    expect(await status(`127.0.0.1:${receiver.port}`)).toBe(200);
    // An entry without a port stands for the default port only.
    expect(await status(`verwijzingen.wijkteam.example:${receiver.port}`)).toBe(421);
    expect(await status('wijkteam.example')).toBe(421);
    expect(await status(REBOUND_HOST)).toBe(421);
  });

  it('rejects an entry that is not a host at start-up', async () => {
    await expect(startReceiver({ port: 0, dataDir: 'memory://', log: () => {}, allowedHosts: ['https://verwijzingen.wijkteam.example/'] })).rejects.toThrow(
      /allowedHosts/,
    );
    await expect(startReceiver({ port: 0, dataDir: 'memory://', log: () => {}, allowedHosts: ['*.wijkteam.example'] })).rejects.toThrow(/allowedHosts/);
  });
});

/**
 * The example referral with `levels` extensions nested in its ServiceRequest. The resource sits at
 * depth 4 (Bundle › entry › [3] › resource), each level adds an array and an object, and `innermost`
 * adds its own depth: 30 levels with `[]` make 65, 29 levels with `[[]]` make 64.
 */
function referralWithNestedExtensions(levels: number, innermost = '[]'): string {
  const text = JSON.stringify(referralBundle().bundle);
  const nested = '[{"url":"urn:example:nested","extension":'.repeat(levels) + innermost + '}]'.repeat(levels);
  const result = text.replace('"resourceType":"ServiceRequest",', `"resourceType":"ServiceRequest","extension":${nested},`);
  if (result === text) throw new Error('the fixture has no ServiceRequest to nest extensions in');
  return result;
}
