import { z } from 'zod';
import { AGB_PATTERN, CALL_MOMENTS, LIFE_DOMAINS, NOTE_MAX_LENGTH } from '../../contract/referral-contract';
import type { ContentRequest, OptionsRequest, RequestMessage, SharedRequest, SidebarRequest } from '../shared/messages';
import type { Exactly } from '../shared/type-checks';

// The protocol's bodies as the background checks them. Every sender is untrusted: a content script
// runs next to a page that may have tampered with what it sends. Configuration arrives here as
// `unknown` (or JSON text) and is validated by the configuration service, which owns its format.

const ruleSetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
const adapterId = ruleSetId;
const patientKey = z.string().trim().min(1).max(200);
const answer = z.enum(['yes', 'no', 'not-asked']);
const triggerSummary = z.union([
  z.strictObject({ kind: z.literal('code'), baseCode: z.string().regex(/^[A-Z]\d{2}$/) }),
  z.strictObject({ kind: z.literal('term') }),
]);
const ruleSetIds = z.array(ruleSetId).min(1).max(20);
const configurationText = z.string().max(1024 * 1024);
const selector = z.string().max(500).optional();
/** A calendar date, `YYYY-MM-DD`, that exists (2026-02-30 does not). */
const localDate = z.iso.date();

const practitioner = z.strictObject({ name: z.string().max(200).optional(), agb: z.string().regex(AGB_PATTERN).optional() });

const referralRequest = z.strictObject({
  patient: z.strictObject({ name: z.string().trim().min(1).max(200), phone: z.string().trim().min(1).max(40) }),
  answers: z.record(z.string().max(64), answer),
  callMoment: z.enum(CALL_MOMENTS),
  lifeDomains: z.array(z.enum(LIFE_DOMAINS)).min(1).max(LIFE_DOMAINS.length),
  note: z.string().max(NOTE_MAX_LENGTH),
  consentGiven: z.literal(true),
  locale: z.enum(['nl', 'en']),
  practitioner,
  trigger: triggerSummary,
});

/** A GP's draft for the assistant: a referral whose phone may still be missing or unconfirmed. */
const draftRequest = referralRequest.extend({
  patient: z.strictObject({ name: z.string().trim().min(1).max(200), phone: z.string().trim().max(40).optional() }),
});

const workListKind = z.enum(['needs-attention', 'draft', 'overdue', 'outcome-unseen', 'dismissed-today']);
/** `<prefix>:<key>`: a referral or draft id (UUID) or a screening's number (shared/work-list.ts). */
const workListItemId = z.string().regex(/^(attention|overdue|outcome|referral|draft):[0-9a-f-]{36}$|^dismissed:\d{1,15}$/);
const phoneText = z.string().trim().min(1).max(40);

const adapterProposal = z.strictObject({
  url: z.string().max(2000),
  patient: z.strictObject({ name: selector, key: selector, keyFromUrl: selector, phone: selector, birthDate: selector, banner: selector }),
  diagnoses: selector,
  freeText: selector,
  warnings: z.array(z.string().max(500)).max(20),
});

const itemSection = z.enum(['users', 'endpoints', 'ruleSets', 'adapters']);

/** More values than any configuration has (the configuration service allows 50 000). */
const MAX_JSON_DATA_VALUES = 200_000;

/**
 * Whether a value is plain JSON data. Firefox clones message bodies with structured clone, so they can
 * also hold BigInts, sparse arrays, Maps, Dates, NaN and cycles, which JSON text never has and the
 * configuration checks are not written for. Iterative, so deep nesting cannot exhaust the stack; an
 * object shared twice is fine (JSON text would repeat it), one inside itself is not.
 */
function isJsonData(root: unknown): boolean {
  const ancestors = new Set<object>();
  const stack: Array<{ value: unknown } | { leave: object }> = [{ value: root }];
  let values = 0;
  while (stack.length > 0) {
    const next = stack.pop()!;
    if ('leave' in next) {
      ancestors.delete(next.leave);
      continue;
    }
    const { value } = next;
    if (++values > MAX_JSON_DATA_VALUES) return false;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return false;
      continue;
    }
    if (typeof value !== 'object' || ancestors.has(value)) return false;
    let children: unknown[];
    if (Array.isArray(value)) {
      if (values + value.length > MAX_JSON_DATA_VALUES) return false;
      for (let index = 0; index < value.length; index++) if (!Object.hasOwn(value, index)) return false;
      children = value;
    } else {
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) return false;
      // A field set to undefined is a field left out, as JSON text would have it.
      children = Object.values(value).filter((field) => field !== undefined);
    }
    ancestors.add(value);
    stack.push({ leave: value });
    for (const child of children) stack.push({ value: child });
  }
  return true;
}

const JSON_DATA_MESSAGE = 'must be JSON data: objects, lists, text, finite numbers, true, false or null';
const configurationData = z.unknown().refine(isJsonData, JSON_DATA_MESSAGE);

const contentRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('page/configuration'), url: z.string().max(4000) }),
  z.strictObject({ type: z.literal('page/health'), sidebarBlocked: z.boolean() }),
  z.strictObject({ type: z.literal('teach/proposal'), proposal: adapterProposal }),
]);

const sidebarRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('sidebar/attach') }),
  z.strictObject({ type: z.literal('patient/opened'), adapterId, patientKey }),
  z
    .strictObject({
      type: z.literal('screening/recorded'),
      adapterId,
      patientKey,
      ruleSetIds,
      outcome: z.enum(['negative', 'dismissed', 'consent-declined']),
      reason: z.enum(['not-now', 'not-relevant']).optional(),
      trigger: triggerSummary,
      answers: z.record(z.string().max(64), answer).optional(),
      practitioner: practitioner.optional(),
      patientName: z.string().trim().min(1).max(200).optional(),
    })
    .refine((m) => (m.outcome === 'dismissed') === (m.reason !== undefined), {
      message: 'a dismissal needs a reason, a negative screen has none',
      path: ['reason'],
    }),
  z.strictObject({ type: z.literal('referral/submit'), adapterId, patientKey, ruleSetIds, referral: referralRequest }),
  z.strictObject({ type: z.literal('draft/save'), adapterId, patientKey, ruleSetIds, draft: draftRequest }),
  z.strictObject({ type: z.literal('referral/withdraw'), adapterId, patientKey, referralId: z.uuid(), practitioner }),
  z.strictObject({ type: z.literal('prompt/shown'), adapterId, patientKey, ruleSetIds, trigger: triggerSummary, practitioner: practitioner.optional() }),
]);

const optionsRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('options/get') }),
  z.strictObject({ type: z.literal('options/save-practice'), practice: configurationData }),
  z
    .strictObject({ type: z.literal('options/save-item'), section: itemSection, item: configurationData.optional(), source: configurationText.optional() })
    .refine((m) => (m.item === undefined) !== (m.source === undefined), { message: 'needs either item or source', path: ['item'] }),
  z.strictObject({ type: z.literal('options/remove-item'), section: itemSection, id: z.string().max(64) }),
  z.strictObject({ type: z.literal('options/set-rule-set-enabled'), id: ruleSetId, enabled: z.boolean() }),
  z.strictObject({ type: z.literal('options/validate-item'), section: z.enum(['ruleSets', 'adapters']), source: configurationText }),
  z.strictObject({ type: z.literal('options/import'), source: configurationText, dryRun: z.boolean() }),
  z.strictObject({ type: z.literal('options/export'), includeTokens: z.boolean() }),
  z.strictObject({ type: z.literal('options/test-endpoint'), id: z.string().max(64) }),
  z.strictObject({ type: z.literal('options/open-tabs'), origin: z.string().max(300) }),
  z.strictObject({ type: z.literal('options/probe-tab'), tabId: z.number().int().nonnegative(), source: configurationText }),
  z.strictObject({ type: z.literal('options/teach'), tabId: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('options/teach-result') }),
  z
    .strictObject({ type: z.literal('report/get'), from: localDate, to: localDate })
    .refine((m) => m.from <= m.to, { message: 'the period must not end before it starts', path: ['to'] }),
  z.strictObject({ type: z.literal('report/seed-synthetic'), seed: z.string().trim().min(1).max(100) }),
  z.strictObject({ type: z.literal('report/clear-synthetic') }),
  z.strictObject({ type: z.literal('worklist/get'), filter: workListKind.optional(), search: z.string().max(200).optional() }),
  z.strictObject({ type: z.literal('worklist/open'), itemId: workListItemId, actor: practitioner.optional() }),
  z.strictObject({
    type: z.literal('worklist/resend'),
    referralId: z.uuid(),
    changes: z.strictObject({ phone: phoneText.optional(), callMoment: z.enum(CALL_MOMENTS).optional(), note: z.string().max(NOTE_MAX_LENGTH).optional() }),
    actor: practitioner.optional(),
  }),
  z.strictObject({
    type: z.literal('worklist/complete-draft'),
    draftId: z.uuid(),
    phone: phoneText,
    callMoment: z.enum(CALL_MOMENTS).optional(),
    note: z.string().max(NOTE_MAX_LENGTH).optional(),
    actor: practitioner.optional(),
  }),
  z.strictObject({ type: z.literal('worklist/journal-text'), itemId: workListItemId }),
  z.strictObject({ type: z.literal('worklist/discard-draft'), draftId: z.uuid(), actor: practitioner.optional() }),
  z
    .strictObject({ type: z.literal('options/export-audit'), format: z.enum(['jsonl', 'csv']), from: z.iso.date().optional(), to: z.iso.date().optional() })
    .refine((m) => m.from === undefined || m.to === undefined || m.from <= m.to, { message: 'the period must not end before it starts', path: ['to'] }),
  z.strictObject({ type: z.literal('options/audit-info') }),
  z.strictObject({ type: z.literal('options/name-workstation'), name: z.string().max(100) }),
]);

const sharedRequestSchema = z.strictObject({ type: z.literal('referral/retry-now'), referralId: z.uuid() });

/** Every request, by who may send it. */
export const requestSchemas = {
  content: contentRequestSchema,
  sidebar: sidebarRequestSchema,
  options: optionsRequestSchema,
  shared: sharedRequestSchema,
};

/** The message types each kind of sender may use. */
export const REQUEST_TYPES = {
  content: contentRequestSchema.options.map((option) => option.shape.type.value),
  sidebar: sidebarRequestSchema.options.map((option) => option.shape.type.value),
  options: optionsRequestSchema.options.map((option) => option.shape.type.value),
  shared: [sharedRequestSchema.shape.type.value],
};

// The schemas must describe the shared protocol types exactly: a change to one without the other
// fails the type check here.
const checks: [
  Exactly<z.infer<typeof contentRequestSchema>, ContentRequest>,
  Exactly<z.infer<typeof sidebarRequestSchema>, SidebarRequest>,
  Exactly<z.infer<typeof optionsRequestSchema>, OptionsRequest>,
  Exactly<z.infer<typeof sharedRequestSchema>, SharedRequest>,
  Exactly<ContentRequest | SidebarRequest | OptionsRequest | SharedRequest, RequestMessage>,
] = [true, true, true, true, true];
void checks;
