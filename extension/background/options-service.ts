import { enabledRuleSets, type AdapterTemplate, type SocialTeamEndpoint } from '../shared/configuration';
import type {
  AdapterProposal,
  EndpointTestResult,
  EndpointView,
  OptionsView,
  ProbeFindings,
  Problem,
  TabMessage,
} from '../shared/messages';
import type { ConfigurationService } from './configuration/configuration-service';
import type { EffectiveConfiguration } from './configuration/layers';
import { parseJsonText, parsePageAdapter } from './configuration/validation';
import { originPattern } from '../shared/page-adapter';
import { adapterOrigins } from './ehr-access';

export interface OptionsServiceDependencies {
  configuration: ConfigurationService;
  /** The built-in adapters, checked once at start. */
  templates: AdapterTemplate[];
  browserName: string;
  fetch: typeof fetch;
  containsPermission: (pattern: string) => Promise<boolean>;
  /** Origins the EHR content script is registered for now. */
  watchedOrigins: () => Promise<string[]>;
  queryTabs: (patterns: string[]) => Promise<Array<{ id?: number; title?: string; url?: string }>>;
  sendToTab: <M extends TabMessage>(tabId: number, message: M) => Promise<unknown>;
  /** Starts the adapter probe ("Test op open tabblad") in a tab; it answers `adapter/probe` messages. */
  injectProbeScript: (tabId: number) => Promise<void>;
  injectTeachScript: (tabId: number) => Promise<void>;
  /** Survives the service worker stopping while the administrator clicks around the EHR tab. */
  session: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
}

const TEACH_KEY = 'adapterBuilder';
const ENDPOINT_TEST_TIMEOUT_MS = 10_000;

function endpointView(endpoint: SocialTeamEndpoint): EndpointView {
  const { signingSecret, auth, ...rest } = endpoint;
  // Enough to recognise which token or secret is saved, never enough to use it.
  return {
    ...rest,
    auth: auth.scheme === 'none' ? { scheme: 'none' } : { scheme: 'bearer', tokenHint: `…${auth.token.slice(-4)}` },
    ...(signingSecret !== undefined ? { signingSecretHint: `…${signingSecret.slice(-4)}` } : {}),
  };
}

/**
 * Everything the options page asks of the background besides saving: the view of the
 * configuration (tokens masked, with where each value comes from and which sites the browser
 * granted), testing an endpoint, testing an adapter on an open tab and the adapter builder.
 */
export function createOptionsService(deps: OptionsServiceDependencies) {
  async function view(configuration?: EffectiveConfiguration): Promise<OptionsView> {
    const effective = configuration ?? (await deps.configuration.current());
    const origins = [...new Set([...adapterOrigins(effective.adapters), ...effective.endpoints.map((endpoint) => new URL(endpoint.url).origin)])];
    const hostAccess: Record<string, boolean> = {};
    const accessPatterns: Record<string, string> = {};
    for (const origin of origins) {
      accessPatterns[origin] = originPattern(origin, deps.browserName);
      hostAccess[origin] = await deps.containsPermission(accessPatterns[origin]);
    }
    return {
      practice: { value: effective.practice, source: effective.sources.practice },
      users: effective.users.map((value) => ({ value, source: effective.sources.users[value.id] ?? 'saved' })),
      endpoints: effective.endpoints.map((value) => ({ value: endpointView(value), source: effective.sources.endpoints[value.id] ?? 'saved' })),
      ruleSets: effective.ruleSets.map((value) => ({
        value,
        source: effective.sources.ruleSets[value.id] ?? 'saved',
        enabled: !effective.disabledRuleSets.includes(value.id),
      })),
      adapters: effective.adapters.map((value) => ({ value, source: effective.sources.adapters[value.id] ?? 'saved' })),
      lockedSections: effective.lockedSections,
      problems: effective.problems,
      templates: deps.templates,
      hostAccess,
      watchedOrigins: await deps.watchedOrigins(),
      accessPatterns,
    };
  }

  return {
    view,

    /** Asks the endpoint for its CapabilityStatement (`GET <url>/metadata`), with its credentials. */
    async testEndpoint(id: string): Promise<EndpointTestResult | undefined> {
      const endpoint = (await deps.configuration.current()).endpoints.find((candidate) => candidate.id === id);
      if (!endpoint) return undefined;
      const url = `${endpoint.url.replace(/\/+$/, '')}/metadata`;
      let response: Response;
      try {
        response = await deps.fetch(url, {
          headers: {
            Accept: 'application/fhir+json',
            ...(endpoint.auth.scheme === 'bearer' ? { Authorization: `Bearer ${endpoint.auth.token}` } : {}),
          },
          redirect: 'error',
          signal: AbortSignal.timeout(ENDPOINT_TEST_TIMEOUT_MS),
        });
      } catch (error) {
        const name = error instanceof Error ? error.name : '';
        return { outcome: name === 'TimeoutError' ? 'timeout' : 'network', detail: error instanceof Error ? error.message : String(error) };
      }
      if (!response.ok) return { outcome: 'http', status: response.status, detail: `${response.status} ${response.statusText}`.trim() };
      try {
        const statement = (await response.json()) as { resourceType?: unknown; software?: { name?: unknown; version?: unknown }; fhirVersion?: unknown };
        if (statement.resourceType !== 'CapabilityStatement') throw new Error(`resourceType is ${String(statement.resourceType)}`);
        const software = [statement.software?.name, statement.software?.version].filter((part) => typeof part === 'string').join(' ');
        return {
          outcome: 'ok',
          status: response.status,
          ...(software ? { software } : {}),
          ...(typeof statement.fhirVersion === 'string' ? { fhirVersion: statement.fhirVersion } : {}),
          detail: `${response.status} ${response.statusText}`.trim(),
        };
      } catch (error) {
        return { outcome: 'not-fhir', status: response.status, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    /** Open tabs on a configured origin (only those the browser lets Vroegsignaal see). */
    async openTabs(origin: string): Promise<Array<{ tabId: number; title: string; url: string }>> {
      const tabs = await deps.queryTabs([originPattern(origin, deps.browserName)]);
      return tabs
        .filter((tab) => tab.id !== undefined && tab.url !== undefined && new URL(tab.url).origin === origin)
        .map((tab) => ({ tabId: tab.id!, title: tab.title ?? tab.url!, url: tab.url! }));
    },

    /** What an adapter (JSON text, not yet saved) finds on an open tab right now. */
    async probeTab(tabId: number, source: string): Promise<{ ok: true; findings: ProbeFindings } | { ok: false; problems: Problem[] }> {
      const json = parseJsonText(source);
      if (!json.ok) return json;
      const adapter = parsePageAdapter(json.value);
      if (!adapter.ok) return adapter;
      const configuration = await deps.configuration.current();
      const message: TabMessage = {
        type: 'adapter/probe',
        adapter: adapter.value,
        ruleSets: enabledRuleSets(configuration),
      };
      // A fresh probe each time: the page (and the extension, after an update) may have changed.
      await deps.injectProbeScript(tabId);
      const findings = (await deps.sendToTab(tabId, message)) as ProbeFindings;
      return { ok: true, findings };
    },

    /** Switches a tab into teach mode for the adapter builder. */
    async startTeaching(tabId: number): Promise<void> {
      await deps.session.set({ [TEACH_KEY]: { tabId, proposal: null } });
      await deps.injectTeachScript(tabId);
    },

    /** Only the tab that was switched into teach mode may hand in a proposal. */
    async receiveProposal(tabId: number | undefined, proposal: AdapterProposal): Promise<boolean> {
      const state = (await deps.session.get(TEACH_KEY))[TEACH_KEY] as { tabId: number } | undefined;
      if (!state || tabId === undefined || state.tabId !== tabId) return false;
      await deps.session.set({ [TEACH_KEY]: { tabId, proposal } });
      return true;
    },

    async teachingTab(): Promise<number | undefined> {
      const state = (await deps.session.get(TEACH_KEY))[TEACH_KEY] as { tabId: number } | undefined;
      return state?.tabId;
    },

    async proposal(): Promise<AdapterProposal | null> {
      const state = (await deps.session.get(TEACH_KEY))[TEACH_KEY] as { proposal: AdapterProposal | null } | undefined;
      return state?.proposal ?? null;
    },
  };
}

export type OptionsService = ReturnType<typeof createOptionsService>;
