import type { LifeDomain } from '../../contract/referral-contract';
import type { Locale, LocalizedText } from './locale';

/**
 * A validated rule set: which codes and words trigger which questions, and where the referral goes.
 * The background validates rule sets (background/rule-set-schema.ts); every other context receives
 * them already checked.
 */
export interface RuleSet {
  id: string;
  version: string;
  name: LocalizedText;
  triggers: {
    codes: Array<{ code: string; title: LocalizedText }>;
    codePrefixes: Array<{ prefix: string; title: LocalizedText }>;
    terms: Array<{ term: string; locale: Locale }>;
  };
  questions: Array<{ id: string; text: LocalizedText }>;
  positiveWhen: { minYes: number };
  consentStatement: LocalizedText;
  referral: {
    recipient: { name: string };
    serviceText: LocalizedText;
    defaultLifeDomains: LifeDomain[];
    includeDiagnosisCodes: boolean;
  };
}
