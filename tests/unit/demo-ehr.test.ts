import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawGet } from './raw-get';
import { startDemoEhr, type DemoEhrServer } from '../../demo-ehr/server';

let server: DemoEhrServer;


beforeAll(async () => {
  server = await startDemoEhr({ port: 0 });
});

afterAll(async () => {
  await server.close();
});

describe('demo EHR server', () => {
  it('listens on a free port on 127.0.0.1', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('serves the consult page at /', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).toContain('id="patient-list"');
    expect(html).toContain('id="current-user"');
    expect(html).toContain('data-field="practitioner-name"');
    expect(html).toContain('id="patient-banner"');
    expect(html).toContain('id="consult-editor"');
    expect(html).toContain('id="soep-e-code"');
    expect(html).toContain('id="icpc-suggestions"');
    expect(html).toContain('src="/app.js"');
  });

  it('serves the app script as JavaScript without innerHTML', async () => {
    const res = await fetch(`${server.url}/app.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const js = await res.text();
    expect(js.startsWith('// @ts-check')).toBe(true);
    expect(js).not.toMatch(/innerHTML|insertAdjacentHTML|document\.write/);
  });

  it('serves the stylesheet and data modules with their content types', async () => {
    const css = await fetch(`${server.url}/styles.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const styles = await css.text();
    expect(styles).not.toMatch(/position:\s*fixed/);
    expect(styles).not.toMatch(/@import|url\(\s*['"]?https?:/);

    const data = await fetch(`${server.url}/patients.js`);
    expect(data.status).toBe(200);
    expect(data.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await data.text()).toContain('P-1005');
  });

  it('serves index.html for client routes under /patient/', async () => {
    const res = await fetch(`${server.url}/patient/P-1002`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('id="patient-banner"');

    const unknown = await fetch(`${server.url}/patient/P-9999/extra?x=1`);
    expect(unknown.status).toBe(200);
    expect(await unknown.text()).toContain('id="consult-editor"');
  });

  it('serves the referral contract\'s code pattern, so the HIS accepts exactly the codes Vroegsignaal reads', async () => {
    const res = await fetch(`${server.url}/contract.js`);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const source = await res.text();
    const module = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as { ICPC_CODE_PATTERN: RegExp };
    expect(['N01', 'L03.01'].map((code) => module.ICPC_CODE_PATTERN.test(code))).toEqual([true, true]);
    expect(['N1', 'L03.1', 'E12', 'n01'].map((code) => module.ICPC_CODE_PATTERN.test(code))).toEqual([false, false, false, false]);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('returns 404 for unknown paths outside /patient/', async () => {
    const res = await fetch(`${server.url}/niet-bestaand.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it.each([
    '/..%2fpackage.json',
    '/..%2f..%2fpackage.json',
    '/%2e%2e/package.json',
    '/%2e%2e%2fpackage.json',
    '/../package.json',
    '/patient/..%2f..%2fpackage.json',
    '/..%5cpackage.json',
    '/app.js%00.html',
    '/%E0%A4%A',
  ])('never serves files outside public/ (%s)', async (path) => {
    const res = await rawGet(server.port, path);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('"devDependencies"');
  });

  it('refuses other methods', async () => {
    const res = await fetch(`${server.url}/`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
