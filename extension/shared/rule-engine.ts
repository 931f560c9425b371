import type { ScreeningAnswer } from '../../contract/referral-bundle';
import { icpcCodesIn } from '../../contract/referral-contract';
import type { LocalizedText, Locale } from './locale';
import type { RuleSet } from './rule-set';

/** What in the page made the prompt appear. */
export type Trigger =
  | { kind: 'code'; code: string; baseCode: string; title: LocalizedText }
  | { kind: 'term'; term: string };

/** A rule set prepared for fast, repeated scanning of page text. */
export interface TriggerMatcher {
  /**
   * All triggers in `text`: codes first, then terms. `codeField` marks text from a place where
   * codes are typed (an input), where lower-case codes count too.
   */
  scan(text: string, codeField?: boolean): Trigger[];
}

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
    scan(text, codeField = false) {
      if (text.length < 3) return [];
      // Codes before terms: a coded complaint names the prompt's reason more precisely than a word.
      const triggers: Trigger[] = [];
      for (const { code, baseCode } of icpcCodesIn(text, codeField)) {
        const title = byCode.get(baseCode) ?? prefixes.find((entry) => baseCode.startsWith(entry.prefix))?.title;
        if (title) triggers.push({ kind: 'code', code, baseCode, title });
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
