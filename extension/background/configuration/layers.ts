import {
  CONFIGURATION_SECTIONS,
  type ConfigurationLayer,
  type ConfigurationProblem,
  type ConfigurationSection,
  type PracticeConfiguration,
} from '../../shared/configuration';
import { parseJsonText, parseSection } from './validation';

/** One layer as read from storage: only the sections that layer sets, each validated. */
export type LayerValues = Partial<PracticeConfiguration>;

/** The configuration in force, and for every part of it which layer it came from. */
export interface EffectiveConfiguration extends PracticeConfiguration {
  sources: {
    practice: ConfigurationLayer;
    disabledRuleSets: ConfigurationLayer;
    users: Record<string, ConfigurationLayer>;
    endpoints: Record<string, ConfigurationLayer>;
    ruleSets: Record<string, ConfigurationLayer>;
    adapters: Record<string, ConfigurationLayer>;
  };
  /** Sections browser policy sets: the options page shows them locked. */
  lockedSections: ConfigurationSection[];
  /** Layer sections that were invalid and therefore ignored as a whole. */
  problems: ConfigurationProblem[];
}

const LIST_SECTIONS = ['users', 'endpoints', 'ruleSets', 'adapters'] as const;
export type ListSection = (typeof LIST_SECTIONS)[number];

/**
 * Validates a stored layer section by section. A section with any problem is left out whole and
 * reported, so a broken value never half-applies and never takes the other sections down.
 * `raw` values from policy are JSON text (see extension/public/managed-schema.json).
 */
export function readLayer(layer: Exclude<ConfigurationLayer, 'default'>, raw: Record<string, unknown>): { values: LayerValues; problems: ConfigurationProblem[] } {
  const values: LayerValues = {};
  const problems: ConfigurationProblem[] = [];
  for (const [key, stored] of Object.entries(raw)) {
    if (!(CONFIGURATION_SECTIONS as readonly string[]).includes(key)) {
      problems.push({ layer, section: 'file', path: key, message: 'is not a configuration section; ignored' });
      continue;
    }
    const section = key as ConfigurationSection;
    let input: unknown = stored;
    if (layer === 'policy') {
      if (typeof stored !== 'string') {
        problems.push({ layer, section, path: section, message: 'must be JSON text in the policy; ignored' });
        continue;
      }
      const json = parseJsonText(stored);
      if (!json.ok) {
        problems.push(...json.problems.map((p) => ({ layer, section, path: section, message: p.message })));
        continue;
      }
      input = json.value;
    }
    const parsed = parseSection(section, input);
    if (parsed.ok) (values as Record<ConfigurationSection, unknown>)[section] = parsed.value;
    else problems.push(...parsed.problems.map((p) => ({ layer, section, ...p })));
  }
  return { values, problems };
}

/**
 * Layers the bundled defaults, what the administrator saved and browser policy, in that order. The
 * practice profile and the list of switched-off rule sets are taken whole from the highest layer
 * that sets them; lists of users, endpoints, rule sets and adapters are merged by id, a higher layer
 * replacing an item with the same id. Rule sets that policy provides are always on.
 */
export function mergeLayers(defaults: PracticeConfiguration, saved: LayerValues, policy: LayerValues): Omit<EffectiveConfiguration, 'problems'> {
  const layers: Array<[ConfigurationLayer, LayerValues]> = [
    ['default', defaults],
    ['saved', saved],
    ['policy', policy],
  ];
  const pickWhole = <S extends 'practice' | 'disabledRuleSets'>(section: S): [PracticeConfiguration[S], ConfigurationLayer] => {
    for (const [layer, values] of [...layers].reverse()) {
      const value = values[section];
      if (value !== undefined) return [value as PracticeConfiguration[S], layer];
    }
    return [defaults[section], 'default'];
  };
  const mergeList = <S extends ListSection>(section: S) => {
    const items = new Map<string, PracticeConfiguration[S][number]>();
    const sources: Record<string, ConfigurationLayer> = {};
    for (const [layer, values] of layers) {
      for (const item of (values[section] ?? []) as Array<PracticeConfiguration[S][number]>) {
        items.set(item.id, item);
        sources[item.id] = layer;
      }
    }
    return [[...items.values()] as PracticeConfiguration[S], sources] as const;
  };

  const [practice, practiceSource] = pickWhole('practice');
  const [disabled, disabledSource] = pickWhole('disabledRuleSets');
  const [users, userSources] = mergeList('users');
  const [endpoints, endpointSources] = mergeList('endpoints');
  const [ruleSets, ruleSetSources] = mergeList('ruleSets');
  const [adapters, adapterSources] = mergeList('adapters');
  return {
    practice,
    users,
    endpoints,
    ruleSets,
    disabledRuleSets: disabled.filter((id) => ruleSetSources[id] !== 'policy'),
    adapters,
    sources: {
      practice: practiceSource,
      disabledRuleSets: disabledSource,
      users: userSources,
      endpoints: endpointSources,
      ruleSets: ruleSetSources,
      adapters: adapterSources,
    },
    lockedSections: CONFIGURATION_SECTIONS.filter((section) => policy[section] !== undefined),
  };
}

/**
 * Warnings about parts that do not fit together (not errors: the administrator may be half-way),
 * each under the layer the part in question comes from.
 */
export function crossCheck(config: PracticeConfiguration & { sources: EffectiveConfiguration['sources'] }): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  const endpointIds = new Set(config.endpoints.map((endpoint) => endpoint.id));
  config.ruleSets.forEach((ruleSet, index) => {
    if (!config.disabledRuleSets.includes(ruleSet.id) && !endpointIds.has(ruleSet.referral.endpoint)) {
      problems.push({
        layer: config.sources.ruleSets[ruleSet.id] ?? 'saved',
        section: 'ruleSets',
        path: `ruleSets[${index}].referral.endpoint`,
        message: `rule set "${ruleSet.id}" sends to endpoint "${ruleSet.referral.endpoint}", which is not configured: its referrals cannot be sent`,
      });
    }
  });
  const origins = new Map<string, string>();
  for (const adapter of config.adapters) {
    for (const page of adapter.pages) {
      const key = `${page.origin}${page.pathPrefix}`;
      const other = origins.get(key);
      if (other && other !== adapter.id) {
        problems.push({
          layer: config.sources.adapters[adapter.id] ?? 'saved',
          section: 'adapters',
          path: 'adapters',
          message: `adapters "${other}" and "${adapter.id}" both claim ${key}; the first one wins`,
        });
      }
      origins.set(key, adapter.id);
    }
  }
  return problems;
}
