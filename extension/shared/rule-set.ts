import type { LifeDomain, SdohCategory } from '../../contract/referral-contract';
import type { Locale, LocalizedText } from './locale';

/** A coded trigger: the code, its title in every locale, and diagnosis names that count as it. */
export interface CodeTrigger {
  /** An ICPC-1 code (`N01`), or a code with its NHG subcode (`L03.01`) to match only that subcode. */
  code: string;
  title: LocalizedText;
  /** For EHRs that show "Hoofdpijn" or "Headache" instead of N01: names per locale, matched as whole words. */
  names?: Partial<Record<Locale, string[]>>;
}

/**
 * A validated rule set: which codes and words trigger which questions, and where the referral goes.
 * The format is documented in rules/README.md and published as rules/schema/rule-set.schema.json.
 * Only the background validates rule sets (background/configuration); every other context receives
 * them already checked.
 */
export interface RuleSet {
  id: string;
  version: string;
  name: LocalizedText;
  description?: LocalizedText;
  triggers: {
    codes: CodeTrigger[];
    /** A chapter (`P`) or a chapter and a first digit (`P0`). */
    codePrefixes: Array<{ prefix: string; title: LocalizedText }>;
    /** Consecutive codes in one chapter, written `P01-P03`. */
    codeRanges: Array<{ range: string; title: LocalizedText }>;
    /** Words and phrases, matched as whole words, ignoring case and accents; never regular expressions. */
    terms: Array<{ term: string; locale: Locale }>;
  };
  /** Where triggers count: only the consult being written, or also the episode list and history. */
  lookIn: 'consult' | 'consult-and-history';
  /** Prompt only when the history shows this many earlier episodes with a trigger within the window. */
  recurrence?: { minEpisodes: number; withinMonths: number };
  questions: Array<{ id: string; text: LocalizedText }>;
  positiveWhen: { minYes: number };
  /** No new prompt for a patient within this many days after a screening (negative or referred). */
  cooldownDays: number;
  consentStatement: LocalizedText;
  referral: {
    /** Id of the configured social-team endpoint the referral goes to; its name is the recipient the patient consents to. */
    endpoint: string;
    category: SdohCategory;
    serviceText: LocalizedText;
    defaultLifeDomains: LifeDomain[];
    includeDiagnosisCodes: boolean;
  };
}
