import { describe, expect, it } from 'vitest';
import defaultRules from '../../rules/default.rules.json';
import { findIcpcCodes } from '../../contract/referral-contract';
import { parseRuleSet } from '../../extension/background/rule-set-schema';
import { compileTriggers, evaluateScreen } from '../../extension/shared/rule-engine';
import type { RuleSet } from '../../extension/shared/rule-set';

function loadDefault(): RuleSet {
  const parsed = parseRuleSet(defaultRules);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.ruleSet;
}

const ruleSet = loadDefault();
const matcher = compileTriggers(ruleSet, 'nl');
const codesIn = (text: string) => matcher.scan(text).flatMap((t) => (t.kind === 'code' ? [t.code] : []));

describe('default rule set', () => {
  it('covers the stress-related ICPC codes of the pilot', () => {
    const codes = ruleSet.triggers.codes.map((c) => c.code);
    for (const code of ['N01', 'N02', 'P06', 'L01', 'L02', 'L03', 'D01', 'P01', 'P02', 'P03', 'A04']) expect(codes).toContain(code);
  });

  it('asks the three questions in Dutch and English and is positive at one yes', () => {
    expect(ruleSet.questions.map((q) => q.text.nl)).toEqual([
      'Vindt u het moeilijk om elke maand rond te komen?',
      'Slaapt u slecht van geldzorgen?',
      'Stapelt de post zich bij u thuis weleens op?',
    ]);
    expect(ruleSet.questions.every((q) => q.text.en.length > 10)).toBe(true);
    expect(ruleSet.positiveWhen.minYes).toBe(1);
  });
});

describe('code matching', () => {
  it('matches a code typed into a field', () => {
    expect(codesIn('N01')).toEqual(['N01']);
  });

  it('matches subcodes on their three-character code and keeps the subcode', () => {
    const [trigger] = matcher.scan('L03.01');
    expect(trigger).toMatchObject({ kind: 'code', code: 'L03.01', baseCode: 'L03', title: { nl: 'Lage rugpijn' } });
  });

  it('finds codes inside consult text', () => {
    expect(codesIn('E: P06 slecht slapen sinds de scheiding, ook N02.')).toEqual(['P06', 'N02']);
  });

  it('reads lower-case codes only where codes are typed, never in running text', () => {
    const inField = (text: string) => matcher.scan(text, true).flatMap((t) => (t.kind === 'code' ? [t.code] : []));
    expect(inField('n01')).toEqual(['N01']);
    expect(inField('l03.01')).toEqual(['L03.01']);
    expect(codesIn('klachten passend bij p01')).toEqual([]);
  });

  it('knows NHG subcodes as two digits and reads a malformed one as its base code', () => {
    expect(codesIn('L03.1')).toEqual(['L03']);
    expect(codesIn('L03.015')).toEqual(['L03']);
  });

  it('does not hit on codes embedded in longer tokens', () => {
    for (const text of ['N011', 'AN01B', 'N01x', 'xN01', 'BN01', '2N01', 'N01_2', 'postcode 6211AN01']) expect(codesIn(text), text).toEqual([]);
  });

  it('does not trigger on ICPC codes outside the rule set', () => {
    expect(codesIn('R74 verkoudheid, K86 hypertensie')).toEqual([]);
  });

  it('counts code prefixes when the rule set has them', () => {
    const withPrefix: RuleSet = { ...ruleSet, triggers: { ...ruleSet.triggers, codes: [], codePrefixes: [{ prefix: 'P0', title: { nl: 'Psychisch', en: 'Psychological' } }] } };
    expect(compileTriggers(withPrefix).scan('P09 en P10').map((t) => (t.kind === 'code' ? t.code : ''))).toEqual(['P09']);
  });

  it('finds terms in the page language, diacritics and case folded', () => {
    expect(matcher.scan('Patiënt noemt GELDZÓRGEN en een deurwaarder.')).toEqual([
      { kind: 'term', term: 'geldzorgen' },
      { kind: 'term', term: 'deurwaarder' },
    ]);
    expect(matcher.scan('money worries')).toEqual([]);
    expect(compileTriggers(ruleSet, 'en').scan('money worries')).toEqual([{ kind: 'term', term: 'money worries' }]);
    expect(matcher.scan('geldzorgenvrij')).toEqual([]);
  });

  it('lists ICPC codes written in a note, in any case when asked to', () => {
    expect(findIcpcCodes('bekend met N01 en L03.01, geen N011 of e12')).toEqual(['N01', 'L03.01']);
    expect(findIcpcCodes('bekend met n01 en l03.01', true)).toEqual(['N01', 'L03.01']);
  });
});

describe('screen outcome', () => {
  it('is positive at one yes and not before', () => {
    expect(evaluateScreen(ruleSet, {})).toMatchObject({ positive: false, complete: false });
    expect(evaluateScreen(ruleSet, { 'make-ends-meet': 'no', 'sleep-money-worries': 'not-asked', 'unopened-mail': 'no' })).toMatchObject({
      positive: false,
      complete: true,
      yesCount: 0,
    });
    expect(evaluateScreen(ruleSet, { 'unopened-mail': 'yes' })).toMatchObject({ positive: true, complete: false, yesCount: 1 });
  });

  it('follows a stricter threshold when the rule set asks for one', () => {
    const strict = { ...ruleSet, positiveWhen: { minYes: 2 } };
    expect(evaluateScreen(strict, { 'make-ends-meet': 'yes' }).positive).toBe(false);
    expect(evaluateScreen(strict, { 'make-ends-meet': 'yes', 'unopened-mail': 'yes' }).positive).toBe(true);
  });
});

describe('rule set validation', () => {
  it('names the path of every problem and never throws', () => {
    const broken = structuredClone(defaultRules) as Record<string, any>;
    broken.questions[1].text.en = '';
    broken.triggers.codes[0].code = 'N1';
    broken.positiveWhen.minYes = 9;
    const result = parseRuleSet(broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toContain('questions[1].text.en');
    expect(paths).toContain('triggers.codes[0].code');
  });

  it('rejects unknown fields rather than silently ignoring a typo', () => {
    const result = parseRuleSet({ ...defaultRules, positiveWhn: { minYes: 1 } });
    expect(result.ok).toBe(false);
  });
});
