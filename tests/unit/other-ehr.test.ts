import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet } from './raw-get';
import { OTHER_EHR_PATIENTS, OTHER_EHR_RENDER_DELAY_MS, OTHER_EHR_CLINICIAN, otherEhrChartPath } from '../e2e/other-ehr/fixture';
import { startOtherEhr, type OtherEhrServer } from '../e2e/other-ehr/server';

let server: OtherEhrServer;


async function appScript(): Promise<string> {
  return (await fetch(`${server.url}/app.js`)).text();
}

beforeAll(async () => {
  server = await startOtherEhr({ port: 0 });
});

afterAll(async () => {
  await server.close();
});

describe('other EHR server', () => {
  it('listens on a free port on 127.0.0.1', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it.each(['/app/home', otherEhrChartPath(OTHER_EHR_PATIENTS[0].uuid), '/app/patients/unknown/chart', '/app/home?tab=1'])(
    'serves index.html for the client route %s',
    async (path) => {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const html = await res.text();
      expect(html).toContain('<html lang="en">');
      expect(html).toContain('src="/app.js"');
    },
  );

  it('serves the script and the stylesheet with their content types', async () => {
    const js = await fetch(`${server.url}/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('no-store');

    const css = await fetch(`${server.url}/styles.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers HEAD without a body', async () => {
    const res = await fetch(`${server.url}/app/home`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it.each(['/nope', '/patients/x/chart', '/application'])('returns 404 outside /app/ (%s)', async (path) => {
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    '/..%2fpackage.json',
    '/..%2f..%2f..%2f..%2fpackage.json',
    '/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/../../../../package.json',
    '/app/..%2f..%2f..%2f..%2f..%2fpackage.json',
    '/app/%2e%2e%2f%2e%2e%2fserver.ts',
    '/..%5cserver.ts',
    '/app.js%00.html',
    '/%E0%A4%A',
  ])('never serves files outside public/ (%s)', async (path) => {
    const res = await rawGet(server.port, path);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('"devDependencies"');
    expect(res.body).not.toContain('startOtherEhr');
  });

  it('refuses other methods', async () => {
    const res = await fetch(`${server.url}/app/home`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('closes even with a keep-alive connection open', async () => {
    const other = await startOtherEhr();
    await fetch(`${other.url}/app/home`, { headers: { Connection: 'keep-alive' } }).then((res) => res.text());
    await other.close();
    await expect(fetch(`${other.url}/app/home`)).rejects.toThrow();
  });
});

describe('other EHR page script', () => {
  it('builds its DOM without HTML strings', async () => {
    const js = await appScript();
    expect(js.startsWith('// @ts-check')).toBe(true);
    expect(js).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|DOMParser/);
  });

  it('holds the same patients, clinician and delay as the fixture the end-to-end tests import', async () => {
    const js = await appScript();
    for (const patient of OTHER_EHR_PATIENTS) {
      const [givenName, familyName] = patient.name.split(' ');
      expect(js).toContain(`uuid: '${patient.uuid}'`);
      expect(js).toContain(`givenName: '${givenName}'`);
      expect(js).toContain(`familyName: '${familyName}'`);
      expect(js).toContain(`identifier: '${patient.identifier}'`);
      expect(js).toContain(`birthDate: '${patient.birthDate}'`);
      expect(js).toContain(`problems: [${patient.problems.map((problem) => `'${problem}'`).join(', ')}]`);
    }
    expect(js).toContain(`const RENDER_DELAY_MS = ${OTHER_EHR_RENDER_DELAY_MS};`);
    expect(js).toContain(`const CURRENT_CLINICIAN = '${OTHER_EHR_CLINICIAN}';`);
  });

  it('offers no phone number and no BSN to find', async () => {
    const [html, js] = await Promise.all([fetch(`${server.url}/app/home`).then((res) => res.text()), appScript()]);
    // Digits only in uuids, identifiers and dates; never a run that could pass for a phone number or BSN.
    const withoutKnownValues = `${html}\n${js}`
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '')
      .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '');
    expect(withoutKnownValues).not.toMatch(/\d[\d ()-]{7,}\d/);
    expect(js).not.toMatch(/telefoon|mobiel|phone:|bsn:/i);
  });
});
