/**
 * The referral contract: every identifier, code and pattern that the extension (which builds a
 * referral) and the receiver (which checks and shows it) must agree on. Both import it from here,
 * so a change lands on both sides at once. Plain constants and pure functions only: this module
 * also runs in the content script and in the demo HIS (served as JavaScript by its server).
 */

/** Identifier system of the referral id (a `urn:uuid:` value) on every resource of a referral. */
export const REFERRAL_ID_SYSTEM = 'urn:ietf:rfc:3986';

/** Base of the profile, code-system and extension URLs this project defines. */
export const PROFILE_BASE = 'https://vroegsignaal.example/fhir';
/** Extension on Consent naming who recorded the patient's consent. */
export const CONSENT_RECORDED_BY_URL = `${PROFILE_BASE}/StructureDefinition/consent-recorded-by`;
/** Extension on Consent carrying the sentence the GP read aloud. */
export const CONSENT_STATEMENT_URL = `${PROFILE_BASE}/StructureDefinition/consent-statement`;
/** Code system of the Positieve Gezondheid life domains in ServiceRequest.category. */
export const LIFE_DOMAIN_SYSTEM = `${PROFILE_BASE}/CodeSystem/positieve-gezondheid`;
/** Canonical URL of a rule set's questionnaire: `${QUESTIONNAIRE_BASE}/<rule set id>|<version>`. */
export const QUESTIONNAIRE_BASE = `${PROFILE_BASE}/Questionnaire`;
/** Dutch care-provider identifier (AGB) naming system. */
export const AGB_SYSTEM = 'http://fhir.nl/fhir/NamingSystem/agb-z';
/** An AGB code: eight digits. */
export const AGB_PATTERN = /^\d{8}$/;

/** Code system of the Gravity SDOH categories a referral carries in ServiceRequest.category. */
export const SDOH_CATEGORY_SYSTEM = 'http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes';

/** The Gravity SDOH categories a rule set may refer for (a subset of the code system). */
export const SDOH_CATEGORIES = {
  'financial-insecurity': 'Financial Insecurity',
  'material-hardship': 'Material Hardship',
  'food-insecurity': 'Food Insecurity',
  'housing-instability': 'Housing Instability',
  'employment-status': 'Employment Status',
  'social-connection': 'Social Connection',
  stress: 'Stress',
  'sdoh-category-unspecified': 'SDOH Category Unspecified',
} as const;
export type SdohCategory = keyof typeof SDOH_CATEGORIES;

/** The resource types a referral consists of, exactly one of each. */
export const REFERRAL_RESOURCE_TYPES = ['Patient', 'QuestionnaireResponse', 'Consent', 'ServiceRequest', 'Task'] as const;

/** LOINC answer codes of the screening questions. "Not asked" is an item without an answer. */
export const ANSWER_CODES = {
  yes: { system: 'http://loinc.org', code: 'LA33-6', display: 'Yes', labelNl: 'Ja' },
  no: { system: 'http://loinc.org', code: 'LA32-8', display: 'No', labelNl: 'Nee' },
} as const;

/** A phone number the social team can call: Dutch, in E.164 (+31 and nine digits). */
export const DUTCH_E164_PATTERN = /^\+31\d{9}$/;

/** Longest note the GP can add for the social team. */
export const NOTE_MAX_LENGTH = 500;

/** When the patient prefers to be called back. */
export const CALL_MOMENTS = ['no-preference', 'morning', 'afternoon', 'evening'] as const;
export type CallMoment = (typeof CALL_MOMENTS)[number];

/** The call moment in the referral: Dutch text for the social team, FHIR `Timing.when` where one applies. */
export const CALL_MOMENT_TIMING: Record<CallMoment, { textNl: string; when?: 'MORN' | 'AFT' | 'EVE' }> = {
  'no-preference': { textNl: 'geen voorkeur' },
  morning: { textNl: 'ochtend', when: 'MORN' },
  afternoon: { textNl: 'middag', when: 'AFT' },
  evening: { textNl: 'avond', when: 'EVE' },
};

/** The six domains of Positieve Gezondheid, the common language of GP and social team in the pilot. */
export const LIFE_DOMAINS = [
  'bodily-functions',
  'mental-wellbeing',
  'meaningfulness',
  'quality-of-life',
  'participation',
  'daily-functioning',
] as const;
export type LifeDomain = (typeof LIFE_DOMAINS)[number];

/** Dutch display names, used as `Coding.display` in the referral sent to the (Dutch) social team. */
export const LIFE_DOMAIN_DISPLAY_NL: Record<LifeDomain, string> = {
  'bodily-functions': 'Lichaamsfuncties',
  'mental-wellbeing': 'Mentaal welbevinden',
  meaningfulness: 'Zingeving',
  'quality-of-life': 'Kwaliteit van leven',
  participation: 'Meedoen',
  'daily-functioning': 'Dagelijks functioneren',
};

/**
 * ICPC-1 (NHG) chapters that have codes: C, E, G, I, J, M, O, Q and V have none, so "E12" or "M01"
 * in a text are not codes.
 */
export const ICPC_CHAPTERS = 'ABDFHKLNPRSTUWXYZ';

/**
 * One ICPC-1 code as written: an upper-case chapter letter, two digits and an optional NHG subcode
 * of two digits (`N01`, `L03.01`). Upper case only, as GPs and HIS systems write codes: "n01" in
 * running text is much more often something else.
 */
export const ICPC_CODE_SOURCE = `[${ICPC_CHAPTERS}]\\d{2}(?:\\.\\d{2})?`;

/** A whole string that is one ICPC-1 code. */
export const ICPC_CODE_PATTERN = new RegExp(`^${ICPC_CODE_SOURCE}$`);

/**
 * ICPC-1 codes standing alone inside text: not part of a longer word or number ("N011", "AN01").
 * `ignoreCase` is for places an EHR reserves for codes (a code field, a diagnosis tag), where a GP
 * may type "n01"; in free text only upper case counts. Codes come back in upper case.
 */
export function icpcCodesIn(text: string, ignoreCase = false): Array<{ code: string; baseCode: string; index: number }> {
  const found: Array<{ code: string; baseCode: string; index: number }> = [];
  for (const match of text.matchAll(ignoreCase ? ICPC_IN_TEXT_ANY_CASE : ICPC_IN_TEXT)) {
    const code = match[1]!.toUpperCase();
    found.push({ code, baseCode: code.slice(0, 3), index: match.index });
  }
  return found;
}

const ICPC_IN_TEXT_SOURCE = `(?<![\\p{L}\\p{N}_])(${ICPC_CODE_SOURCE})(?![\\p{L}\\p{N}_])`;
const ICPC_IN_TEXT = new RegExp(ICPC_IN_TEXT_SOURCE, 'gu');
const ICPC_IN_TEXT_ANY_CASE = new RegExp(ICPC_IN_TEXT_SOURCE, 'giu');

/** ICPC codes written anywhere in `text`, deduplicated, in order of appearance. */
export function findIcpcCodes(text: string, ignoreCase = false): string[] {
  return [...new Set(icpcCodesIn(text, ignoreCase).map((found) => found.code))];
}

/**
 * Formats a validation path as `a.b[2].c`, the way every error message of this project names a
 * place in a document. The empty path is `rootLabel` (e.g. `(root)` or `Bundle`).
 */
export function formatPath(path: readonly PropertyKey[], rootLabel = '(root)'): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out || rootLabel;
}

/** The value at `path` inside a parsed JSON document, or undefined where the path leads nowhere. */
export function valueAtPath(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
