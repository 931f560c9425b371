import { describe, expect, it } from 'vitest';
import { findIcpcCodes } from '../../contract/referral-contract';
import {
  combinedQuestions,
  compileTriggers,
  evaluateScreen,
  parseHistoryDate,
  recurrenceMet,
  type RuleSetMatch,
} from '../../extension/shared/rule-engine';
import type { RuleSet } from '../../extension/shared/rule-set';
import { defaultRuleSet, lonelinessRuleSet } from './helpers';

const ruleSet = defaultRuleSet();
const loneliness = lonelinessRuleSet();
const matcher = compileTriggers([ruleSet]);
const codesIn = (text: string) => matcher.scan(text).flatMap((m) => (m.trigger.kind === 'code' ? [m.trigger.code] : []));
const triggersIn = (m: ReturnType<typeof compileTriggers>, text: string, place: 'text' | 'diagnosis' = 'text') =>
  m.scan(text, place).map((match: RuleSetMatch) => `${match.ruleSetId}:${match.trigger.kind === 'term' ? `term ${match.trigger.term}` : `${match.trigger.code}${match.trigger.name ? ` (${match.trigger.name})` : ''}`}`);

/** A rule set with only the given triggers, for matching tests. */
function withTriggers(triggers: Partial<RuleSet['triggers']>, id = 'test-set'): RuleSet {
  return { ...ruleSet, id, triggers: { codes: [], codePrefixes: [], codeRanges: [], terms: [], ...triggers } };
}

describe('the shipped rule sets', () => {
  it('cover the stress-related ICPC codes of the pilot and ask its three questions, positive at one yes', () => {
    const codes = ruleSet.triggers.codes.map((c) => c.code);
    for (const code of ['N01', 'N02', 'P06', 'L01', 'L02', 'L03', 'D01', 'P01', 'P02', 'P03', 'A04']) expect(codes).toContain(code);
    expect(ruleSet.questions.map((q) => q.text.nl)).toEqual([
      'Vindt u het moeilijk om elke maand rond te komen?',
      'Slaapt u slecht van geldzorgen?',
      'Stapelt de post zich bij u thuis weleens op?',
    ]);
    expect(ruleSet.positiveWhen.minYes).toBe(1);
    expect(ruleSet.referral).toMatchObject({ endpoint: 'sociaal-wijkteam', category: 'financial-insecurity', includeDiagnosisCodes: false });
  });

  it('include a second, realistic example: loneliness, looking in the history too', () => {
    expect(loneliness).toMatchObject({ lookIn: 'consult-and-history', referral: { category: 'social-connection' }, positiveWhen: { minYes: 2 } });
    expect(loneliness.triggers.codeRanges).toEqual([expect.objectContaining({ range: 'Z05-Z12' })]);
  });
});

describe('code matching', () => {
  it('matches a code typed into a field, and subcodes on their three-character code', () => {
    expect(codesIn('N01')).toEqual(['N01']);
    const [match] = matcher.scan('L03.01');
    expect(match).toMatchObject({ ruleSetId: 'vroegsignaal-geldzorgen', trigger: { kind: 'code', code: 'L03.01', baseCode: 'L03', title: { nl: 'Lage rugpijn' } } });
  });

  it('finds codes inside consult text, once per rule set per piece of text', () => {
    expect(codesIn('E: P06 slecht slapen sinds de scheiding, ook N02.')).toEqual(['P06']);
  });

  it('reads lower-case codes only where codes are typed, never in running text', () => {
    expect(triggersIn(matcher, 'n01', 'diagnosis')).toEqual(['vroegsignaal-geldzorgen:N01']);
    expect(triggersIn(matcher, 'l03.01', 'diagnosis')).toEqual(['vroegsignaal-geldzorgen:L03.01']);
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

  it('counts ranges from their first to their last code, within one chapter', () => {
    const ranged = compileTriggers([withTriggers({ codeRanges: [{ range: 'P01-P03', title: { nl: 'Psychisch', en: 'Psychological' } }] })]);
    for (const code of ['P01', 'P02', 'P03']) expect(triggersIn(ranged, code), code).toEqual([`test-set:${code}`]);
    for (const code of ['P04', 'P00', 'N02']) expect(triggersIn(ranged, code), code).toEqual([]);
  });

  it('counts chapter prefixes and chapter-with-digit prefixes', () => {
    const chapter = compileTriggers([withTriggers({ codePrefixes: [{ prefix: 'Z', title: { nl: 'Sociaal', en: 'Social' } }] })]);
    expect(triggersIn(chapter, 'Z29 en Z01')).toEqual(['test-set:Z29']);
    const digit = compileTriggers([withTriggers({ codePrefixes: [{ prefix: 'P0', title: { nl: 'Psychisch', en: 'Psychological' } }] })]);
    expect(triggersIn(digit, 'P09')).toEqual(['test-set:P09']);
    expect(triggersIn(digit, 'P10')).toEqual([]);
  });

  it('matches a rule written for a subcode only on that subcode', () => {
    const sub = compileTriggers([withTriggers({ codes: [{ code: 'L03.01', title: { nl: 'Spit', en: 'Lumbago' } }] })]);
    expect(triggersIn(sub, 'L03.01')).toEqual(['test-set:L03.01']);
    expect(triggersIn(sub, 'L03')).toEqual([]);
    expect(triggersIn(sub, 'L03.02')).toEqual([]);
  });
});

describe('terms and diagnosis names', () => {
  it('match whole words, ignoring case and accents, in every locale the rule set lists', () => {
    expect(triggersIn(matcher, 'Patiënt noemt GELDZÓRGEN en een deurwaarder.')).toEqual(['vroegsignaal-geldzorgen:term geldzorgen']);
    expect(triggersIn(matcher, 'Has money worries')).toEqual(['vroegsignaal-geldzorgen:term money worries']);
  });

  it('never match inside other words', () => {
    for (const text of ['geldzorgenvrij', 'ongeldzorgen', 'debtsx', 'schuldenlast']) expect(triggersIn(matcher, text), text).toEqual([]);
  });

  it('keep to the page language when the adapter or page names it', () => {
    const dutchOnly = compileTriggers([ruleSet], ['nl']);
    expect(triggersIn(dutchOnly, 'money worries')).toEqual([]);
    expect(triggersIn(dutchOnly, 'geldzorgen')).toEqual(['vroegsignaal-geldzorgen:term geldzorgen']);
  });

  it('count a diagnosis name as its code where the EHR shows diagnoses, not in running text', () => {
    expect(triggersIn(matcher, 'Hoofdpijn', 'diagnosis')).toEqual(['vroegsignaal-geldzorgen:N01 (hoofdpijn)']);
    expect(triggersIn(matcher, 'Headache', 'diagnosis')).toEqual(['vroegsignaal-geldzorgen:N01 (headache)']);
    expect(triggersIn(matcher, 'al weken hoofdpijn')).toEqual([]);
  });

  it('take a regular-expression character in a term literally', () => {
    const literal = compileTriggers([withTriggers({ terms: [{ term: 'schuld (.*)', locale: 'nl' }] })]);
    expect(triggersIn(literal, 'schuld (.*) genoemd')).toEqual(['test-set:term schuld (.*)']);
    expect(triggersIn(literal, 'schuld bij de bank')).toEqual([]);
  });
});

describe('several rule sets at once', () => {
  it('report each rule set that fires on the same text, once', () => {
    const both = compileTriggers([ruleSet, loneliness]);
    expect(triggersIn(both, 'P06 slecht slapen, voelt zich eenzaam')).toEqual([
      'vroegsignaal-geldzorgen:P06',
      'vroegsignaal-eenzaamheid:P06',
    ]);
  });

  it('ask a question two rule sets share only once', () => {
    const sharing = { ...loneliness, questions: [...loneliness.questions, ruleSet.questions[0]!] };
    const questions = combinedQuestions([ruleSet, sharing]);
    expect(questions.map((q) => q.id)).toEqual(['make-ends-meet', 'sleep-money-worries', 'unopened-mail', 'often-alone', 'misses-people', 'wants-more-contact']);
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
    expect(evaluateScreen(loneliness, { 'often-alone': 'yes' }).positive).toBe(false);
    expect(evaluateScreen(loneliness, { 'often-alone': 'yes', 'wants-more-contact': 'yes' }).positive).toBe(true);
  });
});

describe('recurrence', () => {
  const now = new Date(2026, 10, 26);
  const recurring = { ...ruleSet, recurrence: { minEpisodes: 2, withinMonths: 12 } };
  const history = (...entries: Array<[string, string]>) => entries.map(([date, text]) => ({ date: parseHistoryDate(date), text }));

  it('is met by enough earlier episodes with a trigger inside the window', () => {
    expect(recurrenceMet(recurring, matcher, history(['03-02-2026', 'E N01 Hoofdpijn'], ['15-09-2026', 'E P06 Slaapstoornis']), now)).toBe(true);
  });

  it('is not met by too few, too old, undated or unrelated episodes', () => {
    expect(recurrenceMet(recurring, matcher, history(['03-02-2026', 'E N01']), now)).toBe(false);
    expect(recurrenceMet(recurring, matcher, history(['03-02-2024', 'E N01'], ['15-09-2026', 'E P06']), now)).toBe(false);
    expect(recurrenceMet(recurring, matcher, history(['onbekend', 'E N01'], ['15-09-2026', 'E P06']), now)).toBe(false);
    expect(recurrenceMet(recurring, matcher, history(['03-02-2026', 'E R74'], ['15-09-2026', 'E P06']), now)).toBe(false);
  });

  it('does not apply to a rule set without a recurrence condition', () => {
    expect(recurrenceMet(ruleSet, matcher, [], now)).toBe(true);
  });

  it('reads dates as EHRs write them and refuses impossible ones', () => {
    expect(parseHistoryDate('03-02-2026')).toEqual(new Date(2026, 1, 3));
    expect(parseHistoryDate('3-2-2026')).toEqual(new Date(2026, 1, 3));
    expect(parseHistoryDate('03/02/2026')).toEqual(new Date(2026, 1, 3));
    expect(parseHistoryDate('2026-02-03')).toEqual(new Date(2026, 1, 3));
    expect(parseHistoryDate('31-02-2026')).toBeNull();
    expect(parseHistoryDate('gisteren')).toBeNull();
  });
});

describe('diagnosis codes in a note', () => {
  it('are listed in any case when asked to, so a note never carries one by accident', () => {
    expect(findIcpcCodes('bekend met N01 en L03.01, geen N011 of e12')).toEqual(['N01', 'L03.01']);
    expect(findIcpcCodes('bekend met n01 en l03.01', true)).toEqual(['N01', 'L03.01']);
  });
});
