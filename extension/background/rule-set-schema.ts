import { z } from 'zod';
import { formatPath, LIFE_DOMAINS } from '../../contract/referral-contract';
import type { Problem } from '../shared/messages';
import type { RuleSet } from '../shared/rule-set';
import type { Exactly } from '../shared/type-checks';

// Zod lives in the background only; other contexts import the RuleSet type, never this schema.

const localizedText = z.object({ nl: z.string().min(1), en: z.string().min(1) }).strict();
const icpcCode = z.string().regex(/^[A-Z]\d{2}$/, 'must be a three-character ICPC code such as N01');

export const ruleSetSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes'),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0'),
    name: localizedText,
    triggers: z
      .object({
        codes: z.array(z.object({ code: icpcCode, title: localizedText }).strict()),
        codePrefixes: z
          .array(z.object({ prefix: z.string().regex(/^[A-Z]\d?$/, 'must be a chapter letter with at most one digit'), title: localizedText }).strict())
          .default([]),
        terms: z.array(z.object({ term: z.string().trim().min(3), locale: z.enum(['nl', 'en']) }).strict()).default([]),
      })
      .strict()
      .refine((t) => t.codes.length + t.codePrefixes.length + t.terms.length > 0, 'needs at least one code, prefix or term'),
    questions: z
      .array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/), text: localizedText }).strict())
      .min(1)
      .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, 'question ids must be unique'),
    positiveWhen: z.object({ minYes: z.number().int().min(1) }).strict(),
    consentStatement: localizedText,
    referral: z
      .object({
        recipient: z.object({ name: z.string().min(1) }).strict(),
        serviceText: localizedText,
        defaultLifeDomains: z.array(z.enum(LIFE_DOMAINS)).min(1),
        includeDiagnosisCodes: z.boolean().default(false),
      })
      .strict(),
  })
  .strict()
  .refine((r) => r.positiveWhen.minYes <= r.questions.length, {
    message: 'minYes cannot exceed the number of questions',
    path: ['positiveWhen', 'minYes'],
  });

const schemaMatchesType: Exactly<z.output<typeof ruleSetSchema>, RuleSet> = true;
void schemaMatchesType;

export type RuleSetParseResult = { ok: true; ruleSet: RuleSet } | { ok: false; problems: Problem[] };

/**
 * Validates untrusted rule-set JSON. Never throws: a bad set comes back as a list of problems naming
 * their path (e.g. `questions[1].text.en`), so the caller can keep the valid set it already has.
 */
export function parseRuleSet(input: unknown): RuleSetParseResult {
  const result = ruleSetSchema.safeParse(input);
  if (result.success) return { ok: true, ruleSet: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })),
  };
}
