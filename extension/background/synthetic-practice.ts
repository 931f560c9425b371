import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import type { ScreeningAnswer } from '../../contract/referral-bundle';
import { OUTCOME_DISPLAY_NL, type ReferralFeedback, type ReferralOutcome, type ReferralPartner } from '../../contract/referral-status';
import { addCalendarDays, addWorkingDays, callbackDeadline, isWorkingDay, localDateOf, startOfLocalDay, type HolidayCalendar } from '../../contract/working-days';
import { PILOT_SEED, type ReportPeriod } from '../shared/report';
import type { RuleSet } from '../shared/rule-set';
import type { ReferralOutboxEntry, ScreeningEvent, VroegsignaalDatabase } from './database';
import { seededRandom } from '../shared/seeded-random';

// A lived-in practice for demonstrations: 15 months of prompts, screenings with their answers,
// dismissals with reasons, consent declined, and referrals delivered with the social team's
// feedback at realistic times. Seeded, so the same seed (and day) gives the same history; every
// record is marked `synthetic: true`, and the patients are random pseudonyms that no real patient's
// salted hash can equal (a real one is 64 hex digits, these start with "synthetic-").
//
// The seed `maastricht-pilot` ({@link PILOT_SEED}) reproduces the Maastricht pilot exactly: 46
// referrals in the 15 months, 41 handled by the social team with partners, 3 passed to the credit
// bank, 1 already known there, 1 declined help — every one of them closed before today.

/** How many calendar months the synthetic history covers, the current one included. */
export const SYNTHETIC_MONTHS = 15;

const MINUTE_MS = 60_000;
const PILOT_OUTCOMES: ReadonlyArray<[ReferralOutcome, number]> = [
  ['handled-with-partners', 41],
  ['passed-to-credit-bank', 3],
  ['known-at-credit-bank', 1],
  ['declined', 1],
];
/** The endpoint synthetic referrals name: never configured, never reached (`.invalid` cannot resolve). */
const SYNTHETIC_ENDPOINT = { id: 'synthetisch-sociaal-team', url: 'https://sociaal-team.synthetisch.invalid/fhir', name: 'Sociaal wijkteam (synthetisch)' };

/** A `prompt.shown` moment of the synthetic practice. */
export interface SyntheticPrompt {
  at: string;
  patientHash: string;
  ruleSetId: string;
}

/** The synthetic practice's history, as plain records ready for the stores. */
export interface SyntheticPractice {
  seed: string;
  /** The 15 calendar months it covers: the first day of the month 14 months back to today. */
  period: ReportPeriod;
  prompts: SyntheticPrompt[];
  screenings: ScreeningEvent[];
  referrals: ReferralOutboxEntry[];
}

export interface SyntheticPracticeOptions {
  /** Today: the history ends before it. */
  now: Date;
  /** The rule set the screenings use (its questions and when it is positive). */
  ruleSet: Pick<RuleSet, 'id' | 'version' | 'questions' | 'positiveWhen'>;
  calendar?: HolidayCalendar;
}

/** The 15 calendar months ending today, on the practice's clock: what the "last 15 months" preset shows. */
export function syntheticPeriod(now: Date): ReportPeriod {
  const today = localDateOf(now);
  let year = Number(today.slice(0, 4));
  let month = Number(today.slice(5, 7)) - (SYNTHETIC_MONTHS - 1);
  while (month < 1) {
    month += 12;
    year -= 1;
  }
  return { from: `${year}-${String(month).padStart(2, '0')}-01`, to: today };
}

/**
 * Generates the synthetic practice for `seed`. Pure: the same seed, day and rule set give the same
 * records, to the millisecond. Nothing is stored here ({@link writeSyntheticPractice} does that).
 */
export function generateSyntheticPractice(seed: string, options: SyntheticPracticeOptions): SyntheticPractice {
  const random = seededRandom(seed);
  const calendar = options.calendar ?? dutchHolidayTableCalendar;
  const { ruleSet } = options;
  const nowMs = options.now.getTime();
  const period = syntheticPeriod(options.now);
  const pilot = seed === PILOT_SEED;

  const between = (low: number, high: number) => low + random() * (high - low);
  const whole = (low: number, high: number) => Math.floor(between(low, high + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const hex = (digits: number) => Array.from({ length: digits }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;

  // The practice's patients: pseudonyms only, a list of a few hundred that return now and then.
  const patients = Array.from({ length: 420 }, () => `synthetic-${hex(24)}`);
  // Consults on working days before today, from the first day of the period.
  const workingDays: string[] = [];
  const today = localDateOf(options.now);
  for (let day = period.from; day < today; day = addCalendarDays(day, 1)) if (isWorkingDay(day, calendar)) workingDays.push(day);
  // A moment in surgery hours (08:00–17:00) on a day.
  const consultAt = (day: string) => startOfLocalDay(day).getTime() + Math.round(between(8 * 60, 16 * 60 + 50)) * MINUTE_MS;
  const iso = (ms: number) => new Date(ms).toISOString();

  const trigger = (): ScreeningEvent['trigger'] =>
    random() < 0.8 ? { kind: 'code', baseCode: pick(['N01', 'P06', 'L02', 'L03', 'D01', 'P01', 'P02', 'P03', 'A04']) } : { kind: 'term' };

  /** Answers to the rule set's questions: positive ones have at least its minimum of yes, negative ones fewer. */
  const answers = (positive: boolean): Record<string, ScreeningAnswer> => {
    const result: Record<string, ScreeningAnswer> = {};
    ruleSet.questions.forEach((question, index) => {
      const yesChance = positive ? [0.85, 0.6, 0.45][index] ?? 0.4 : 0.04;
      result[question.id] = random() < yesChance ? 'yes' : random() < 0.08 ? 'not-asked' : 'no';
    });
    const yes = () => ruleSet.questions.filter((question) => result[question.id] === 'yes');
    if (positive) {
      while (yes().length < ruleSet.positiveWhen.minYes) result[pick(ruleSet.questions.filter((question) => result[question.id] !== 'yes')).id] = 'yes';
    } else {
      while (yes().length >= ruleSet.positiveWhen.minYes) result[pick(yes()).id] = 'no';
    }
    return result;
  };

  const prompts: SyntheticPrompt[] = [];
  const screenings: ScreeningEvent[] = [];
  const referrals: ReferralOutboxEntry[] = [];

  /** One consult in which the prompt showed; the screening (if any) a few minutes later. */
  const consult = (day: string, outcome: ScreeningEvent['outcome'] | 'ignored', reason?: 'not-now' | 'not-relevant') => {
    const shownMs = consultAt(day);
    const patientHash = pick(patients);
    prompts.push({ at: iso(shownMs), patientHash, ruleSetId: ruleSet.id });
    if (outcome === 'ignored') return { shownMs, patientHash };
    const atMs = shownMs + Math.round(between(1, 6) * MINUTE_MS);
    const screening: ScreeningEvent = {
      at: iso(atMs),
      patientHash,
      outcome,
      ...(reason ? { reason } : {}),
      trigger: trigger(),
      ruleSetId: ruleSet.id,
      ruleSetVersion: ruleSet.version,
      // A prompt put aside was mostly put aside before anything was asked.
      answers: outcome === 'dismissed' ? Object.fromEntries(ruleSet.questions.map((question) => [question.id, 'not-asked' as const])) : answers(outcome !== 'negative'),
      synthetic: true,
    };
    screenings.push(screening);
    return { shownMs: atMs, patientHash, screening };
  };

  // Referrals: the pilot's all closed well before today, so every one has its outcome.
  const referralCount = pilot ? 46 : whole(28, 60);
  const lastReferralDay = pilot ? addCalendarDays(today, -35) : today;
  const referralDays = workingDays.filter((day) => day < lastReferralDay);
  const outcomes: ReferralOutcome[] = pilot
    ? PILOT_OUTCOMES.flatMap(([outcome, count]) => Array.from({ length: count }, () => outcome))
    : Array.from({ length: referralCount }, () => {
        const roll = random();
        return roll < 0.8 ? 'handled-with-partners' : roll < 0.87 ? 'passed-to-credit-bank' : roll < 0.91 ? 'known-at-credit-bank' : roll < 0.95 ? 'declined' : 'not-reachable';
      });
  // Shuffled (Fisher–Yates) so the rarer outcomes fall anywhere in the period.
  for (let index = outcomes.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [outcomes[index], outcomes[other]] = [outcomes[other]!, outcomes[index]!];
  }
  const days = Array.from({ length: referralCount }, () => pick(referralDays)).sort();
  days.forEach((day, index) => {
    const { shownMs, patientHash, screening } = consult(day, 'referred');
    const createdMs = shownMs + Math.round(between(1, 4) * MINUTE_MS);
    screening!.at = iso(createdMs);
    const deliveredMs = createdMs + Math.round(between(2, 40) * 1000);
    const outcome = outcomes[index]!;
    // Most are called within the promised 2 working days; some later, when the team was busy.
    const contactDay = addWorkingDays(localDateOf(new Date(deliveredMs)), random() < 0.86 ? whole(0, 2) : whole(3, 5), calendar);
    let contactedMs = startOfLocalDay(contactDay).getTime() + Math.round(between(9 * 60, 16 * 60 + 30)) * MINUTE_MS;
    if (contactedMs <= deliveredMs) contactedMs = deliveredMs + Math.round(between(40, 180)) * MINUTE_MS;
    const reached = outcome !== 'not-reachable';
    const closedMs = (reached ? contactedMs : deliveredMs + 5 * 24 * 60 * MINUTE_MS) + Math.round(between(2, 21) * 24 * 60) * MINUTE_MS;
    const contactKnown = reached && contactedMs <= nowMs;
    const closed = closedMs <= nowMs;
    const due = callbackDeadline(new Date(deliveredMs), calendar).overdueFrom;
    const partners: ReferralPartner[] =
      outcome === 'handled-with-partners'
        ? [...new Set([pick(['income-support', 'social-work', 'work-activation', 'language-help', 'income-support'] as const), ...(random() < 0.4 ? [pick(['social-work', 'language-help', 'other'] as const)] : [])])]
        : outcome === 'passed-to-credit-bank'
          ? ['credit-bank']
          : [];
    const feedback: ReferralFeedback = {
      taskStatus: closed ? (outcome === 'not-reachable' ? 'failed' : 'completed') : contactKnown ? 'in-progress' : 'received',
      businessStatus: closed ? outcome : contactKnown ? 'contacted' : 'received',
      businessStatusText: closed ? OUTCOME_DISPLAY_NL[outcome] : null,
      contactedAt: contactKnown ? iso(contactedMs) : null,
      failedAttempts: reached ? (random() < 0.25 ? 1 : 0) : 3,
      outcome: closed ? outcome : null,
      partners: closed ? partners : [],
      noteForGp: null,
      callbackDueBy: due.toISOString(),
      lastModified: iso(Math.min(closed ? closedMs : contactKnown ? contactedMs : deliveredMs, nowMs)),
    };
    const referralId = uuid();
    referrals.push({
      key: referralId,
      kind: 'referral',
      referralId,
      patientHash,
      ruleSetId: ruleSet.id,
      createdAt: iso(createdMs),
      endpointId: SYNTHETIC_ENDPOINT.id,
      endpoint: SYNTHETIC_ENDPOINT.url,
      recipient: SYNTHETIC_ENDPOINT.name,
      format: 'fhir-r4',
      state: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastAttemptAt: iso(createdMs),
      deliveredAt: iso(deliveredMs),
      body: null,
      feedback,
      feedbackCheckedAt: feedback.lastModified!,
      ...(closed ? { closedAt: iso(closedMs) } : {}),
      synthetic: true,
    });
  });

  // The rest of the practice's screening life, spread over every working day of the period.
  const scaled = (count: number) => (pilot ? count : Math.round(count * between(0.7, 1.3)));
  const rest: Array<[ScreeningEvent['outcome'] | 'ignored', number, ('not-now' | 'not-relevant')?]> = [
    ['consent-declined', scaled(7)],
    ['negative', scaled(104)],
    ['dismissed', scaled(48), 'not-now'],
    ['dismissed', scaled(27), 'not-relevant'],
    ['ignored', scaled(36)],
  ];
  for (const [outcome, count, reason] of rest) for (let index = 0; index < count; index++) consult(pick(workingDays), outcome, reason);

  const byTime = <T extends { at: string }>(a: T, b: T) => a.at.localeCompare(b.at);
  return { seed, period, prompts: prompts.sort(byTime), screenings: screenings.sort(byTime), referrals: referrals.sort((a, b) => a.createdAt.localeCompare(b.createdAt)) };
}

/** Where the synthetic practice's prompt moments go: beside the audit log, never into it (see reporting-service.ts). */
export interface SyntheticPromptLog {
  /** Replaces the synthetic prompts with these. */
  addSyntheticPrompts(prompts: readonly SyntheticPrompt[]): Promise<void>;
  /** Removes every synthetic prompt; answers how many there were. */
  removeSyntheticPrompts(): Promise<number>;
  /** How many synthetic prompts there are. */
  countSyntheticPrompts(): Promise<number>;
}

/** Writes a synthetic practice into the stores, after removing any earlier synthetic data. */
export async function writeSyntheticPractice(db: VroegsignaalDatabase, practice: SyntheticPractice, prompts: SyntheticPromptLog): Promise<number> {
  await clearSyntheticPractice(db, prompts);
  const tx = db.transaction(['outbox', 'screenings'], 'readwrite');
  await Promise.all([
    ...practice.referrals.map((entry) => tx.objectStore('outbox').add(entry)),
    ...practice.screenings.map((screening) => tx.objectStore('screenings').add(screening)),
    tx.done,
  ]);
  await prompts.addSyntheticPrompts(practice.prompts);
  return practice.referrals.length + practice.screenings.length + practice.prompts.length;
}

/** Removes every record marked synthetic from the stores; real records stay as they are. Answers how many went. */
export async function clearSyntheticPractice(db: VroegsignaalDatabase, prompts: SyntheticPromptLog): Promise<number> {
  let removed = 0;
  const tx = db.transaction(['outbox', 'screenings'], 'readwrite');
  for (const storeName of ['outbox', 'screenings'] as const) {
    let cursor = await tx.objectStore(storeName).openCursor();
    while (cursor) {
      if ((cursor.value as { synthetic?: boolean }).synthetic === true) {
        await cursor.delete();
        removed += 1;
      }
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  return removed + (await prompts.removeSyntheticPrompts());
}

/** How many records marked synthetic the stores hold. */
export async function countSyntheticRecords(db: VroegsignaalDatabase, prompts: SyntheticPromptLog): Promise<number> {
  const [outbox, screenings] = await Promise.all([db.getAll('outbox'), db.getAll('screenings')]);
  const marked = [...outbox, ...screenings].filter((record) => (record as { synthetic?: boolean }).synthetic === true).length;
  return marked + (await prompts.countSyntheticPrompts());
}
