import { render, screen, waitFor } from '@testing-library/preact';
import type { BackgroundClient, PageRequest } from '../../extension/pages/background-client';
import type { OptionsDependencies } from '../../extension/pages/options/dependencies';
import type { HostAccess } from '../../extension/pages/options/host-access';
import { OptionsApp } from '../../extension/pages/options/OptionsApp';
import type { AdapterTemplate } from '../../extension/shared/configuration';
import { translatorFromBundle } from '../../extension/shared/i18n';
import type { EndpointView, OptionsView, Response } from '../../extension/shared/messages';
import { originPattern, type PageAdapter } from '../../extension/shared/page-adapter';
import type { RuleSet } from '../../extension/shared/rule-set';
import en from '../../extension/public/_locales/en/messages.json';
import nl from '../../extension/public/_locales/nl/messages.json';
import templatesFile from '../../rules/adapter-templates.json';
import eenzaamheidRules from '../../rules/eenzaamheid.rules.json';
import geldzorgenRules from '../../rules/geldzorgen.rules.json';

// The options page as an administrator meets it, with a fake background and a fake browser
// permission prompt; shared by the options-page tests and the security suite's bidi tests.

export const geldzorgen = geldzorgenRules as unknown as RuleSet;
export const eenzaamheid = eenzaamheidRules as unknown as RuleSet;
export const GELDZORGEN = geldzorgen.name.nl;
export const templates = templatesFile.templates as unknown as AdapterTemplate[];

export const EHR = 'https://his.voorbeeld.nl';
export const RECEIVER = 'https://fhir.wijkteam.voorbeeld.nl';

export function baseView(overrides: Partial<OptionsView> = {}): OptionsView {
  return {
    practice: { value: { name: 'Huisartsenpraktijk Voorbeeld' }, source: 'saved' },
    users: [],
    endpoints: [],
    ruleSets: [
      { value: geldzorgen, source: 'default', enabled: true },
      { value: eenzaamheid, source: 'default', enabled: false },
    ],
    adapters: [],
    lockedSections: [],
    problems: [],
    templates,
    hostAccess: {},
    watchedOrigins: [],
    accessPatterns: {},
    ...overrides,
  };
}

export function endpoint(overrides: Partial<EndpointView> = {}): EndpointView {
  return { id: 'sociaal-wijkteam', name: 'Sociaal wijkteam Maastricht', url: `${RECEIVER}/r4`, format: 'fhir-r4', auth: { scheme: 'none' }, ...overrides };
}

export function adapter(id: string, origin: string, name = `EHR ${id}`): PageAdapter {
  return { id, name, pages: [{ origin, pathPrefix: '/' }], scan: { include: ['#consult'], exclude: [] } };
}

export type Handlers = { [K in PageRequest['type']]?: (message: Extract<PageRequest, { type: K }>) => Response<unknown> };

/** Mounts the page against a fake background; `log` records requests and permission prompts in order. */
export async function mount(view: OptionsView, handlers: Handlers = {}, options: { grant?: boolean; locale?: 'nl' | 'en'; files?: Record<string, string> } = {}) {
  const log: string[] = [];
  const sent: PageRequest[] = [];
  const requests: string[][] = [];
  const removals: string[][] = [];
  const client: BackgroundClient = {
    send: (async (message: PageRequest) => {
      sent.push(message);
      log.push(`send ${message.type}`);
      const handler = handlers[message.type] as ((m: PageRequest) => Response<unknown>) | undefined;
      if (handler) return handler(message);
      if (message.type === 'options/validate-item') return { ok: true, data: { id: 'x', name: 'x' } };
      if (message.type === 'options/open-tabs') return { ok: true, data: [] };
      return { ok: true, data: view };
    }) as BackgroundClient['send'],
  };
  const hostAccess: HostAccess = {
    request(origins) {
      requests.push([...origins]);
      log.push(`request ${origins.join(' ')}`);
      return Promise.resolve(options.grant ?? true);
    },
    remove(origins) {
      removals.push([...origins]);
      return Promise.resolve(true);
    },
    patternFor: (origin) => originPattern(origin, 'chrome'),
    onChange: () => () => {},
  };
  const locale = options.locale ?? 'nl';
  const deps: OptionsDependencies = {
    client,
    hostAccess,
    t: translatorFromBundle(locale === 'nl' ? nl : en),
    locale,
    readFile: async (file) => options.files?.[file.name] ?? '',
    download: (fileName, text) => void log.push(`download ${fileName} ${text.length}`),
    // Debounce and polling without waiting: the order of events stays as in the browser.
    timers: { setTimeout: (callback) => setTimeout(callback, 0), clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>) },
  };
  render(<OptionsApp deps={deps} />);
  await screen.findByRole('heading', { level: 2, name: locale === 'nl' ? 'Praktijk' : 'Practice' });
  // The audit log's section asks for this workstation once it is shown: let that pass before the test acts.
  await waitFor(() => {
    if (!sent.some((message) => message.type === 'options/audit-info')) throw new Error('the audit section has not asked yet');
  });
  return { log, sent, requests, removals };
}

