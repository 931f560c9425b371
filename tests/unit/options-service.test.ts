import { describe, expect, it, vi } from 'vitest';
import { createConfigurationService } from '../../extension/background/configuration/configuration-service';
import { adapterTemplates, bundledDefaults } from '../../extension/background/configuration/defaults';
import { createOptionsService } from '../../extension/background/options-service';
import { socialTeamEndpoint } from './helpers';

function setup(answer: (url: string, init?: RequestInit) => Promise<Response>) {
  const saved: Record<string, unknown> = {
    configuration: { endpoints: [{ ...socialTeamEndpoint('https://fhir.wijkteam.example/r4/'), auth: { scheme: 'bearer', token: 'geheim-token-123' } }] },
  };
  const session: Record<string, unknown> = {};
  const fetch = vi.fn((url: string | URL | Request, init?: RequestInit) => answer(String(url), init));
  const options = createOptionsService({
    configuration: createConfigurationService({
      defaults: bundledDefaults(),
      storage: { local: { get: async (key) => ({ [key]: saved[key] }), set: async () => {} }, managed: { get: async () => ({}) } },
    }),
    templates: adapterTemplates(),
    browserName: 'chrome',
    fetch: fetch as unknown as typeof globalThis.fetch,
    containsPermission: async () => false,
    watchedOrigins: async () => [],
    queryTabs: async () => [],
    sendToTab: async () => undefined,
    injectProbeScript: async () => {},
    injectTeachScript: async () => {},
    session: { get: async (key) => ({ [key]: session[key] }), set: async (items) => void Object.assign(session, items) },
  });
  return { options, fetch };
}

describe('"Verbinding testen"', () => {
  it('asks the endpoint for its CapabilityStatement with its token, and reports what it says of itself', async () => {
    const { options, fetch } = setup(async () =>
      Response.json({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', software: { name: 'HAPI FHIR Server', version: '8.2.0' } }),
    );
    expect(await options.testEndpoint('sociaal-wijkteam')).toMatchObject({ outcome: 'ok', status: 200, software: 'HAPI FHIR Server 8.2.0', fhirVersion: '4.0.1' });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('https://fhir.wijkteam.example/r4/metadata');
    expect(new Headers(init?.headers).get('Authorization')).toBe('Bearer geheim-token-123');
    expect(init?.redirect).toBe('error');
  });

  it('says the endpoint refused, could not be reached, or is not a FHIR server', async () => {
    expect(await setup(async () => new Response('', { status: 401, statusText: 'Unauthorized' })).options.testEndpoint('sociaal-wijkteam')).toMatchObject({
      outcome: 'http',
      status: 401,
    });
    expect(await setup(async () => Promise.reject(new TypeError('Failed to fetch'))).options.testEndpoint('sociaal-wijkteam')).toMatchObject({
      outcome: 'network',
      detail: 'Failed to fetch',
    });
    expect(await setup(async () => new Response('<html>', { status: 200 })).options.testEndpoint('sociaal-wijkteam')).toMatchObject({ outcome: 'not-fhir' });
  });

  it('tests only configured endpoints (no message field ever becomes a URL)', async () => {
    const { options, fetch } = setup(async () => new Response('{}'));
    expect(await options.testEndpoint('https://elsewhere.example')).toBeUndefined();
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('the adapter builder', () => {
  it('accepts a proposal only from the tab that was switched into teach mode', async () => {
    const { options } = setup(async () => new Response('{}'));
    const proposal = { url: 'https://his.example/app', patient: { name: '[data-testid="patient-name"]' }, warnings: [] };
    expect(await options.receiveProposal(7, proposal)).toBe(false);
    await options.startTeaching(7);
    expect(await options.receiveProposal(8, proposal)).toBe(false);
    expect(await options.proposal()).toBeNull();
    expect(await options.receiveProposal(7, proposal)).toBe(true);
    expect(await options.proposal()).toEqual(proposal);
  });
});
