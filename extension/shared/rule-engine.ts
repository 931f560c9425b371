import type { ScreeningAnswer } from '../../contract/referral-bundle';
import { icpcCodesIn } from '../../contract/referral-contract';
import type { Locale, LocalizedText } from './locale';
import { LOCALES } from './locale';
import type { RuleSet } from './rule-set';

/** What in the page made a rule set fire. */
export type Trigger =
  | {
      kind: 'code';
      code: string;
      baseCode: string;
      title: LocalizedText;
      /** The diagnosis name the page showed instead of the code, when that is how it was found. */
      name?: string;
    }
  | { kind: 'term'; term: string };

/** One rule set firing on one piece of page text. */
export interface RuleSetMatch {
  ruleSetId: string;
  trigger: Trigger;
}

/**
 * Where a piece of text sits. In a `diagnosis` place (a code field, a diagnosis list or tag, a code
 * attribute) lower-case codes and diagnosis names count as codes; in running `text` neither does.
 */
export type TextPlace = 'text' | 'diagnosis';

/** Rule sets prepared for fast, repeated scanning of page text. */
export interface TriggerMatcher {
  /** Every rule set that fires on `text`, with its first trigger there: codes before names before terms. */
  scan(text: string, place?: TextPlace): RuleSetMatch[];
}

type CodeTarget = { ruleSetId: string; title: LocalizedText };

/** Lowercases and strips diacritics so "Geldzórgen" and "geldzorgen" match alike. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A whole-word, case- and accent-insensitive pattern over folded text; never a pattern from configuration. */
function wholeWords(phrases: Iterable<string>): RegExp | null {
  // Longest first, so "lage rugpijn" wins over "rugpijn" at the same place. A phrase that folds to
  // nothing (accent marks alone) is dropped: as an empty alternative it would match everywhere.
  const sorted = [...new Set(phrases)].filter((phrase) => phrase !== '').sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return null;
  // Only where a phrase could start is the (possibly very long) alternation tried at all.
  const starts = [...new Set(sorted.map((phrase) => phrase.codePointAt(0)!))].map((point) => `\\u{${point.toString(16)}}`).join('');
  return new RegExp(`(?=[${starts}])(?<![\\p{L}\\p{N}])(${sorted.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}])`, 'gu');
}

function codesOfRange(range: string): string[] {
  const [from, to] = range.split('-') as [string, string];
  const chapter = from[0]!;
  const codes: string[] = [];
  for (let n = Number(from.slice(1)); n <= Number(to.slice(1)); n += 1) codes.push(`${chapter}${String(n).padStart(2, '0')}`);
  return codes;
}

function codesOfPrefix(prefix: string): string[] {
  const codes: string[] = [];
  for (let n = 0; n < 100; n += 1) {
    const code = `${prefix[0]}${String(n).padStart(2, '0')}`;
    if (code.startsWith(prefix)) codes.push(code);
  }
  return codes;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Compiles rule sets' triggers into one matcher. Ranges and prefixes are expanded into a lookup
 * table, and all terms and names into one pattern each, so scanning costs the same however many
 * rule sets there are. `languages` limits terms and names to the page's language(s); by default
 * every locale a rule set lists counts.
 */
export function compileTriggers(ruleSets: readonly RuleSet[], languages: readonly Locale[] = LOCALES): TriggerMatcher {
  const byCode = new Map<string, CodeTarget[]>();
  const bySubcode = new Map<string, CodeTarget[]>();
  const byName = new Map<string, Array<{ ruleSetId: string; code: string; title: LocalizedText }>>();
  const byTerm = new Map<string, string[]>();
  for (const ruleSet of ruleSets) {
    const target = (title: LocalizedText) => ({ ruleSetId: ruleSet.id, title });
    // Explicit codes first, so their title wins over a range's or prefix's for the same code.
    for (const entry of ruleSet.triggers.codes) {
      addTo(entry.code.length > 3 ? bySubcode : byCode, entry.code, target(entry.title));
      for (const locale of languages) {
        for (const name of entry.names?.[locale] ?? []) addTo(byName, foldText(name.trim()), { ruleSetId: ruleSet.id, code: entry.code, title: entry.title });
      }
    }
    for (const entry of ruleSet.triggers.codeRanges) for (const code of codesOfRange(entry.range)) addTo(byCode, code, target(entry.title));
    for (const entry of ruleSet.triggers.codePrefixes) for (const code of codesOfPrefix(entry.prefix)) addTo(byCode, code, target(entry.title));
    for (const entry of ruleSet.triggers.terms) if (languages.includes(entry.locale)) addTo(byTerm, foldText(entry.term.trim()), ruleSet.id);
  }
  const termPattern = wholeWords(byTerm.keys());
  const namePattern = wholeWords(byName.keys());

  return {
    scan(text, place = 'text') {
      if (text.length < 3) return [];
      const matches: RuleSetMatch[] = [];
      const fired = new Set<string>();
      const fire = (ruleSetId: string, trigger: Trigger) => {
        if (fired.has(ruleSetId)) return;
        fired.add(ruleSetId);
        matches.push({ ruleSetId, trigger });
      };
      for (const { code, baseCode } of icpcCodesIn(text, place === 'diagnosis')) {
        for (const hit of [...(bySubcode.get(code) ?? []), ...(byCode.get(baseCode) ?? [])]) fire(hit.ruleSetId, { kind: 'code', code, baseCode, title: hit.title });
      }
      if ((namePattern && place === 'diagnosis') || termPattern) {
        const folded = foldText(text);
        if (namePattern && place === 'diagnosis') {
          for (const match of folded.matchAll(namePattern)) {
            for (const hit of byName.get(match[1]!) ?? []) {
              fire(hit.ruleSetId, { kind: 'code', code: hit.code, baseCode: hit.code.slice(0, 3), title: hit.title, name: match[1]! });
            }
          }
        }
        if (termPattern) {
          for (const match of folded.matchAll(termPattern)) for (const ruleSetId of byTerm.get(match[1]!) ?? []) fire(ruleSetId, { kind: 'term', term: match[1]! });
        }
      }
      return matches;
    },
  };
}

/** Outcome of a rule set's questions under its threshold. */
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
 * The questions of several rule sets that fired together, each asked once: a question id two rule
 * sets share is one question with one answer, in the order the rule sets fired.
 */
export function combinedQuestions(ruleSets: readonly RuleSet[]): RuleSet['questions'] {
  const seen = new Set<string>();
  return ruleSets.flatMap((ruleSet) => ruleSet.questions.filter((question) => !seen.has(question.id) && (seen.add(question.id), true)));
}

/** One dated entry of a patient's history as the page shows it. */
export interface HistoryItem {
  date: Date | null;
  text: string;
}

/**
 * Whether the history shows enough earlier episodes for a rule set with `recurrence`: entries within
 * the window whose text makes this rule set fire (an undated entry never counts).
 */
export function recurrenceMet(ruleSet: RuleSet, matcher: TriggerMatcher, history: readonly HistoryItem[], now: Date): boolean {
  const recurrence = ruleSet.recurrence;
  if (!recurrence) return true;
  const since = new Date(now);
  since.setMonth(since.getMonth() - recurrence.withinMonths);
  let episodes = 0;
  for (const item of history) {
    if (!item.date || item.date < since || item.date > now) continue;
    if (matcher.scan(item.text, 'diagnosis').some((match) => match.ruleSetId === ruleSet.id)) episodes += 1;
    if (episodes >= recurrence.minEpisodes) return true;
  }
  return false;
}

/** Reads a date as EHRs write it: `dd-mm-yyyy`, `d-m-yyyy`, `dd/mm/yyyy`, `dd.mm.yyyy` or ISO `yyyy-mm-dd`. */
export function parseHistoryDate(text: string): Date | null {
  const trimmed = text.trim();
  let day: number;
  let month: number;
  let year: number;
  const european = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b/.exec(trimmed);
  const iso = /^(\d{4})-(\d{2})-(\d{2})\b/.exec(trimmed);
  if (european) [day, month, year] = [Number(european[1]), Number(european[2]), Number(european[3])];
  else if (iso) [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return null;
  const date = new Date(year, month - 1, day);
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? date : null;
}
