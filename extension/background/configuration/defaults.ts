import adapterTemplatesFile from '../../../rules/adapter-templates.json';
import eenzaamheid from '../../../rules/eenzaamheid.rules.json';
import geldzorgen from '../../../rules/geldzorgen.rules.json';
import type { AdapterTemplate, PracticeConfiguration } from '../../shared/configuration';
import type { LocalizedText } from '../../shared/locale';
import { parsePageAdapter, parseRuleSet } from './validation';

/** The rule sets that ship with Vroegsignaal; example sets start switched off. */
const BUNDLED_RULE_SETS: Array<{ source: unknown; enabled: boolean }> = [
  { source: geldzorgen, enabled: true },
  { source: eenzaamheid, enabled: false },
];

/**
 * The bottom layer of configuration: the bundled rule sets and nothing else. A build for practices
 * watches no EHR and sends nowhere until an administrator (or policy) configures it. Throws when a
 * bundled file is invalid — a unit test keeps that from ever shipping.
 */
export function bundledDefaults(): PracticeConfiguration {
  const ruleSets = BUNDLED_RULE_SETS.map(({ source }) => {
    const parsed = parseRuleSet(source);
    if (!parsed.ok) throw new Error(`bundled rule set is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    return parsed.value;
  });
  return {
    practice: { name: '' },
    users: [],
    endpoints: [],
    ruleSets,
    disabledRuleSets: ruleSets.filter((_, index) => !BUNDLED_RULE_SETS[index]!.enabled).map((ruleSet) => ruleSet.id),
    adapters: [],
  };
}

/** The built-in adapters an administrator starts from, each checked as a complete adapter would be. */
export function adapterTemplates(): AdapterTemplate[] {
  return (adapterTemplatesFile.templates as Array<{ id: string; name: LocalizedText; description: LocalizedText; adapter: unknown }>).map((template) => {
    const parsed = parsePageAdapter({ id: template.id, name: template.name.nl, pages: [{ origin: 'https://his.example', pathPrefix: '/' }], ...(template.adapter as object) });
    if (!parsed.ok) throw new Error(`adapter template ${template.id} is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
    const { id: _id, name: _name, pages: _pages, ...adapter } = parsed.value;
    return { id: template.id, name: template.name, description: template.description, adapter };
  });
}
