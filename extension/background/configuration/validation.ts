import type { z } from 'zod';
import { formatPath, valueAtPath } from '../../../contract/referral-contract';
import type { ConfigurationSection, FileEndpointAuth, PracticeConfiguration, SocialTeamEndpoint } from '../../shared/configuration';
import type { Problem } from '../../shared/messages';
import type { PageAdapter } from '../../shared/page-adapter';
import type { RuleSet } from '../../shared/rule-set';
import { configurationFileSchema, itemSchemas, pageAdapterSchema, ruleSetSchema, sectionSchemas } from './schemas';

/** The most a configuration document may hold; anything larger is refused before it is looked at. */
export const DOCUMENT_LIMITS = {
  /** Bytes of JSON text (a rule set is a few KiB; a whole configuration some tens). */
  maxBytes: 512 * 1024,
  /** Levels of nesting: the formats need fewer than ten. */
  maxDepth: 16,
  /** Objects, arrays and values together. */
  maxNodes: 50_000,
  /** Characters in one string. */
  maxStringLength: 10_000,
};

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/**
 * Refuses a document that is too large or too deeply nested, before any schema runs over it, and says
 * where. Iterative, so a hostile document cannot exhaust the stack.
 */
export function documentLimitProblem(input: unknown): Problem | null {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: input, path: [] }];
  let nodes = 0;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    nodes += 1;
    if (nodes > DOCUMENT_LIMITS.maxNodes) return { path: '(root)', message: `is too large: more than ${DOCUMENT_LIMITS.maxNodes} values` };
    if (typeof value === 'string' && value.length > DOCUMENT_LIMITS.maxStringLength) {
      return { path: formatPath(path), message: `is too long: ${value.length} characters, at most ${DOCUMENT_LIMITS.maxStringLength}` };
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= DOCUMENT_LIMITS.maxDepth) return { path: formatPath(path), message: `is nested too deeply: more than ${DOCUMENT_LIMITS.maxDepth} levels` };
    if (Array.isArray(value)) value.forEach((child, index) => stack.push({ value: child, path: [...path, index] }));
    else for (const [key, child] of Object.entries(value)) stack.push({ value: child, path: [...path, key] });
  }
  return null;
}

/** Parses JSON text within the size limit; the problem says what is wrong and where. */
export function parseJsonText(source: string): Parsed<unknown> {
  const bytes = new TextEncoder().encode(source).length;
  if (bytes > DOCUMENT_LIMITS.maxBytes) {
    return { ok: false, problems: [{ path: '(root)', message: `the file is too large: ${Math.ceil(bytes / 1024)} KiB, at most ${DOCUMENT_LIMITS.maxBytes / 1024} KiB` }] };
  }
  try {
    return { ok: true, value: JSON.parse(source.replace(/^\uFEFF/, '')) };
  } catch (error) {
    return { ok: false, problems: [{ path: '(root)', message: `is not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] };
  }
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

/** Zod's issues as problems a person can act on: the path, then what is wrong in plain words. */
export function problemsFromZod(error: z.ZodError, input: unknown, prefix: readonly PropertyKey[] = []): Problem[] {
  const problems: Problem[] = [];
  for (const issue of error.issues) {
    const path = [...prefix, ...(issue.path as PropertyKey[])];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) problems.push({ path: formatPath([...path, key]), message: 'is not a known field (a typo?)' });
        break;
      case 'invalid_type': {
        const value = valueAtPath(input, issue.path as PropertyKey[]);
        problems.push({
          path: formatPath(path),
          message: value === undefined ? 'is required' : `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, not ${describeType(value)}`,
        });
        break;
      }
      case 'invalid_value':
        problems.push({
          path: formatPath(path),
          message:
            valueAtPath(input, issue.path as PropertyKey[]) === undefined
              ? 'is required'
              : issue.message.startsWith('Invalid')
                ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
                : issue.message,
        });
        break;
      case 'invalid_union':
        problems.push({ path: formatPath(path), message: 'does not match any of the allowed forms' });
        break;
      case 'too_small':
      case 'too_big':
        problems.push({ path: formatPath(path), message: issue.message.startsWith('Too') ? describeSize(issue) : issue.message });
        break;
      default:
        problems.push({ path: formatPath(path), message: issue.message });
    }
  }
  return problems;
}

function describeSize(issue: { code: 'too_small' | 'too_big'; origin: string; minimum?: number | bigint; maximum?: number | bigint }): string {
  const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
  if (issue.origin === 'string') return `must have ${bound} characters`;
  if (issue.origin === 'array') return `must have ${bound} items`;
  return `must be ${bound}`;
}


function parseWith<T>(schema: z.ZodType<T>, input: unknown, prefix: readonly PropertyKey[] = []): Parsed<T> {
  const limit = documentLimitProblem(input);
  if (limit) return { ok: false, problems: [limit] };
  const result = schema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, problems: problemsFromZod(result.error, input, prefix) };
}

/**
 * Validates an untrusted rule set. Never throws: a bad set comes back as problems naming their path
 * (e.g. `triggers.codes[3].code`), so the caller keeps the valid set it already has.
 */
export function parseRuleSet(input: unknown): Parsed<RuleSet> {
  return parseWith(ruleSetSchema, input);
}

/** Validates an untrusted page adapter, selectors included; never throws. */
export function parsePageAdapter(input: unknown): Parsed<PageAdapter> {
  return parseWith(pageAdapterSchema, input);
}

/** Validates one section of a configuration (as saved, or from policy); paths start at the section. */
export function parseSection<S extends ConfigurationSection>(section: S, input: unknown): Parsed<PracticeConfiguration[S]> {
  return parseWith(sectionSchemas[section] as unknown as z.ZodType<PracticeConfiguration[S]>, input, [section]);
}

/** Validates one user, endpoint, rule set or adapter on its own; paths start at the item. */
export function parseItem<S extends keyof typeof itemSchemas>(section: S, input: unknown): Parsed<PracticeConfiguration[S][number]> {
  return parseWith(itemSchemas[section] as unknown as z.ZodType<PracticeConfiguration[S][number]>, input);
}

/** A configuration file's sections: only those it has; a bearer endpoint may keep this browser's token. */
export type ConfigurationFile = Partial<Omit<PracticeConfiguration, 'endpoints'>> & {
  endpoints?: Array<Omit<SocialTeamEndpoint, 'auth'> & { auth: FileEndpointAuth }>;
};

/** Validates a configuration file (JSON text or parsed); all problems at once, every path from the file's root. */
export function parseConfigurationFile(input: unknown): Parsed<ConfigurationFile> {
  const parsed = parseWith(configurationFileSchema, input);
  if (!parsed.ok) return parsed;
  const { format: _format, version: _version, ...sections } = parsed.value;
  return { ok: true, value: sections as ConfigurationFile };
}
