import type { z } from 'zod';
import { formatPath, valueAtPath } from '../../../contract/referral-contract';
import type { ConfigurationSection, FileSocialTeamEndpoint, PracticeConfiguration } from '../../shared/configuration';
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

/** A field name that reads as itself in a path; anything else is quoted there. */
const PLAIN_FIELD_NAME = /^[A-Za-z_$][\w$-]*$/;

/**
 * `formatPath`, with field names that are not plain words quoted and their invisible and
 * direction-changing characters escaped: an unknown field may be named " " or "\u202E…", and the
 * path must still say where the problem is, visibly and in order.
 */
function pathText(path: readonly PropertyKey[]): string {
  return formatPath(
    path.map((segment) =>
      typeof segment !== 'string' || PLAIN_FIELD_NAME.test(segment)
        ? segment
        : JSON.stringify(segment).replace(/[\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
    ),
  );
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/**
 * Refuses a document that is too large or too deeply nested, before any schema runs over it, and says
 * where. Iterative, so a hostile document cannot exhaust the stack.
 */
export function documentLimitProblem(input: unknown): Problem | null {
  const stack: Array<{ value: unknown; path: PropertyKey[] }> = [{ value: input, path: [] }];
  const tooLarge: Problem = { path: '(root)', message: `is too large: more than ${DOCUMENT_LIMITS.maxNodes} values` };
  // Counted as they are found, not as they are visited: a list of a million items is refused before
  // a million paths are built for it.
  let nodes = 1;
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string' && value.length > DOCUMENT_LIMITS.maxStringLength) {
      return { path: pathText(path), message: `is too long: ${value.length} characters, at most ${DOCUMENT_LIMITS.maxStringLength}` };
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= DOCUMENT_LIMITS.maxDepth) return { path: pathText(path), message: `is nested too deeply: more than ${DOCUMENT_LIMITS.maxDepth} levels` };
    nodes += Array.isArray(value) ? value.length : Object.keys(value).length;
    if (nodes > DOCUMENT_LIMITS.maxNodes) return tooLarge;
    const children: Array<[PropertyKey, unknown]> = Array.isArray(value) ? value.map((child, index) => [index, child]) : Object.entries(value);
    for (const [key, child] of children) {
      // A field name is a string too; an unbounded one would end up whole in a problem's path.
      if (typeof key === 'string' && key.length > DOCUMENT_LIMITS.maxStringLength) {
        return { path: pathText(path), message: `has a field name that is too long: ${key.length} characters, at most ${DOCUMENT_LIMITS.maxStringLength}` };
      }
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/** Parses JSON text within the size limit; the problem says what is wrong and where. */
export function parseJsonText(source: string): Parsed<unknown> {
  // Callers pass message bodies; a non-string must be a plain refusal, not a TypeError's wording.
  if (typeof source !== 'string') return { ok: false, problems: [{ path: '(root)', message: `must be JSON text, not ${describeType(source)}` }] };
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
        for (const key of issue.keys) problems.push({ path: pathText([...path, key]), message: 'is not a known field (a typo?)' });
        break;
      case 'invalid_type': {
        const value = valueAtPath(input, issue.path as PropertyKey[]);
        problems.push({
          path: pathText(path),
          message: value === undefined ? 'is required' : `must be ${issue.expected === 'array' ? 'a list' : issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, not ${describeType(value)}`,
        });
        break;
      }
      case 'invalid_value':
        problems.push({
          path: pathText(path),
          message:
            valueAtPath(input, issue.path as PropertyKey[]) === undefined
              ? 'is required'
              : issue.message.startsWith('Invalid')
                ? `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`
                : issue.message,
        });
        break;
      case 'invalid_union':
        problems.push({ path: pathText(path), message: 'does not match any of the allowed forms' });
        break;
      case 'too_small':
      case 'too_big':
        problems.push({ path: pathText(path), message: issue.message.startsWith('Too') ? describeSize(issue) : issue.message });
        break;
      default:
        problems.push({ path: pathText(path), message: issue.message });
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
  endpoints?: FileSocialTeamEndpoint[];
};

/** Validates a configuration file (JSON text or parsed); all problems at once, every path from the file's root. */
export function parseConfigurationFile(input: unknown): Parsed<ConfigurationFile> {
  const parsed = parseWith(configurationFileSchema, input);
  if (!parsed.ok) return parsed;
  const { format: _format, version: _version, ...sections } = parsed.value;
  return { ok: true, value: sections as ConfigurationFile };
}
