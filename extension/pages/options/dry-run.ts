import type { Translate } from '../../shared/i18n';
import type { Locale, LocalizedText } from '../../shared/locale';
import type { ProbeFindings } from '../../shared/messages';
import { compileTriggers, type Trigger } from '../../shared/rule-engine';
import type { RuleSet } from '../../shared/rule-set';

/** Why a rule set fires: a code, a diagnosis name that counts as a code, or a term. */
export type FiringReason =
  | { kind: 'code'; code: string; title?: LocalizedText }
  | { kind: 'name'; name: string; code: string; title?: LocalizedText }
  | { kind: 'term'; term: string };

/** A rule set that would fire, with every reason found. */
export interface Firing {
  ruleSet: RuleSet;
  reasons: FiringReason[];
}

function reasonOf(trigger: Trigger): FiringReason {
  if (trigger.kind === 'term') return { kind: 'term', term: trigger.term };
  if (trigger.name) return { kind: 'name', name: trigger.name, code: trigger.code, title: trigger.title };
  return { kind: 'code', code: trigger.code, title: trigger.title };
}

const reasonKey = (reason: FiringReason) => (reason.kind === 'term' ? `term:${reason.term}` : reason.kind === 'name' ? `name:${reason.name}` : `code:${reason.code}`);

/**
 * Which rule sets would fire on a consult, and why, with the same matcher the EHR page uses: the
 * codes field counts as a code field (lower case and diagnosis names count), the consult text as
 * running text. The matcher names only the first trigger per rule set in a piece of text, so each
 * code and each sentence is scanned on its own too, to list every reason an administrator may look for.
 */
export function dryRun(ruleSets: readonly RuleSet[], consultText: string, codes: string): Firing[] {
  const matcher = compileTriggers(ruleSets);
  const found = new Map<string, Map<string, FiringReason>>();
  const collect = (text: string, place: 'text' | 'diagnosis') => {
    for (const match of matcher.scan(text, place)) {
      const reasons = found.get(match.ruleSetId) ?? new Map<string, FiringReason>();
      const reason = reasonOf(match.trigger);
      if (!reasons.has(reasonKey(reason))) reasons.set(reasonKey(reason), reason);
      found.set(match.ruleSetId, reasons);
    }
  };
  for (const piece of codes.split(/[,;\n]+/)) collect(piece.trim(), 'diagnosis');
  collect(consultText, 'text');
  for (const sentence of consultText.split(/(?<=[.!?])\s+|\n+/)) collect(sentence, 'text');
  return ruleSets.filter((ruleSet) => found.has(ruleSet.id)).map((ruleSet) => ({ ruleSet, reasons: [...found.get(ruleSet.id)!.values()] }));
}

/** The title a rule set gives a code: the code itself, its base code, or the range or prefix it falls in. */
export function codeTitle(ruleSet: RuleSet, code: string): LocalizedText | undefined {
  const base = code.slice(0, 3);
  const exact = ruleSet.triggers.codes.find((entry) => entry.code === code) ?? ruleSet.triggers.codes.find((entry) => entry.code === base);
  if (exact) return exact.title;
  const range = ruleSet.triggers.codeRanges.find(({ range: text }) => {
    const [from = '', to = ''] = text.split('-');
    return base[0] === from[0] && base >= from && base <= to;
  });
  if (range) return range.title;
  return ruleSet.triggers.codePrefixes.find((entry) => base.startsWith(entry.prefix))?.title;
}

/** A probe's reason (from the EHR tab) in the same shape as a dry run's. */
export function probeReason(ruleSet: RuleSet | undefined, reason: ProbeFindings['firing'][number]['because'][number]): FiringReason {
  if (reason.kind === 'term') return { kind: 'term', term: reason.text };
  const code = reason.kind === 'name' ? (reason.code ?? '') : reason.text;
  const title = ruleSet ? codeTitle(ruleSet, code) : undefined;
  return reason.kind === 'name' ? { kind: 'name', name: reason.text, code, ...(title ? { title } : {}) } : { kind: 'code', code, ...(title ? { title } : {}) };
}

/** "code N01 Hoofdpijn", "‘hoofdpijn’ (telt als N01 Hoofdpijn)", "term ‘geldzorgen’". */
export function reasonText(reason: FiringReason, t: Translate, locale: Locale): string {
  switch (reason.kind) {
    case 'code':
      return t('options_reason_code', [reason.code, reason.title?.[locale] ?? '']).trim();
    case 'name':
      return t('options_reason_name', [reason.name, `${reason.code} ${reason.title?.[locale] ?? ''}`.trim()]);
    case 'term':
      return t('options_reason_term', [reason.term]);
  }
}
