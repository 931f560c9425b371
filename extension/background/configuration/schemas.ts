import { z } from 'zod';
import {
  AGB_PATTERN,
  ICPC_CHAPTERS,
  ICPC_CODE_PATTERN,
  LIFE_DOMAINS,
  SDOH_CATEGORIES,
  type SdohCategory,
} from '../../../contract/referral-contract';
import type {
  PracticeConfiguration,
  PracticeProfile,
  PracticeUser,
  SocialTeamEndpoint,
} from '../../shared/configuration';
import { CONFIGURATION_FILE_FORMAT, CONFIGURATION_FILE_VERSION, ENDPOINT_FORMATS, RETENTION_LIMITS } from '../../shared/configuration';
import { LOCALES } from '../../shared/locale';
import { foldText } from '../../shared/rule-engine';
import type { PageAdapter } from '../../shared/page-adapter';
import type { RuleSet } from '../../shared/rule-set';
import { checkEhrOrigin, checkEndpointUrl } from '../../shared/addresses';
import type { Exactly } from '../../shared/type-checks';
import { MAX_SELECTOR_LENGTH, selectorProblem } from './selector-syntax';

// The formats of everything a practice configures, as the background checks them. Objects are
// strict: an unknown field is reported (a typo must not silently switch something off). Every
// list and string has a ceiling, so no configuration can make the extension slow.

const ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const id = (what: string) => z.string().regex(ID, `${what} must be lowercase letters, digits and dashes (at most 64), such as "sociaal-wijkteam"`);
const text = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const localizedText = (max: number) => z.strictObject({ nl: text(max), en: text(max) });
const locale = z.enum(LOCALES);

const icpcCode = z.string().refine((value) => ICPC_CODE_PATTERN.test(value), {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not an ICPC-1 code (a chapter letter and two digits, with an optional two-digit NHG subcode: N01, L03.01)`,
});

const codeRange = z.string().superRefine((value, ctx) => {
  const match = /^([A-Z]\d{2})-([A-Z]\d{2})$/.exec(value);
  if (!match || !ICPC_CODE_PATTERN.test(match[1]!) || !ICPC_CODE_PATTERN.test(match[2]!)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} is not a range of ICPC-1 codes such as P01-P03` });
  } else if (match[1]![0] !== match[2]![0]) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} crosses chapters; a range stays within one chapter` });
  } else if (match[1]! > match[2]!) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(value)} runs backwards; write the lower code first` });
  }
});

const phrase = z
  .string()
  .max(100, 'must be at most 100 characters')
  .superRefine((value, ctx) => {
    if (value.trim().length < 3) ctx.addIssue({ code: 'custom', message: 'must have at least 3 characters besides spaces' });
    // The rule engine matches folded text: a phrase of accent marks alone folds to nothing, and an
    // empty phrase would match at every word boundary of every page.
    else if (foldText(value).trim().length < 3) ctx.addIssue({ code: 'custom', message: 'must have at least 3 characters besides spaces and accent marks' });
  });

const uniqueBy = <T>(items: readonly T[], key: (item: T) => string, ctx: z.RefinementCtx, what: string, field: string) => {
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const value = key(item);
    const first = seen.get(value);
    if (first === undefined) seen.set(value, index);
    else ctx.addIssue({ code: 'custom', path: [index, field], message: `${what} ${JSON.stringify(value)} is already used at [${first}]` });
  });
};

export const ruleSetSchema = z
  .strictObject({
    id: id('a rule set id'),
    version: z.string().regex(/^\d{1,4}\.\d{1,4}\.\d{1,4}$/, 'must be a version such as 1.0.0'),
    name: localizedText(200),
    description: localizedText(2000).optional(),
    triggers: z
      .strictObject({
        codes: z
          .array(
            z.strictObject({
              code: icpcCode,
              title: localizedText(200),
              names: z.strictObject({ nl: z.array(phrase).max(50).optional(), en: z.array(phrase).max(50).optional() }).optional(),
            }),
          )
          .max(500, 'at most 500 codes')
          .superRefine((codes, ctx) => uniqueBy(codes, (c) => c.code, ctx, 'code', 'code')),
        codePrefixes: z
          .array(
            z.strictObject({
              prefix: z.string().regex(new RegExp(`^[${ICPC_CHAPTERS}]\\d?$`), 'must be an ICPC-1 chapter letter, optionally with one digit (P, P0)'),
              title: localizedText(200),
            }),
          )
          .max(100, 'at most 100 prefixes')
          .default([]),
        codeRanges: z.array(z.strictObject({ range: codeRange, title: localizedText(200) })).max(100, 'at most 100 ranges').default([]),
        terms: z.array(z.strictObject({ term: phrase, locale })).max(500, 'at most 500 terms').default([]),
      })
      .refine((t) => t.codes.length + t.codePrefixes.length + t.codeRanges.length + t.terms.length > 0, 'needs at least one code, prefix, range or term'),
    lookIn: z.enum(['consult', 'consult-and-history']).default('consult'),
    recurrence: z
      .strictObject({
        minEpisodes: z.number().int().min(1).max(20),
        withinMonths: z.number().int().min(1).max(60),
      })
      .optional(),
    questions: z
      .array(z.strictObject({ id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes'), text: localizedText(500) }))
      .min(1, 'needs at least one question')
      .max(10, 'at most 10 questions')
      .superRefine((questions, ctx) => uniqueBy(questions, (q) => q.id, ctx, 'question id', 'id')),
    positiveWhen: z.strictObject({ minYes: z.number().int().min(1, 'must be at least 1') }),
    cooldownDays: z.number().int().min(0).max(3650, 'at most 3650 days').default(0),
    consentStatement: localizedText(2000),
    referral: z.strictObject({
      endpoint: id('an endpoint id'),
      category: z.enum(Object.keys(SDOH_CATEGORIES) as [SdohCategory, ...SdohCategory[]]),
      serviceText: localizedText(300),
      defaultLifeDomains: z
        .array(z.enum(LIFE_DOMAINS))
        .min(1, 'needs at least one life domain')
        .superRefine((domains, ctx) => uniqueBy(domains, (d) => d, ctx, 'life domain', 'domain')),
      includeDiagnosisCodes: z.boolean().default(false),
    }),
  })
  .superRefine((ruleSet, ctx) => {
    if (ruleSet.positiveWhen.minYes > ruleSet.questions.length) {
      ctx.addIssue({ code: 'custom', path: ['positiveWhen', 'minYes'], message: `cannot exceed the number of questions (${ruleSet.questions.length})` });
    }
  });

// `abort`: an over-long selector is refused for its length alone, so the syntax check below only
// ever parses short strings (its cost grows faster than the length).
const selector = z.string().max(MAX_SELECTOR_LENGTH, { message: `must be at most ${MAX_SELECTOR_LENGTH} characters`, abort: true }).superRefine((value, ctx) => {
  const problem = selectorProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const attributeName = z.string().regex(/^[a-z][a-z0-9_.:-]{0,63}$/i, 'must be an attribute name such as data-patient-id');

/** An EHR origin exactly as written (no trailing slash, no path): see shared/addresses.ts. */
function isAllowedOrigin(value: string): boolean {
  const checked = checkEhrOrigin(value);
  return checked.ok && checked.origin === value;
}

const urlKeyTemplate = z.string().superRefine((value, ctx) => {
  const segments = value.split('/').filter(Boolean);
  if (!value.startsWith('/') || segments.filter((s) => s === '{key}').length !== 1 || segments.some((s) => s !== '{key}' && /[{}]/.test(s))) {
    ctx.addIssue({ code: 'custom', message: 'must be a path with one {key} segment, such as /app/patients/{key}/chart' });
  }
});

export const pageAdapterSchema = z.strictObject({
  id: id('an adapter id'),
  name: text(100),
  pages: z
    .array(
      z.strictObject({
        origin: z.string().refine(isAllowedOrigin, 'must be an https origin such as https://his.example:8443 (http only for localhost and 127.0.0.1), without a path'),
        pathPrefix: z.string().max(200).startsWith('/', 'must start with /'),
      }),
    )
    .min(1, 'needs at least one page')
    .max(20, 'at most 20 pages'),
  languages: z
    .array(locale)
    .min(1)
    .superRefine((languages, ctx) => uniqueBy(languages, (l) => l, ctx, 'language', 'language'))
    .optional(),
  patient: z
    .strictObject({
      banner: selector.optional(),
      keyAttribute: attributeName.optional(),
      key: selector.optional(),
      keyFromUrl: urlKeyTemplate.optional(),
      name: selector.optional(),
      phone: selector.optional(),
      birthDate: selector.optional(),
    })
    .superRefine((patient, ctx) => {
      const ways = [patient.keyAttribute, patient.key, patient.keyFromUrl].filter((way) => way !== undefined).length;
      if (ways !== 1) ctx.addIssue({ code: 'custom', message: 'needs exactly one of keyAttribute, key or keyFromUrl to tell patients apart' });
      if (patient.keyAttribute !== undefined && patient.banner === undefined) {
        ctx.addIssue({ code: 'custom', path: ['keyAttribute'], message: 'is read from the banner, so banner is needed too' });
      }
    })
    .optional(),
  practitioner: z.strictObject({ root: selector, name: selector.optional(), agbAttribute: attributeName.optional() }).optional(),
  scan: z.strictObject({
    include: z.array(selector).max(20),
    exclude: z.array(selector).max(20),
    diagnoses: z.array(selector).max(20).optional(),
    attributes: z.array(attributeName).max(10).optional(),
  }),
  history: z
    .strictObject({ regions: z.array(selector).min(1).max(10), item: selector.optional(), date: selector.optional() })
    .refine((history) => history.date === undefined || history.item !== undefined, { message: 'date is read within an item, so item is needed too', path: ['date'] })
    .optional(),
});

/**
 * Exactly as written: `checkEndpointUrl` trims, but the URL is stored untrimmed, and `new URL` keeps
 * characters such as U+00A0 that `trim()` removes, so a padded URL would pass here and throw later.
 */
function isAllowedEndpointUrl(value: string): boolean {
  const checked = checkEndpointUrl(value);
  return checked.ok && checked.url === value;
}

const bearerToken = z.string().regex(/^[\x21-\x7e]{8,4096}$/, 'must be 8 to 4096 printable characters without spaces');
/** Long enough that it cannot be guessed: an HMAC key, not a password. */
const signingSecret = z.string().regex(/^[\x21-\x7e]{32,4096}$/, 'must be 32 to 4096 printable characters without spaces (for example: openssl rand -hex 32)');
const endpointFields = {
  id: id('an endpoint id'),
  name: text(100),
  url: z
    .string()
    .max(500)
    .refine(
      isAllowedEndpointUrl,
      'must be an https URL such as https://fhir.sociaalteam.example/r4 (a FHIR server\'s base URL, or the full URL of a JSON webhook; http only for localhost), without user, query, fragment or spaces around it',
    ),
  format: z.enum(ENDPOINT_FORMATS, 'must be "fhir-r4" or "json-webhook"').default('fhir-r4'),
};

/**
 * A JSON webhook signs every request and authenticates with a bearer token; a FHIR endpoint does
 * not sign, so a secret there would sit unused where an administrator thinks it protects something.
 */
function checkEndpointSecrets(
  endpoint: { format: string; auth: { scheme: string }; signingSecret?: string; keepSigningSecret?: true },
  ctx: z.RefinementCtx,
): void {
  const hasSecret = endpoint.signingSecret !== undefined || endpoint.keepSigningSecret !== undefined;
  if (endpoint.format === 'json-webhook') {
    if (endpoint.auth.scheme !== 'bearer') ctx.addIssue({ code: 'custom', path: ['auth'], message: 'a json-webhook endpoint needs bearer authentication (the token the social team gave the practice)' });
    if (!hasSecret) ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: 'a json-webhook endpoint needs a signingSecret to sign its requests with' });
  } else if (hasSecret) {
    ctx.addIssue({ code: 'custom', path: ['signingSecret'], message: 'only a json-webhook endpoint signs its requests; leave signingSecret out for fhir-r4' });
  }
  if (endpoint.signingSecret !== undefined && endpoint.keepSigningSecret !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['keepSigningSecret'], message: 'needs either a signingSecret or "keepSigningSecret": true, not both' });
  }
}

export const endpointSchema = z
  .strictObject({
    ...endpointFields,
    auth: z
      .discriminatedUnion('scheme', [z.strictObject({ scheme: z.literal('none') }), z.strictObject({ scheme: z.literal('bearer'), token: bearerToken })])
      .default({ scheme: 'none' }),
    signingSecret: signingSecret.optional(),
  })
  .superRefine(checkEndpointSecrets);

/**
 * An endpoint in a configuration file, where a bearer token or a webhook's signing secret may be left
 * out to keep the one this browser has.
 */
const fileEndpointSchema = z
  .strictObject({
    ...endpointFields,
    auth: z
      .discriminatedUnion('scheme', [
        z.strictObject({ scheme: z.literal('none') }),
        z
          .strictObject({ scheme: z.literal('bearer'), token: bearerToken.optional(), keepToken: z.literal(true).optional() })
          .refine((auth) => (auth.token === undefined) !== (auth.keepToken === undefined), 'needs either a token or "keepToken": true'),
      ])
      .default({ scheme: 'none' }),
    signingSecret: signingSecret.optional(),
    keepSigningSecret: z.literal(true).optional(),
  })
  .superRefine(checkEndpointSecrets);

const retentionTerm = (limits: { min: number; max: number }, unit: string) =>
  z
    .number()
    .int(`must be a whole number of ${unit}`)
    .min(limits.min, `must be at least ${limits.min} ${unit}`)
    .max(limits.max, `must be at most ${limits.max} ${unit}`);

export const practiceSchema = z.strictObject({
  name: z.string().max(200, 'must be at most 200 characters'),
  agb: z.string().regex(AGB_PATTERN, 'must be an AGB code of eight digits').optional(),
  retention: z
    .strictObject({
      personalDataDays: retentionTerm(RETENTION_LIMITS.personalDataDays, 'days').optional(),
      auditLogYears: retentionTerm(RETENTION_LIMITS.auditLogYears, 'years').optional(),
    })
    .optional(),
});

export const userSchema = z.strictObject({
  id: id('a user id'),
  name: text(200),
  role: z.enum(['gp', 'assistant']),
  agb: z.string().regex(AGB_PATTERN, 'must be an AGB code of eight digits').optional(),
});

const listOf = <T extends z.ZodType<{ id: string }>>(item: T, what: string, max: number) =>
  z
    .array(item)
    .max(max, `at most ${max} ${what}s`)
    .superRefine((items, ctx) => uniqueBy(items, (i) => (i as { id: string }).id, ctx, `${what} id`, 'id'));

/** Each section of a configuration, checked on its own so one broken section never takes others down. */
export const sectionSchemas = {
  practice: practiceSchema,
  users: listOf(userSchema, 'user', 50),
  endpoints: listOf(endpointSchema, 'endpoint', 20),
  ruleSets: listOf(ruleSetSchema, 'rule set', 20),
  disabledRuleSets: z.array(id('a rule set id')).max(20),
  adapters: listOf(pageAdapterSchema, 'adapter', 20),
} as const;

/** A configuration file: what the options page exports and imports, and what `npm run policy` turns into browser policy. */
export const configurationFileSchema = z.strictObject({
  format: z.literal(CONFIGURATION_FILE_FORMAT, `must be "${CONFIGURATION_FILE_FORMAT}"`),
  version: z.literal(CONFIGURATION_FILE_VERSION, `must be ${CONFIGURATION_FILE_VERSION}`),
  practice: sectionSchemas.practice.optional(),
  users: sectionSchemas.users.optional(),
  endpoints: listOf(fileEndpointSchema, 'endpoint', 20).optional(),
  ruleSets: sectionSchemas.ruleSets.optional(),
  disabledRuleSets: sectionSchemas.disabledRuleSets.optional(),
  adapters: sectionSchemas.adapters.optional(),
});

/** One item of each list section, validated alone (paths start at the item). */
export const itemSchemas = {
  users: userSchema,
  endpoints: endpointSchema,
  ruleSets: ruleSetSchema,
  adapters: pageAdapterSchema,
} as const;

// Each schema must describe exactly the type every other context imports.
const checks: [
  Exactly<z.output<typeof ruleSetSchema>, RuleSet>,
  Exactly<z.output<typeof pageAdapterSchema>, PageAdapter>,
  Exactly<z.output<typeof endpointSchema>, SocialTeamEndpoint>,
  Exactly<z.output<typeof practiceSchema>, PracticeProfile>,
  Exactly<z.output<typeof userSchema>, PracticeUser>,
  Exactly<{ [K in keyof typeof sectionSchemas]: z.output<(typeof sectionSchemas)[K]> }, PracticeConfiguration>,
] = [true, true, true, true, true, true];
void checks;
