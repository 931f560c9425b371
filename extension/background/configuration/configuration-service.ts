import {
  CONFIGURATION_FILE_FORMAT,
  CONFIGURATION_FILE_VERSION,
  CONFIGURATION_SECTIONS,
  type ConfigurationLayer,
  type ConfigurationSection,
  type FileSocialTeamEndpoint,
  type PracticeConfiguration,
  type SocialTeamEndpoint,
} from '../../shared/configuration';
import type { Problem } from '../../shared/messages';
import { crossCheck, mergeLayers, readLayer, type EffectiveConfiguration, type LayerValues, type ListSection } from './layers';
import { parseConfigurationFile, parseItem, parseJsonText, parseSection, type ConfigurationFile, type Parsed } from './validation';

/** The storage areas configuration lives in: what the administrator saved, and browser policy. */
export interface ConfigurationStorage {
  local: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  /** `storage.managed`; rejects where the browser has no policy for the extension (Firefox without policies.json). */
  managed: { get(): Promise<Record<string, unknown>> };
}

export type ChangeResult = { ok: true; configuration: EffectiveConfiguration } | { ok: false; problems: Problem[] };

/** What an import would change, section by section, for the administrator to confirm. */
export interface ImportSummary {
  sections: ConfigurationSection[];
  ruleSets: string[];
  adapters: string[];
  endpoints: string[];
  /** Origins of the imported adapters and endpoints, which need the browser's permission. */
  origins: string[];
}

const SAVED_KEY = 'configuration';

/**
 * The one owner of configuration: reads the bundled defaults, what the administrator saved and
 * browser policy, validates each, and answers with the configuration in force. Every change goes
 * through here and is validated before anything is written; a refused change leaves what is saved
 * untouched. Writes are serialised, so two options pages cannot lose each other's changes.
 */
export function createConfigurationService(deps: {
  defaults: PracticeConfiguration;
  storage: ConfigurationStorage;
  /** Told after every change in force, whatever caused it (options page, policy update). */
  onChange?: (configuration: EffectiveConfiguration) => void;
}) {
  let cached: Promise<EffectiveConfiguration> | null = null;
  let writes: Promise<unknown> = Promise.resolve();

  async function readSaved(): Promise<{ values: LayerValues; problems: EffectiveConfiguration['problems'] }> {
    const stored = (await deps.storage.local.get(SAVED_KEY))[SAVED_KEY];
    return readLayer('saved', typeof stored === 'object' && stored !== null ? (stored as Record<string, unknown>) : {});
  }

  async function readPolicy(): Promise<{ values: LayerValues; problems: EffectiveConfiguration['problems'] }> {
    let raw: Record<string, unknown> = {};
    try {
      raw = await deps.storage.managed.get();
    } catch {
      // No policy for this extension in this browser: nothing to layer.
    }
    return readLayer('policy', raw);
  }

  async function load(): Promise<EffectiveConfiguration> {
    const [saved, policy] = await Promise.all([readSaved(), readPolicy()]);
    const merged = mergeLayers(deps.defaults, saved.values, policy.values);
    return { ...merged, problems: [...policy.problems, ...saved.problems, ...crossCheck(merged)] };
  }

  function current(): Promise<EffectiveConfiguration> {
    cached ??= load().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  }

  async function reload(): Promise<EffectiveConfiguration> {
    cached = null;
    const configuration = await current();
    deps.onChange?.(configuration);
    return configuration;
  }

  /** Runs `change` on the saved layer after the writes before it; writes and reloads when it answers with new values. */
  function changeSaved(change: (saved: LayerValues, effective: EffectiveConfiguration) => LayerValues | Problem[]): Promise<ChangeResult> {
    const run = async (): Promise<ChangeResult> => {
      const [{ values }, effective] = await Promise.all([readSaved(), current()]);
      const next = change(values, effective);
      if (Array.isArray(next)) return { ok: false, problems: next };
      await deps.storage.local.set({ [SAVED_KEY]: next });
      return { ok: true, configuration: await reload() };
    };
    const result = writes.then(run, run);
    writes = result.catch(() => {});
    return result;
  }

  const lockedProblem = (path: string): Problem => ({ path, message: 'is set by browser policy and cannot be changed here' });

  return {
    current,
    /** Reads every layer again (after a policy change). */
    reload,

    /** Replaces the practice profile, or the list of switched-off rule sets. */
    saveSection<S extends 'practice' | 'disabledRuleSets'>(section: S, input: unknown): Promise<ChangeResult> {
      return changeSaved((saved, effective) => {
        if (effective.lockedSections.includes(section)) return [lockedProblem(section)];
        const parsed = parseSection(section, input);
        if (!parsed.ok) return parsed.problems;
        return { ...saved, [section]: parsed.value };
      });
    },

    /**
     * Adds or replaces one user, endpoint, rule set or adapter (by id). An endpoint saved without a
     * token keeps the token already saved for it.
     */
    saveItem(section: ListSection, input: unknown): Promise<ChangeResult> {
      return changeSaved((saved, effective) => {
        const parsed = parseItem(section, keepEndpointToken(section, input, effective));
        if (!parsed.ok) return parsed.problems;
        const item = parsed.value;
        if (sourceOf(effective, section, item.id) === 'policy') return [lockedProblem(`${section}: ${item.id}`)];
        const list = ((saved[section] ?? []) as Array<{ id: string }>).filter((existing) => existing.id !== item.id);
        const check = parseSection(section, [...list, item]);
        return check.ok ? { ...saved, [section]: check.value } : check.problems;
      });
    },

    /** Removes one saved item. Bundled items cannot be removed (a rule set can be switched off instead). */
    removeItem(section: ListSection, id: string): Promise<ChangeResult> {
      return changeSaved((saved, effective) => {
        const source = sourceOf(effective, section, id);
        if (source === undefined) return [{ path: `${section}: ${id}`, message: 'does not exist' }];
        if (source === 'policy') return [lockedProblem(`${section}: ${id}`)];
        if (source === 'default') return [{ path: `${section}: ${id}`, message: 'comes with Vroegsignaal and cannot be removed; switch it off instead' }];
        return { ...saved, [section]: ((saved[section] ?? []) as Array<{ id: string }>).filter((item) => item.id !== id) };
      });
    },

    /** Checks a rule set or adapter (JSON text) without saving it: for the editor's live messages. */
    validateItem(section: 'ruleSets' | 'adapters', source: string): Parsed<{ id: string; name: string }> {
      const json = parseJsonText(source);
      if (!json.ok) return json;
      const parsed = parseItem(section, json.value);
      if (!parsed.ok) return parsed;
      const { id, name } = parsed.value;
      return { ok: true, value: { id, name: typeof name === 'string' ? name : name.nl } };
    },

    /** Switches a rule set on or off for this browser. */
    setRuleSetEnabled(id: string, enabled: boolean): Promise<ChangeResult> {
      return changeSaved((saved, effective) => {
        if (effective.lockedSections.includes('disabledRuleSets')) return [lockedProblem('disabledRuleSets')];
        const source = sourceOf(effective, 'ruleSets', id);
        if (source === undefined) return [{ path: `ruleSets: ${id}`, message: 'does not exist' }];
        if (source === 'policy') return [lockedProblem(`ruleSets: ${id}`)];
        const others = effective.disabledRuleSets.filter((disabled) => disabled !== id);
        return { ...saved, disabledRuleSets: enabled ? others : [...others, id] };
      });
    },

    /**
     * Checks a configuration file (JSON text) and, unless `dryRun`, applies it: each section in the file
     * replaces that saved section. All or nothing: one problem anywhere and nothing changes.
     */
    async importFile(source: string, options: { dryRun: boolean }): Promise<{ ok: true; summary: ImportSummary; configuration?: EffectiveConfiguration } | { ok: false; problems: Problem[] }> {
      const json = parseJsonText(source);
      if (!json.ok) return json;
      const parsed = parseConfigurationFile(json.value);
      if (!parsed.ok) return parsed;
      const file = parsed.value;
      const effective = await current();
      const problems: Problem[] = [];
      for (const section of CONFIGURATION_SECTIONS) {
        if (file[section] !== undefined && effective.lockedSections.includes(section)) problems.push(lockedProblem(section));
      }
      const endpoints = resolveFileTokens(file, effective, problems);
      if (problems.length > 0) return { ok: false, problems };
      const summary = summarise(file);
      if (options.dryRun) return { ok: true, summary };
      const result = await changeSaved((saved) => {
        const next: LayerValues = { ...saved };
        for (const section of CONFIGURATION_SECTIONS) {
          if (file[section] !== undefined) (next as Record<string, unknown>)[section] = section === 'endpoints' ? endpoints : file[section];
        }
        return next;
      });
      return result.ok ? { ok: true, summary, configuration: result.configuration } : result;
    },

    /** The configuration in force as a configuration file; bearer tokens and signing secrets only when asked for. */
    async exportFile(options: { includeTokens: boolean }): Promise<string> {
      const effective = await current();
      const file = {
        format: CONFIGURATION_FILE_FORMAT,
        version: CONFIGURATION_FILE_VERSION,
        practice: effective.practice,
        users: effective.users,
        endpoints: options.includeTokens ? effective.endpoints : effective.endpoints.map(withoutSecrets),
        ruleSets: effective.ruleSets,
        disabledRuleSets: effective.disabledRuleSets,
        adapters: effective.adapters,
      };
      return `${JSON.stringify(file, null, 2)}\n`;
    },
  };
}

export type ConfigurationService = ReturnType<typeof createConfigurationService>;

/**
 * Which layer an item comes from, or undefined when there is none. Own keys only: `sources` is a
 * plain object, and an id such as "constructor" would otherwise find Object.prototype's and pass as
 * an existing item (saving it into the list of switched-off rule sets, which then no longer validates).
 */
function sourceOf(effective: EffectiveConfiguration, section: ListSection, id: string): ConfigurationLayer | undefined {
  const sources = effective.sources[section];
  return Object.hasOwn(sources, id) ? sources[id] : undefined;
}

/**
 * An endpoint saved from the options page without its token or signing secret keeps the ones already
 * saved for it: the page never holds them.
 */
function keepEndpointToken(section: ListSection, input: unknown, effective: EffectiveConfiguration): unknown {
  if (section !== 'endpoints' || typeof input !== 'object' || input === null) return input;
  let endpoint = input as { id?: unknown; format?: unknown; auth?: { scheme?: unknown; token?: unknown }; signingSecret?: unknown };
  const saved = effective.endpoints.find((existing) => existing.id === endpoint.id);
  if (endpoint.auth?.scheme === 'bearer' && endpoint.auth.token === undefined && saved?.auth.scheme === 'bearer') {
    endpoint = { ...endpoint, auth: { scheme: 'bearer', token: saved.auth.token } };
  }
  if (endpoint.format === 'json-webhook' && endpoint.signingSecret === undefined && saved?.signingSecret !== undefined) {
    endpoint = { ...endpoint, signingSecret: saved.signingSecret };
  }
  return endpoint;
}

/** A file's endpoints with `keepToken` and `keepSigningSecret` replaced by what this browser has. */
function resolveFileTokens(file: ConfigurationFile, effective: EffectiveConfiguration, problems: Problem[]): SocialTeamEndpoint[] | undefined {
  return file.endpoints?.map((endpoint, index) => {
    const { auth, keepSigningSecret, ...rest } = endpoint;
    const saved = effective.endpoints.find((existing) => existing.id === endpoint.id);
    let resolved = rest as SocialTeamEndpoint;
    if (auth.scheme === 'bearer' && 'keepToken' in auth) {
      if (saved?.auth.scheme === 'bearer') resolved = { ...resolved, auth: { scheme: 'bearer', token: saved.auth.token } };
      else problems.push({ path: `endpoints[${index}].auth`, message: `this browser has no token for endpoint "${endpoint.id}" to keep; put the token in the file` });
    } else {
      resolved = { ...resolved, auth };
    }
    if (keepSigningSecret) {
      if (saved?.signingSecret !== undefined) resolved = { ...resolved, signingSecret: saved.signingSecret };
      else problems.push({ path: `endpoints[${index}].keepSigningSecret`, message: `this browser has no signing secret for endpoint "${endpoint.id}" to keep; put the signingSecret in the file` });
    }
    return resolved;
  });
}

/** An endpoint as an export without secrets writes it: what to keep instead of the token and the signing secret. */
function withoutSecrets(endpoint: SocialTeamEndpoint): FileSocialTeamEndpoint {
  const { auth, signingSecret, ...rest } = endpoint;
  return {
    ...rest,
    auth: auth.scheme === 'bearer' ? { scheme: 'bearer', keepToken: true } : auth,
    ...(signingSecret !== undefined ? { keepSigningSecret: true as const } : {}),
  };
}

function summarise(file: ConfigurationFile): ImportSummary {
  const origins = new Set<string>();
  for (const adapter of file.adapters ?? []) for (const page of adapter.pages) origins.add(page.origin);
  for (const endpoint of file.endpoints ?? []) origins.add(new URL(endpoint.url).origin);
  return {
    sections: CONFIGURATION_SECTIONS.filter((section) => file[section] !== undefined),
    ruleSets: (file.ruleSets ?? []).map((ruleSet) => ruleSet.id),
    adapters: (file.adapters ?? []).map((adapter) => adapter.id),
    endpoints: (file.endpoints ?? []).map((endpoint) => endpoint.id),
    origins: [...origins],
  };
}
