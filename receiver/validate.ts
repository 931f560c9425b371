/**
 * Validation of incoming referral Bundles: structure with zod, then the checks that span resources
 * (one referral id everywhere, resolvable references, no diagnosis data). Every problem is collected,
 * each with a path like `entry[3].resource.identifier`, so the sender can fix them all at once.
 */
import { z } from 'zod';
import {
  CALL_MOMENT_TIMING,
  CONSENT_RECORDED_BY_URL,
  DUTCH_E164_PATTERN,
  formatPath as formatContractPath,
  valueAtPath,
  icpcCodesIn,
  ICPC_CODE_PATTERN,
  LIFE_DOMAIN_SYSTEM,
  REFERRAL_ID_SYSTEM,
  REFERRAL_RESOURCE_TYPES,
} from '../contract/referral-contract.js';

const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Code systems that carry diagnoses or complaints; the social team must not receive them by default. */
const DIAGNOSIS_CODE_SYSTEMS = new Set([
  'http://hl7.org/fhir/sid/icpc-1-nl',
  'http://hl7.org/fhir/sid/icpc-1',
  'http://hl7.org/fhir/sid/icpc-2',
  'http://hl7.org/fhir/sid/icd-10',
  'http://hl7.org/fhir/sid/icd-10-nl',
]);

/** FHIR OperationOutcome issue-type codes this validator uses. */
export type IssueCode = 'invalid' | 'structure' | 'required';

/** One problem with the submitted Bundle. */
export interface ValidationIssue {
  code: IssueCode;
  /** Where, relative to the Bundle, e.g. `entry[3].resource.identifier`. */
  path: string;
  /** What is wrong, without the path (the caller shows both). */
  message: string;
}

/** One screening question and its answer, as shown to the social team. */
export interface ReferralAnswer {
  linkId: string;
  question: string | null;
  /** Human-readable answer (display, text or Ja/Nee), or null when the question was not answered. */
  answer: string | null;
  /** The coded answer if any, e.g. LOINC LA33-6 (yes) / LA32-8 (no). */
  code: string | null;
}

/** What the social team needs from a valid referral, extracted once at validation time. */
export interface ReferralSummary {
  /** The ServiceRequest identifier value, `urn:uuid:...`, lower-cased. */
  referralId: string;
  patientName: string;
  patientPhone: string;
  callMoment: string | null;
  /** Positieve Gezondheid domain codes, e.g. `daily-functioning`. */
  lifeDomains: string[];
  note: string | null;
  consentRecordedBy: string | null;
  answers: ReferralAnswer[];
}

/** Options for {@link validateReferralBundle}. */
export interface ValidateOptions {
  /**
   * Accept diagnosis data (Condition resources, ICPC/ICD codings, ICPC-like reason codes). Off by
   * default: a practice must configure explicitly that its social team may receive diagnoses.
   */
  allowDiagnosisCodes?: boolean;
}

/** Result of {@link validateReferralBundle}. */
export type ValidationResult =
  | { ok: true; referral: ReferralSummary; entryTypes: string[] }
  | { ok: false; issues: ValidationIssue[]; referralId: string | null };

// ---------------------------------------------------------------------------------------------
// Structural schemas. Objects are not strict: FHIR resources carry many optional elements we ignore.

const Identifier = z.object({ system: z.string().optional(), value: z.string().optional() });
const Reference = z.object({ reference: z.string().optional(), display: z.string().optional() });
const LocalReference = z.object({
  reference: z.string({ error: 'a reference to an entry of this Bundle is required' }).min(1),
  display: z.string().optional(),
});
const Coding = z.object({ system: z.string().optional(), code: z.string().optional(), display: z.string().optional() });
const CodeableConcept = z.object({ coding: z.array(Coding).optional(), text: z.string().optional() });
const HumanName = z.object({ text: z.string().optional(), family: z.string().optional(), given: z.array(z.string()).optional() });
const ContactPoint = z.object({ system: z.string().optional(), value: z.string().optional(), use: z.string().optional() });

/** Issue params marking a custom issue as FHIR `required` rather than `invalid`. */
const REQUIRED = { fhirCode: 'required' } as const;

const PatientSchema = z.object({
  resourceType: z.literal('Patient'),
  identifier: z.array(Identifier).min(1),
  name: z.array(HumanName).superRefine((names, ctx) => {
    if (!names.some((name) => humanNameText(name))) {
      ctx.addIssue({ code: 'custom', message: 'Patient needs a name (name[].text, or family/given)', params: REQUIRED });
    }
  }),
  telecom: z.array(ContactPoint).superRefine((telecom, ctx) => {
    const phones = telecom.map((contact, index) => ({ contact, index })).filter(({ contact }) => contact.system === 'phone');
    if (phones.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'Patient needs a phone number (telecom with system "phone")', params: REQUIRED });
    }
    for (const { contact, index } of phones) {
      if (!DUTCH_E164_PATTERN.test(contact.value ?? '')) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'value'],
          message: 'phone number must be Dutch E.164: +31 followed by 9 digits, no spaces',
        });
      }
    }
  }),
});

const QuestionnaireResponseSchema = z.object({
  resourceType: z.literal('QuestionnaireResponse'),
  identifier: Identifier,
  status: z.literal('completed', { error: 'QuestionnaireResponse.status must be "completed"' }),
  subject: LocalReference,
  item: z
    .array(
      z.object({
        linkId: z.string().min(1),
        text: z.string().optional(),
        answer: z
          .array(z.object({ valueCoding: Coding.optional(), valueBoolean: z.boolean().optional(), valueString: z.string().optional() }))
          .optional(),
      }),
    )
    .min(1, { error: 'QuestionnaireResponse needs at least one item' }),
});

const ConsentSchema = z.object({
  resourceType: z.literal('Consent'),
  identifier: z.array(Identifier).min(1),
  status: z.literal('active', { error: 'Consent.status must be "active"' }),
  patient: LocalReference,
  extension: z
    .array(z.object({ url: z.string().min(1), valueReference: Reference.optional(), valueString: z.string().optional() }))
    .optional(),
  provision: z.object({ type: z.literal('permit', { error: 'Consent.provision.type must be "permit"' }) }),
});

const ServiceRequestSchema = z.object({
  resourceType: z.literal('ServiceRequest'),
  identifier: z.array(Identifier).min(1),
  status: z.string().min(1),
  intent: z.string().min(1),
  subject: LocalReference,
  category: z.array(CodeableConcept).optional(),
  occurrenceTiming: z
    .object({ code: CodeableConcept.optional(), repeat: z.object({ when: z.array(z.string()).optional() }).optional() })
    .optional(),
  note: z.array(z.object({ text: z.string() })).optional(),
  reasonCode: z.array(CodeableConcept).optional(),
});

const TaskSchema = z.object({
  resourceType: z.literal('Task'),
  identifier: z.array(Identifier).min(1),
  status: z.string().min(1),
  intent: z.string().min(1),
  focus: LocalReference,
  for: LocalReference,
});

const RESOURCE_SCHEMAS = {
  Patient: PatientSchema,
  QuestionnaireResponse: QuestionnaireResponseSchema,
  Consent: ConsentSchema,
  ServiceRequest: ServiceRequestSchema,
  Task: TaskSchema,
} as const;

type ReferralResourceType = (typeof REFERRAL_RESOURCE_TYPES)[number];
type Parsed = { [K in ReferralResourceType]: z.infer<(typeof RESOURCE_SCHEMAS)[K]> };

const BundleSchema = z.object({
  resourceType: z.literal('Bundle', { error: 'resourceType must be "Bundle"' }),
  type: z.literal('transaction', { error: 'Bundle.type must be "transaction"' }),
  entry: z.array(z.unknown()).min(1, { error: 'Bundle needs entries' }),
});

const EntrySchema = z.object({
  fullUrl: z.string().regex(URN_UUID, { error: 'fullUrl must be a urn:uuid: URI' }),
  resource: z.looseObject({ resourceType: z.string().min(1) }),
  request: z.object({
    method: z.literal('POST', { error: 'request.method must be "POST"' }),
    url: z.string().min(1),
    ifNoneExist: z.string({ error: 'request.ifNoneExist is required (conditional create on the referral id)' }).min(1),
  }),
});

// ---------------------------------------------------------------------------------------------

/**
 * Validates a parsed JSON body as a Vroegsignaal referral transaction Bundle.
 * @returns the extracted referral, or every issue found (never just the first).
 */
export function validateReferralBundle(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const allowDiagnosis = options.allowDiagnosisCodes ?? false;
  const issues: ValidationIssue[] = [];
  const add = (code: IssueCode, path: readonly PropertyKey[], message: string) =>
    issues.push({ code, path: formatPath(path), message });

  if (!isRecord(input)) {
    add('structure', [], 'body must be a JSON object (a FHIR Bundle)');
    return { ok: false, issues, referralId: null };
  }

  issues.push(...zodIssues(BundleSchema, input, []).issues);
  const entries = Array.isArray(input.entry) ? input.entry : [];

  // Per entry: envelope, then the resource against its own schema.
  const found = new Map<string, number[]>(); // resourceType -> entry indexes
  const parsed: Partial<Parsed> = {};
  const fullUrls = new Map<string, number>();
  entries.forEach((entry, i) => {
    issues.push(...zodIssues(EntrySchema, entry, ['entry', i]).issues);
    if (!isRecord(entry)) return;
    const resource = isRecord(entry.resource) ? entry.resource : undefined;
    const type = typeof resource?.resourceType === 'string' ? resource.resourceType : undefined;

    if (typeof entry.fullUrl === 'string') {
      if (fullUrls.has(entry.fullUrl)) add('invalid', ['entry', i, 'fullUrl'], `fullUrl ${entry.fullUrl} is used by more than one entry`);
      else fullUrls.set(entry.fullUrl, i);
    }
    if (!resource || !type) return;
    found.set(type, [...(found.get(type) ?? []), i]);

    const request = isRecord(entry.request) ? entry.request : undefined;
    if (typeof request?.url === 'string' && request.url !== type) {
      add('invalid', ['entry', i, 'request', 'url'], `request.url must be "${type}" (conditional create of the entry's resource)`);
    }

    if (isReferralType(type)) {
      const result = zodIssues(RESOURCE_SCHEMAS[type], resource, ['entry', i, 'resource']);
      issues.push(...result.issues);
      // The first instance is the one used; duplicates are reported below.
      if (result.ok && found.get(type)?.length === 1) (parsed as Record<string, unknown>)[type] = result.data;
    } else if (type === 'Condition') {
      if (!allowDiagnosis) {
        add('invalid', ['entry', i, 'resource', 'resourceType'], 'Condition resources (diagnoses) are not accepted by the social team');
      }
    } else {
      add('structure', ['entry', i, 'resource', 'resourceType'], `unexpected resource type "${type}"; a referral has one each of ${REFERRAL_RESOURCE_TYPES.join(', ')}`);
    }
  });

  // Exactly one of each.
  for (const type of REFERRAL_RESOURCE_TYPES) {
    const indexes = found.get(type) ?? [];
    if (indexes.length === 0 && entries.length > 0) add('required', ['entry'], `Bundle must contain one ${type}`);
    for (const extra of indexes.slice(1)) add('invalid', ['entry', extra, 'resource'], `Bundle must contain exactly one ${type}; this is a duplicate`);
  }

  // The referral id: the ServiceRequest's urn:uuid identifier. Every entry must name the same one.
  const serviceRequestIndex = found.get('ServiceRequest')?.[0];
  const referralId = serviceRequestIndex === undefined ? null : referralIdOf(resourceAt(entries, serviceRequestIndex));
  if (serviceRequestIndex !== undefined && referralId === null) {
    add('required', ['entry', serviceRequestIndex, 'resource', 'identifier'],
      `ServiceRequest needs an identifier with system ${REFERRAL_ID_SYSTEM} and a urn:uuid: value (the referral id)`);
  }
  if (referralId !== null) {
    const expectedIfNoneExist = `identifier=${REFERRAL_ID_SYSTEM}|${referralId}`;
    entries.forEach((entry, i) => {
      if (!isRecord(entry)) return;
      const resource = isRecord(entry.resource) ? entry.resource : undefined;
      if (resource && !identifiersOf(resource).some((id) => id.system === REFERRAL_ID_SYSTEM && sameId(id.value, referralId))) {
        add('invalid', ['entry', i, 'resource', 'identifier'], `identifier must include ${REFERRAL_ID_SYSTEM}|${referralId} (the referral id of the ServiceRequest)`);
      }
      const ifNoneExist = isRecord(entry.request) ? entry.request.ifNoneExist : undefined;
      if (typeof ifNoneExist === 'string' && ifNoneExist.toLowerCase() !== expectedIfNoneExist) {
        add('invalid', ['entry', i, 'request', 'ifNoneExist'], `ifNoneExist must be "${expectedIfNoneExist}"`);
      }
    });
  }

  // References must resolve inside the Bundle: the receiver has nothing else to resolve them against.
  entries.forEach((entry, i) => {
    const resource = isRecord(entry) && isRecord(entry.resource) ? entry.resource : undefined;
    if (!resource) return;
    walk(resource, ['entry', i, 'resource'], (node, path) => {
      if (typeof node.reference === 'string' && !fullUrls.has(node.reference)) {
        add('invalid', [...path, 'reference'], `reference "${node.reference}" does not match the fullUrl of any entry`);
      }
    });
  });
  const patientUrl = fullUrlAt(entries, found.get('Patient')?.[0]);
  const serviceRequestUrl = fullUrlAt(entries, serviceRequestIndex);
  const mustPointTo = (type: ReferralResourceType, element: string, target: string | undefined, targetType: string) => {
    const index = found.get(type)?.[0];
    const resource = resourceAt(entries, index);
    const ref = resource && isRecord(resource[element]) ? (resource[element] as Record<string, unknown>).reference : undefined;
    if (index !== undefined && target && typeof ref === 'string' && fullUrls.has(ref) && ref !== target) {
      add('invalid', ['entry', index, 'resource', element, 'reference'], `${type}.${element} must reference the ${targetType} entry`);
    }
  };
  mustPointTo('QuestionnaireResponse', 'subject', patientUrl, 'Patient');
  mustPointTo('Consent', 'patient', patientUrl, 'Patient');
  mustPointTo('ServiceRequest', 'subject', patientUrl, 'Patient');
  mustPointTo('Task', 'for', patientUrl, 'Patient');
  mustPointTo('Task', 'focus', serviceRequestUrl, 'ServiceRequest');

  // No diagnosis data unless the configuration explicitly allows it.
  if (!allowDiagnosis) {
    entries.forEach((entry, i) => {
      const resource = isRecord(entry) && isRecord(entry.resource) ? entry.resource : undefined;
      if (!resource) return;
      walk(resource, ['entry', i, 'resource'], (node, path) => {
        if (typeof node.system === 'string' && DIAGNOSIS_CODE_SYSTEMS.has(node.system)) {
          add('invalid', [...path, 'system'], `diagnosis codes (${node.system}) are not sent to the social team`);
        }
      });
    });
    const reasonCodes = resourceAt(entries, serviceRequestIndex)?.reasonCode;
    if (serviceRequestIndex !== undefined && Array.isArray(reasonCodes)) {
      reasonCodes.forEach((reason, j) => {
        if (looksLikeDiagnosis(reason)) {
          add('invalid', ['entry', serviceRequestIndex, 'resource', 'reasonCode', j], 'reasonCode looks like a diagnosis (ICPC) code; diagnoses are not sent to the social team');
        }
      });
    }
  }

  const unique = dedupe(issues);
  const complete = (p: Partial<Parsed>): p is Parsed => REFERRAL_RESOURCE_TYPES.every((type) => p[type] !== undefined);
  if (unique.length > 0 || referralId === null || !complete(parsed)) {
    // Defensive: a missing resource always produces an issue above, but never answer ok without data.
    if (unique.length === 0) unique.push({ code: 'invalid', path: 'entry', message: 'Bundle is not a complete referral' });
    return { ok: false, issues: unique, referralId };
  }

  const entryTypes = entries.map((entry) => String((entry as { resource: { resourceType: string } }).resource.resourceType));
  return { ok: true, referral: summarise(referralId, parsed), entryTypes };
}

/** Formats a path as `entry[3].resource.identifier`; the Bundle itself is `Bundle`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return formatContractPath(path, 'Bundle');
}

// ---------------------------------------------------------------------------------------------

function summarise(referralId: string, p: Parsed): ReferralSummary {
  const name = p.Patient.name.map(humanNameText).find(Boolean) ?? '';
  const phone = p.Patient.telecom.find((c) => c.system === 'phone' && DUTCH_E164_PATTERN.test(c.value ?? ''))?.value ?? '';
  const timing = p.ServiceRequest.occurrenceTiming;
  const callMoment =
    nonEmpty(timing?.code?.text) ??
    nonEmpty(timing?.code?.coding?.find((c) => c.display)?.display) ??
    nonEmpty((timing?.repeat?.when ?? []).map((when) => CALL_MOMENT_BY_WHEN.get(when) ?? when).join(', '));
  const lifeDomains = (p.ServiceRequest.category ?? [])
    .flatMap((concept) => concept.coding ?? [])
    .filter((coding) => coding.system === LIFE_DOMAIN_SYSTEM && coding.code)
    .map((coding) => coding.code as string);
  const note = nonEmpty((p.ServiceRequest.note ?? []).map((n) => n.text.trim()).filter(Boolean).join('\n'));
  const recordedBy = (p.Consent.extension ?? []).find((ext) => ext.url === CONSENT_RECORDED_BY_URL);
  const answers = p.QuestionnaireResponse.item.map((item): ReferralAnswer => {
    const values = item.answer ?? [];
    const texts = values.map((a) =>
      a.valueCoding ? (a.valueCoding.display ?? a.valueCoding.code ?? '') : a.valueBoolean !== undefined ? (a.valueBoolean ? 'Ja' : 'Nee') : (a.valueString ?? ''),
    );
    return {
      linkId: item.linkId,
      question: item.text ?? null,
      answer: nonEmpty(texts.filter(Boolean).join(', ')),
      code: values.find((a) => a.valueCoding?.code)?.valueCoding?.code ?? null,
    };
  });
  return {
    referralId,
    patientName: name,
    patientPhone: phone,
    callMoment,
    lifeDomains: [...new Set(lifeDomains)],
    note,
    consentRecordedBy: nonEmpty(recordedBy?.valueReference?.display) ?? nonEmpty(recordedBy?.valueString),
    answers,
  };
}

/** FHIR Timing.when codes the sender may use for the preferred call moment, with their Dutch text. */
const CALL_MOMENT_BY_WHEN = new Map(
  Object.values(CALL_MOMENT_TIMING).flatMap((timing) => (timing.when ? [[timing.when as string, timing.textNl] as const] : [])),
);

function zodIssues<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: readonly PropertyKey[],
): { ok: true; data: z.infer<T>; issues: [] } | { ok: false; issues: ValidationIssue[] } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data, issues: [] };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => {
      const local = issue.path as PropertyKey[];
      const path = formatPath([...prefix, ...local]);
      const missing = issue.code === 'invalid_type' && valueAtPath(value, local) === undefined;
      const flaggedRequired = issue.code === 'custom' && (issue.params as { fhirCode?: string } | undefined)?.fhirCode === 'required';
      const code: IssueCode = missing || flaggedRequired ? 'required' : issue.code === 'invalid_type' ? 'structure' : 'invalid';
      // zod's default message for a missing field ("expected string, received undefined") reads poorly.
      const message = missing && issue.message.startsWith('Invalid input') ? 'is required' : issue.message;
      return { code, path, message };
    }),
  };
}

function referralIdOf(resource: Record<string, unknown> | undefined): string | null {
  if (!resource) return null;
  const id = identifiersOf(resource).find((i) => i.system === REFERRAL_ID_SYSTEM && typeof i.value === 'string' && URN_UUID.test(i.value));
  // UUIDs compare case-insensitively (RFC 9562); store one canonical form.
  return typeof id?.value === 'string' ? id.value.toLowerCase() : null;
}

/** Identifiers of a resource; QuestionnaireResponse.identifier is a single Identifier, others a list. */
function identifiersOf(resource: Record<string, unknown>): Array<{ system?: unknown; value?: unknown }> {
  const raw = resource.identifier;
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter(isRecord);
}

function sameId(value: unknown, referralId: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === referralId;
}

function looksLikeDiagnosis(concept: unknown): boolean {
  if (!isRecord(concept)) return false;
  const codings = Array.isArray(concept.coding) ? concept.coding.filter(isRecord) : [];
  if (codings.some((c) => typeof c.code === 'string' && ICPC_CODE_PATTERN.test(c.code.trim().toUpperCase()))) return true;
  return typeof concept.text === 'string' && icpcCodesIn(concept.text).length > 0;
}

function humanNameText(name: { text?: string; family?: string; given?: string[] }): string {
  return (name.text?.trim() || [...(name.given ?? []), name.family ?? ''].map((s) => s.trim()).filter(Boolean).join(' '));
}

function resourceAt(entries: unknown[], index: number | undefined): Record<string, unknown> | undefined {
  const entry = index === undefined ? undefined : entries[index];
  return isRecord(entry) && isRecord(entry.resource) ? entry.resource : undefined;
}

function fullUrlAt(entries: unknown[], index: number | undefined): string | undefined {
  const entry = index === undefined ? undefined : entries[index];
  return isRecord(entry) && typeof entry.fullUrl === 'string' ? entry.fullUrl : undefined;
}

/** Calls `visit` for every object in the tree (including `node` itself) with its path. */
function walk(node: unknown, path: PropertyKey[], visit: (node: Record<string, unknown>, path: PropertyKey[]) => void): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => walk(child, [...path, i], visit));
  } else if (isRecord(node)) {
    visit(node, path);
    for (const [key, child] of Object.entries(node)) {
      if (typeof child === 'object' && child !== null) walk(child, [...path, key], visit);
    }
  }
}


function dedupe(issues: ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((issue) => {
    const key = `${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isReferralType(type: string): type is ReferralResourceType {
  return (REFERRAL_RESOURCE_TYPES as readonly string[]).includes(type);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: string | undefined | null): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
