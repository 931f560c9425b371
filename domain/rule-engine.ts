import type { LocalizedText, Locale } from './locale';
import type { RuleSet } from './rule-set';

/** What in the page made the prompt appear. */
export type Trigger =
  | { kind: 'code'; code: string; baseCode: string; title: LocalizedText }
  | { kind: 'term'; term: string };

export type ScreeningAnswer = 'yes' | 'no' | 'not-asked';

/** A rule set prepared for fast, repeated scanning of page text. */
export interface TriggerMatcher {
  /** All triggers in `text`: codes first, then terms. */
  scan(text: string): Trigger[];
}

// An ICPC-1 code: chapter letter, two digits, optional NHG subcode (.1 or .01). It must stand alone:
// "N011", "AN01B" or "N01x" are not codes. Chapters without codes (C, E, G, I, J, M, O, Q, V) are left out.
const ICPC_CODE = /(?<![\p{L}\p{N}_])([ABDFHKLNPRSTUWXYZ])(\d{2})(?:\.(\d{1,2}))?(?![\p{L}\p{N}_])/giu;

/** Lowercases and strips diacritics so "Geldzórgen" and "geldzorgen" match alike. */
function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a rule set's triggers into a matcher. Terms are limited to the page's language when it
 * is known (`pageLocale`), because a Dutch HIS page full of English words would give false hits.
 */
export function compileTriggers(ruleSet: RuleSet, pageLocale?: Locale): TriggerMatcher {
  const byCode = new Map(ruleSet.triggers.codes.map((entry) => [entry.code, entry.title]));
  const prefixes = ruleSet.triggers.codePrefixes;
  const terms = ruleSet.triggers.terms.filter((entry) => !pageLocale || entry.locale === pageLocale);
  const termPattern =
    terms.length > 0
      ? new RegExp(
          `(?<![\\p{L}\\p{N}])(${terms.map((entry) => escapeRegExp(foldText(entry.term))).join('|')})(?![\\p{L}\\p{N}])`,
          'gu',
        )
      : null;

  return {
    scan(text) {
      if (text.length < 3) return [];
      // Codes before terms: a coded complaint names the prompt's reason more precisely than a word.
      const triggers: Trigger[] = [];
      for (const match of text.matchAll(ICPC_CODE)) {
        const baseCode = `${match[1]!.toUpperCase()}${match[2]}`;
        const title = byCode.get(baseCode) ?? prefixes.find((entry) => baseCode.startsWith(entry.prefix))?.title;
        if (!title) continue;
        const code = match[3] ? `${baseCode}.${match[3]}` : baseCode;
        triggers.push({ kind: 'code', code, baseCode, title });
      }
      if (termPattern) {
        for (const match of foldText(text).matchAll(termPattern)) triggers.push({ kind: 'term', term: match[1]! });
      }
      return triggers;
    },
  };
}

/** Outcome of the three questions under a rule set's threshold. */
export interface ScreenResult {
  yesCount: number;
  answeredCount: number;
  /** Enough "yes" answers to offer the referral. */
  positive: boolean;
  /** Every question has an answer (yes, no or not asked). */
  complete: boolean;
}

/** Applies the rule set's `positiveWhen` to the answers given so far. */
export function evaluateScreen(ruleSet: RuleSet, answers: Readonly<Record<string, ScreeningAnswer | undefined>>): ScreenResult {
  let yesCount = 0;
  let answeredCount = 0;
  for (const question of ruleSet.questions) {
    const answer = answers[question.id];
    if (answer) answeredCount += 1;
    if (answer === 'yes') yesCount += 1;
  }
  return {
    yesCount,
    answeredCount,
    positive: yesCount >= ruleSet.positiveWhen.minYes,
    complete: answeredCount === ruleSet.questions.length,
  };
}

/**
 * ICPC codes written anywhere in `text` (e.g. a GP's note), canonical and deduplicated. Used to keep
 * diagnosis codes out of what leaves the practice unless the practice configured otherwise.
 */
export function findIcpcCodes(text: string): string[] {
  const codes = new Set<string>();
  for (const match of text.matchAll(ICPC_CODE)) {
    const baseCode = `${match[1]!.toUpperCase()}${match[2]}`;
    codes.add(match[3] ? `${baseCode}.${match[3]}` : baseCode);
  }
  return [...codes];
}
