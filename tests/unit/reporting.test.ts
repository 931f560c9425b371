import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import type { ReferralFeedback } from '../../contract/referral-status';
import { openVroegsignaalDatabase, type ReferralOutboxEntry, type ScreeningEvent } from '../../extension/background/database';
import { aggregateReport, median, monthsOf, periodBounds, type ReportInput } from '../../extension/background/reporting';
import { createRetention } from '../../extension/background/retention';
import { generateSyntheticPractice, syntheticPeriod } from '../../extension/background/synthetic-practice';
import { seededRandom } from '../../extension/shared/seeded-random';
import { csvCell, reportCsv, reportRows } from '../../extension/pages/report/report-rows';
import { presetPeriod } from '../../extension/pages/report/periods';
import { translatorFromBundle } from '../../extension/shared/i18n';
import { PILOT_SEED, type ReportView } from '../../extension/shared/report';
import nl from '../../extension/public/_locales/nl/messages.json';
import en from '../../extension/public/_locales/en/messages.json';
import { createTestBackground, OPTIONS_SENDER, SIDEBAR_SENDER } from './background-harness';
import { defaultRuleSet, demoHisAdapter, referralFeedback, socialTeamEndpoint } from './helpers';

const money = defaultRuleSet();
const other = { id: 'other', questions: [{ id: 'x1', text: { nl: 'Vraag X', en: 'Question X' } }] };
const MARCH_APRIL = { from: '2026-03-01', to: '2026-04-30' };

function screening(at: string, outcome: ScreeningEvent['outcome'], answers?: Record<string, 'yes' | 'no' | 'not-asked'>, extra: Partial<ScreeningEvent> = {}) {
  return { at, outcome, ruleSetId: money.id, ...(answers ? { answers } : {}), ...extra };
}
const answers = (a: string, b: string, c: string) => ({ 'make-ends-meet': a, 'sleep-money-worries': b, 'unopened-mail': c }) as Record<string, 'yes' | 'no' | 'not-asked'>;

function feedback(fields: Partial<ReferralFeedback>): ReferralFeedback {
  return referralFeedback({ taskStatus: fields.outcome ? 'completed' : 'in-progress', businessStatus: fields.outcome ?? null, ...fields });
}

type ReferralInput = ReportInput['referrals'][number];
function referral(createdAt: string, fields: Partial<ReferralInput> = {}): ReferralInput {
  return { createdAt, state: 'delivered', deliveredAt: createdAt, format: 'fhir-r4', ...fields };
}

/** A small practice whose every figure is worked out by hand in the comments. */
function knownInput(): ReportInput {
  return {
    now: new Date('2026-04-30T10:00:00Z'),
    calendar: dutchHolidayTableCalendar,
    ruleSets: [money, other],
    prompts: [
      { at: '2026-02-28T22:59:59Z' }, // 23:59:59 on 28 February in Amsterdam: before the period
      { at: '2026-02-28T23:00:00Z' }, // midnight, 1 March: in
      { at: '2026-03-15T10:00:00Z' },
      { at: '2026-04-10T09:00:00Z' },
      { at: '2026-04-30T21:59:59Z' }, // 23:59:59 on 30 April (summer time): in
      { at: '2026-04-30T22:00:00Z' }, // midnight, 1 May: after
    ],
    screenings: [
      screening('2026-03-02T09:00:00Z', 'negative', answers('no', 'no', 'no')),
      screening('2026-03-03T09:00:00Z', 'referred', answers('yes', 'no', 'not-asked')),
      screening('2026-03-10T09:00:00Z', 'consent-declined', answers('yes', 'yes', 'no')),
      screening('2026-03-11T09:00:00Z', 'dismissed', answers('not-asked', 'not-asked', 'not-asked'), { reason: 'not-now' }),
      screening('2026-04-01T09:00:00Z', 'dismissed', undefined, { reason: 'not-relevant' }),
      screening('2026-04-02T09:00:00Z', 'negative', { 'old-q': 'no' }, { ruleSetId: 'gone' }),
      screening('2026-04-03T09:00:00Z', 'referred', answers('yes', 'yes', 'yes')),
      screening('2026-04-04T09:00:00Z', 'negative'), // recorded before answers were kept
      screening('2026-04-05T09:00:00Z', 'negative', { x1: 'no' }, { ruleSetId: 'other' }),
      screening('2026-02-28T12:00:00Z', 'referred', answers('yes', 'yes', 'yes')), // before
      screening('2026-05-01T10:00:00Z', 'negative', answers('no', 'no', 'no')), // after
    ],
    referrals: [
      // Tuesday 3 March, called the next day: 24 h, within (due by the end of Thursday 5 March).
      referral('2026-03-03T10:00:00Z', { feedback: feedback({ contactedAt: '2026-03-04T10:00:00Z', outcome: 'handled-with-partners' }) }),
      // Friday 24 April 16:00; Monday 27 April is King's Day, so due by the end of Wednesday 29 April.
      // Called Wednesday 15:00: within, 119 h.
      referral('2026-04-24T14:00:00Z', { feedback: feedback({ contactedAt: '2026-04-29T13:00:00Z', outcome: 'passed-to-credit-bank' }) }),
      // Same Friday, called Thursday 30 April 09:00: late, 136 h 55 min; no outcome yet.
      referral('2026-04-24T14:05:00Z', { feedback: feedback({ contactedAt: '2026-04-30T07:00:00Z' }) }),
      // Easter Monday (a holiday): due by the end of Wednesday 8 April; never reached: late.
      referral('2026-04-06T10:00:00Z', { feedback: feedback({ outcome: 'not-reachable', failedAttempts: 3 }) }),
      // Consent withdrawn after delivery, before any contact: counts as withdrawn, not judged.
      referral('2026-04-08T10:00:00Z', { withdrawnAt: '2026-04-08T12:00:00Z' }),
      // Withdrawn before it was sent: no referral sent at all.
      referral('2026-04-09T10:00:00Z', { state: 'withdrawn', withdrawnAt: '2026-04-09T10:01:00Z' }),
      // Still retrying: sent by the GP, not delivered.
      { createdAt: '2026-04-10T10:00:00Z', state: 'retrying', format: 'fhir-r4' },
      // A webhook endpoint has no way back: delivered, never judged.
      referral('2026-04-13T10:00:00Z', { format: 'json-webhook' }),
      // The receiver's own deadline (12:00) wins: called at 13:00, 3 h, late; patient declined help.
      referral('2026-04-14T10:00:00Z', { feedback: feedback({ contactedAt: '2026-04-14T13:00:00Z', outcome: 'declined', callbackDueBy: '2026-04-14T12:00:00Z' }) }),
      // Wednesday 29 April, no contact yet, due by the end of Friday 1 May: still in time, not judged.
      referral('2026-04-29T10:00:00Z'),
      referral('2026-02-27T10:00:00Z', { feedback: feedback({ contactedAt: '2026-02-27T12:00:00Z', outcome: 'declined' }) }), // before
    ],
  };
}

describe('aggregateReport', () => {
  it('gives every figure of a known practice exactly', () => {
    const report = aggregateReport(knownInput(), MARCH_APRIL);
    const none = { 'handled-with-partners': 0, 'passed-to-credit-bank': 0, 'known-at-credit-bank': 0, declined: 0, 'not-reachable': 0, withdrawn: 0, 'none-yet': 0 };
    expect(report).toEqual({
      period: MARCH_APRIL,
      promptsShown: 4,
      screenings: 7,
      positiveScreenings: 3,
      consentDeclined: 1,
      positiveAnswers: [
        { ruleSetId: money.id, questionId: 'make-ends-meet', text: money.questions[0]!.text, yes: 3, answered: 4 },
        { ruleSetId: money.id, questionId: 'sleep-money-worries', text: money.questions[1]!.text, yes: 2, answered: 4 },
        { ruleSetId: money.id, questionId: 'unopened-mail', text: money.questions[2]!.text, yes: 1, answered: 3 },
        { ruleSetId: 'other', questionId: 'x1', text: { nl: 'Vraag X', en: 'Question X' }, yes: 0, answered: 1 },
        { ruleSetId: 'gone', questionId: 'old-q', text: { nl: 'old-q', en: 'old-q' }, yes: 0, answered: 1 },
      ],
      referralsSent: 9,
      referralsDelivered: 8,
      dismissals: { 'not-now': 1, 'not-relevant': 1 },
      outcomes: { 'handled-with-partners': 1, 'passed-to-credit-bank': 1, 'known-at-credit-bank': 0, declined: 1, 'not-reachable': 1, withdrawn: 1, 'none-yet': 4 },
      contact: { contacted: 4, medianHoursToContact: 71.5, judged: 5, withinTwoWorkingDays: 2, shareWithinTwoWorkingDays: 0.4 },
      months: [
        {
          month: '2026-03',
          promptsShown: 2,
          screenings: 3,
          positiveScreenings: 2,
          consentDeclined: 1,
          dismissals: 1,
          referralsSent: 1,
          outcomes: { ...none, 'handled-with-partners': 1 },
        },
        {
          month: '2026-04',
          promptsShown: 2,
          screenings: 4,
          positiveScreenings: 1,
          consentDeclined: 0,
          dismissals: 1,
          referralsSent: 8,
          outcomes: { ...none, 'passed-to-credit-bank': 1, declined: 1, 'not-reachable': 1, withdrawn: 1, 'none-yet': 4 },
        },
      ],
    });
  });

  it('counts a period from local midnight to local midnight, summer time included', () => {
    expect(periodBounds(MARCH_APRIL)).toEqual({ startMs: Date.parse('2026-02-28T23:00:00Z'), endMs: Date.parse('2026-04-30T22:00:00Z') });
    const oneDay = aggregateReport(knownInput(), { from: '2026-04-30', to: '2026-04-30' });
    expect(oneDay.promptsShown).toBe(1);
    expect(oneDay.months.map((month) => month.month)).toEqual(['2026-04']);
    expect(aggregateReport(knownInput(), { from: '2026-03-01', to: '2026-03-01' }).promptsShown).toBe(1);
    expect(aggregateReport(knownInput(), { from: '2026-02-28', to: '2026-02-28' }).promptsShown).toBe(1);
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('judges the 2-working-day promise across a weekend and a public holiday', () => {
    const friday = '2026-04-24T14:00:00Z'; // Friday 16:00; Saturday, Sunday and King's Day do not count
    const at = (contactedAt: string | null) =>
      aggregateReport(
        { ...knownInput(), referrals: [referral(friday, { feedback: feedback({ contactedAt }) })], now: new Date('2026-05-04T10:00:00Z') },
        MARCH_APRIL,
      ).contact;
    expect(at('2026-04-29T21:59:00Z')).toMatchObject({ judged: 1, withinTwoWorkingDays: 1 }); // 23:59 on Wednesday
    expect(at('2026-04-29T22:00:00Z')).toMatchObject({ judged: 1, withinTwoWorkingDays: 0 }); // midnight: Thursday
    expect(at('2026-04-27T10:00:00Z')).toMatchObject({ judged: 1, withinTwoWorkingDays: 1, medianHoursToContact: 68 }); // on the holiday itself
    expect(at(null)).toMatchObject({ judged: 1, withinTwoWorkingDays: 0, contacted: 0, medianHoursToContact: null, shareWithinTwoWorkingDays: 0 });
  });

  it('takes the median of an odd and an even count, and none of nothing', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 10])).toBe(3.5);
    expect(median([])).toBeNull();
  });
});

describe('synthetic practice', () => {
  const now = new Date('2026-11-26T10:00:00Z');

  it('reproduces the Maastricht pilot exactly with its seed: 46 referrals, 41/3/1/1', () => {
    const practice = generateSyntheticPractice(PILOT_SEED, { now, ruleSet: money });
    expect(practice.period).toEqual({ from: '2025-09-01', to: '2026-11-26' });
    expect(practice.period).toEqual(presetPeriod('last-15-months', '2026-11-26'));
    const report = aggregateReport(
      { prompts: practice.prompts, screenings: practice.screenings, referrals: practice.referrals, ruleSets: [money], calendar: dutchHolidayTableCalendar, now },
      practice.period,
    );
    expect(report.referralsSent).toBe(46);
    expect(report.referralsDelivered).toBe(46);
    expect(report.outcomes).toEqual({ 'handled-with-partners': 41, 'passed-to-credit-bank': 3, 'known-at-credit-bank': 1, declined: 1, 'not-reachable': 0, withdrawn: 0, 'none-yet': 0 });
    expect(report.consentDeclined).toBe(7);
    expect(report.positiveScreenings).toBe(46 + 7);
    expect(report.screenings).toBe(46 + 7 + 104);
    expect(report.dismissals).toEqual({ 'not-now': 48, 'not-relevant': 27 });
    expect(report.promptsShown).toBe(46 + 7 + 104 + 48 + 27 + 36);
    expect(report.months).toHaveLength(15);
    expect(report.months.reduce((sum, month) => sum + month.referralsSent, 0)).toBe(46);
    expect(report.contact.contacted).toBe(46); // everyone was reached, the one who declined help too
    expect(report.contact.shareWithinTwoWorkingDays).toBeGreaterThan(0.6);
    // Everything in it is marked synthetic, and its patients are pseudonyms only.
    expect([...practice.screenings, ...practice.referrals].every((record) => record.synthetic === true)).toBe(true);
    expect(practice.referrals.every((entry) => /^synthetic-[0-9a-f]{24}$/.test(entry.patientHash) && entry.body === null && entry.pollDueAt === undefined)).toBe(true);
    // Nothing happens after today.
    expect([...practice.prompts.map((p) => p.at), ...practice.screenings.map((s) => s.at), ...practice.referrals.flatMap((r) => [r.createdAt, r.deliveredAt!, r.feedback?.contactedAt ?? r.createdAt, r.closedAt ?? r.createdAt])].every((at) => Date.parse(at) <= now.getTime())).toBe(true);
  });

  it('gives the same data for the same seed, and other data for another', () => {
    const one = generateSyntheticPractice(PILOT_SEED, { now, ruleSet: money });
    const two = generateSyntheticPractice(PILOT_SEED, { now, ruleSet: money });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    const other = generateSyntheticPractice('praktijk-de-linde', { now, ruleSet: money });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(one));
    const random = seededRandom('x');
    expect([random(), random()]).toEqual(((r) => [r(), r()])(seededRandom('x')));
  });

  it('keeps the screens positive or negative as the rule set says', () => {
    const practice = generateSyntheticPractice('praktijk-de-linde', { now, ruleSet: money });
    for (const event of practice.screenings) {
      const yes = Object.values(event.answers ?? {}).filter((answer) => answer === 'yes').length;
      if (event.outcome === 'referred' || event.outcome === 'consent-declined') expect(yes).toBeGreaterThanOrEqual(1);
      if (event.outcome === 'negative') expect(yes).toBe(0);
    }
  });
});

describe('report CSV', () => {
  const t = translatorFromBundle(nl);

  it('writes exactly the rows of the table, semicolon-separated, with a byte-order mark', () => {
    const report = aggregateReport(knownInput(), MARCH_APRIL);
    const rows = reportRows(report, t, 'nl');
    const csv = reportCsv(rows, t);
    const lines = csv.replace(/^\uFEFF/, '').split('\r\n');
    expect(csv.startsWith('\uFEFFOnderdeel;Cijfer;Waarde\r\n')).toBe(true);
    expect(lines).toHaveLength(rows.length + 2); // header, rows, the empty string after the last CRLF
    expect(lines).toContain('Verwijzingen;Verwijzingen verstuurd;9');
    expect(lines).toContain('Terugkoppeling van het sociaal team;Opgepakt door het sociaal team met partners;1');
    expect(lines).toContain('Terugkoppeling van het sociaal team;Nog geen uitkomst;4');
    expect(lines).toContain('Contact met de patiënt;Mediane tijd tot eerste contact (kalenderuren na aflevering);71,5');
    expect(lines).toContain('Contact met de patiënt;Aandeel gebeld binnen 2 werkdagen;40,0%');
    expect(lines).toContain('Ja-antwoorden per vraag;Vindt u het moeilijk om elke maand rond te komen?;3');
    expect(lines).toContain('Per maand: apr 2026;Verwijzingen verstuurd;8');
    expect(lines).toContain('Weggeklikte meldingen, per reden;Niet relevant;1');
    const english = reportRows(report, translatorFromBundle(en), 'en');
    expect(english.find((row) => row.id === 'contact.medianHours')!.value).toBe('71.5');
  });

  it('quotes what needs quoting and disarms formulas', () => {
    expect(csvCell('gewoon')).toBe('gewoon');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('zei "ja"')).toBe('"zei ""ja"""');
    expect(csvCell('regel\neen')).toBe('"regel\neen"');
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+31')).toBe("'+31");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    const question = { ruleSetId: 'r', questionId: 'q', text: { nl: '=1+1; kwaad', en: '=1+1' }, yes: 2, answered: 2 };
    const report = { ...aggregateReport(knownInput(), MARCH_APRIL), positiveAnswers: [question] };
    expect(reportCsv(reportRows(report, t, 'nl'), t)).toContain('\r\nJa-antwoorden per vraag;"\'=1+1; kwaad";2\r\n');
  });
});

describe('report messages', () => {
  async function background(name: string) {
    const db = await openVroegsignaalDatabase(name);
    const saved: Record<string, unknown> = { configuration: { adapters: [demoHisAdapter()], endpoints: [socialTeamEndpoint()] } };
    const world = createTestBackground({ db, saved, fetch: (async () => new Response('{}', { status: 201 })) as typeof fetch, now: () => Date.parse('2026-11-26T10:00:00Z') });
    return { db, ...world };
  }
  const pilotPeriod = syntheticPeriod(new Date('2026-11-26T10:00:00Z'));

  it('seeds the pilot, reports it exactly, marks it synthetic, keeps it out of the audit log, and removes it again', async () => {
    const { handle, auditLog, db } = await background('report-messages');
    // One real screening, which must survive the synthetic data's removal.
    const recorded = await handle(
      { type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: [money.id], outcome: 'consent-declined', trigger: { kind: 'term' }, answers: { 'make-ends-meet': 'yes' } },
      SIDEBAR_SENDER,
    );
    expect(recorded).toEqual({ ok: true, data: { recorded: true } });
    expect((await db.getAll('screenings'))[0]).toMatchObject({ outcome: 'consent-declined', answers: { 'make-ends-meet': 'yes', 'sleep-money-worries': 'not-asked', 'unopened-mail': 'not-asked' } });

    const seeded = await handle({ type: 'report/seed-synthetic', seed: PILOT_SEED }, OPTIONS_SENDER);
    expect(seeded.ok && (seeded.data as { records: number }).records).toBe(46 + (46 + 7 + 104 + 48 + 27) + (46 + 7 + 104 + 48 + 27 + 36));
    const got = await handle({ type: 'report/get', ...pilotPeriod }, OPTIONS_SENDER);
    if (!got.ok) throw new Error(JSON.stringify(got));
    const view = got.data as ReportView;
    expect(view.syntheticRecords).toBe(46 + 232 + 268);
    expect(view.report.referralsSent).toBe(46);
    expect(view.report.outcomes).toMatchObject({ 'handled-with-partners': 41, 'passed-to-credit-bank': 3, 'known-at-credit-bank': 1, declined: 1, 'not-reachable': 0, 'none-yet': 0 });
    expect(view.report.consentDeclined).toBe(7 + 1);
    expect(view.report.promptsShown).toBe(268);
    // The audit log records real patients only: no demo entry lands in the practice's legal record.
    const logged = await auditLog.entries({});
    expect(logged.filter((entry) => entry.event === 'prompt.shown' || entry.patient?.startsWith('synthetic'))).toEqual([]);
    expect(await auditLog.verify()).toMatchObject({ ok: true });

    // Seeding again replaces, never doubles.
    await handle({ type: 'report/seed-synthetic', seed: PILOT_SEED }, OPTIONS_SENDER);
    const again = (await handle({ type: 'report/get', ...pilotPeriod }, OPTIONS_SENDER)) as { ok: true; data: ReportView };
    expect(again.data.report).toEqual(view.report);

    const cleared = await handle({ type: 'report/clear-synthetic' }, OPTIONS_SENDER);
    expect(cleared).toEqual({ ok: true, data: { removed: 46 + 232 + 268 } });
    const after = (await handle({ type: 'report/get', ...pilotPeriod }, OPTIONS_SENDER)) as { ok: true; data: ReportView };
    expect(after.data.syntheticRecords).toBe(0);
    expect(after.data.report).toMatchObject({ referralsSent: 0, promptsShown: 0, screenings: 1, consentDeclined: 1 });
    expect(await auditLog.verify()).toMatchObject({ ok: true });
  });

  it('keeps the synthetic practice through the retention purge (the pilot is older than a year)', async () => {
    const { handle, auditLog, db, configuration } = await background('report-retention');
    await handle({ type: 'report/seed-synthetic', seed: PILOT_SEED }, OPTIONS_SENDER);
    const purged = await createRetention({ db, auditLog, configuration: () => configuration.current(), now: () => Date.parse('2026-11-26T10:00:00Z') }).purge();
    expect(purged).toMatchObject({ referrals: 0, screenings: 0 });
    const view = (await handle({ type: 'report/get', ...pilotPeriod }, OPTIONS_SENDER)) as { ok: true; data: ReportView };
    expect(view.data.report.referralsSent).toBe(46);
    expect(view.data.report.outcomes['handled-with-partners']).toBe(41);
  });

  it('answers report messages from the extension pages only, and checks the period', async () => {
    const { handle } = await background('report-senders');
    expect(await handle({ type: 'report/get', from: '2026-01-01', to: '2026-01-31' }, SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle({ type: 'report/seed-synthetic', seed: 'x' }, SIDEBAR_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-sender' } });
    expect(await handle({ type: 'report/get', from: '2026-02-01', to: '2026-01-31' }, OPTIONS_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-message', problems: [{ path: 'to' }] } });
    expect(await handle({ type: 'report/get', from: '2026-02-30', to: '2026-03-31' }, OPTIONS_SENDER)).toMatchObject({ ok: false, error: { code: 'invalid-message' } });
  });

  it('refuses a declined referral for a screen that was not positive', async () => {
    const { handle } = await background('report-declined');
    const refused = await handle(
      { type: 'screening/recorded', adapterId: 'demo-his', patientKey: 'P-1001', ruleSetIds: [money.id], outcome: 'consent-declined', trigger: { kind: 'term' }, answers: { 'make-ends-meet': 'no' } },
      SIDEBAR_SENDER,
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-message', problems: [{ path: 'answers' }] } });
  });
});

describe('period presets', () => {
  it('knows the last 15 months, this year and last quarter', () => {
    expect(presetPeriod('last-15-months', '2026-02-10')).toEqual({ from: '2024-12-01', to: '2026-02-10' });
    expect(presetPeriod('this-year', '2026-02-10')).toEqual({ from: '2026-01-01', to: '2026-02-10' });
    expect(presetPeriod('last-quarter', '2026-02-10')).toEqual({ from: '2025-10-01', to: '2025-12-31' });
    expect(presetPeriod('last-quarter', '2026-08-31')).toEqual({ from: '2026-04-01', to: '2026-06-30' });
  });
});

// The referral type the generator writes is the outbox's own.
const typed: ReferralOutboxEntry['synthetic'] = true;
void typed;
