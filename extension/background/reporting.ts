import { addCalendarDays, callbackDeadline, localDateOf, startOfLocalDay, type HolidayCalendar } from '../../contract/working-days';
import type { LocalizedText } from '../shared/locale';
import {
  DISMISSAL_REASONS,
  REPORT_OUTCOMES,
  type ContactFigures,
  type DismissalReason,
  type MonthFigures,
  type PracticeReport,
  type QuestionFigure,
  type ReportOutcome,
  type ReportPeriod,
} from '../shared/report';
import type { RuleSet } from '../shared/rule-set';
import type { ReferralOutboxEntry, ScreeningEvent } from './database';

// The practice report's arithmetic, pure: plain arrays in, exact figures out, so that every figure
// is tested without a browser or a database. Which records go in is reporting-service.ts's business.
// The definitions are in docs/reporting.md; the comments here say why a case is counted as it is.

const HOUR_MS = 60 * 60 * 1000;

/** What the report is made from. Records outside the period may be included: they are left out here. */
export interface ReportInput {
  /** One per prompt shown (the audit log's `prompt.shown` entries). */
  prompts: ReadonlyArray<{ at: string }>;
  screenings: ReadonlyArray<Pick<ScreeningEvent, 'at' | 'outcome' | 'reason' | 'ruleSetId' | 'answers'>>;
  /** The outbox's referral entries (withdrawal messages are not referrals). */
  referrals: ReadonlyArray<Pick<ReferralOutboxEntry, 'createdAt' | 'state' | 'deliveredAt' | 'feedback' | 'withdrawnAt' | 'format'>>;
  /** The configured rule sets, for the questions' wording and order. */
  ruleSets: ReadonlyArray<Pick<RuleSet, 'id' | 'questions'>>;
  /** Dutch public holidays, for the 2-working-day promise. */
  calendar: HolidayCalendar;
  /** Now: a referral still without contact counts as late only once its deadline has passed. */
  now: Date;
}

/** The instants a period covers on the practice's clock: from the start of `from` to the end of `to`. */
export function periodBounds(period: ReportPeriod): { startMs: number; endMs: number } {
  return { startMs: startOfLocalDay(period.from).getTime(), endMs: startOfLocalDay(addCalendarDays(period.to, 1)).getTime() };
}

/** The calendar months (`YYYY-MM`) a period touches, in order. */
export function monthsOf(period: ReportPeriod): string[] {
  const months: string[] = [];
  let [year, month] = period.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * What became of one referral: the social team's outcome once there is one; a withdrawal of consent
 * before any outcome; otherwise nothing yet.
 */
export function referralOutcome(referral: Pick<ReferralOutboxEntry, 'feedback' | 'withdrawnAt'>): ReportOutcome {
  if (referral.feedback?.outcome) return referral.feedback.outcome;
  if (referral.withdrawnAt) return 'withdrawn';
  return 'none-yet';
}

function zeroOutcomes(): Record<ReportOutcome, number> {
  return Object.fromEntries(REPORT_OUTCOMES.map((outcome) => [outcome, 0])) as Record<ReportOutcome, number>;
}

function zeroDismissals(): Record<DismissalReason, number> {
  return Object.fromEntries(DISMISSAL_REASONS.map((reason) => [reason, 0])) as Record<DismissalReason, number>;
}

const COMPLETED: ReadonlySet<ScreeningEvent['outcome']> = new Set(['negative', 'referred', 'consent-declined']);
const POSITIVE: ReadonlySet<ScreeningEvent['outcome']> = new Set(['referred', 'consent-declined']);

/**
 * When a delivered referral's callback was due: the receiver's deadline when it gave one (it may
 * know of closures we do not), else the end of the 2nd working day after delivery. Null when the
 * holiday table does not cover the year: better not judged than judged a day wrong.
 */
function callbackDueMs(referral: Pick<ReferralOutboxEntry, 'deliveredAt' | 'feedback'>, calendar: HolidayCalendar): number | null {
  const given = referral.feedback?.callbackDueBy ? Date.parse(referral.feedback.callbackDueBy) : Number.NaN;
  if (!Number.isNaN(given)) return given;
  if (!referral.deliveredAt) return null;
  try {
    return callbackDeadline(new Date(referral.deliveredAt), calendar).overdueFrom.getTime();
  } catch {
    return null;
  }
}

/**
 * Every figure of the practice report for one period, exactly. Events count in the period their
 * moment falls in (a referral by when the GP sent it, its outcome and contact with it, however late
 * they came back); months are calendar months on the practice's clock.
 */
export function aggregateReport(input: ReportInput, period: ReportPeriod): PracticeReport {
  const { startMs, endMs } = periodBounds(period);
  const inPeriod = (iso: string) => {
    const at = Date.parse(iso);
    return at >= startMs && at < endMs;
  };
  const monthOf = (iso: string) => localDateOf(new Date(iso)).slice(0, 7);
  const months = new Map<string, MonthFigures>(
    monthsOf(period).map((month) => [
      month,
      { month, promptsShown: 0, screenings: 0, positiveScreenings: 0, consentDeclined: 0, dismissals: 0, referralsSent: 0, outcomes: zeroOutcomes() },
    ]),
  );
  const monthFor = (iso: string) => months.get(monthOf(iso))!;

  let promptsShown = 0;
  for (const prompt of input.prompts) {
    if (!inPeriod(prompt.at)) continue;
    promptsShown += 1;
    monthFor(prompt.at).promptsShown += 1;
  }

  let screenings = 0;
  let positiveScreenings = 0;
  let consentDeclined = 0;
  const dismissals = zeroDismissals();
  // Per rule set, per question: [yes, answered].
  const answerCounts = new Map<string, Map<string, [number, number]>>();
  for (const screening of input.screenings) {
    if (!inPeriod(screening.at)) continue;
    const month = monthFor(screening.at);
    if (screening.outcome === 'dismissed') {
      // A dismissal is not a screening: the questions were put aside, whatever was answered by then.
      dismissals[screening.reason ?? 'not-now'] += 1;
      month.dismissals += 1;
      continue;
    }
    if (!COMPLETED.has(screening.outcome)) continue;
    screenings += 1;
    month.screenings += 1;
    if (POSITIVE.has(screening.outcome)) {
      positiveScreenings += 1;
      month.positiveScreenings += 1;
    }
    if (screening.outcome === 'consent-declined') {
      consentDeclined += 1;
      month.consentDeclined += 1;
    }
    let perQuestion = answerCounts.get(screening.ruleSetId);
    if (!perQuestion) answerCounts.set(screening.ruleSetId, (perQuestion = new Map()));
    for (const [questionId, answer] of Object.entries(screening.answers ?? {})) {
      const counts = perQuestion.get(questionId) ?? [0, 0];
      if (answer === 'yes') counts[0] += 1;
      if (answer === 'yes' || answer === 'no') counts[1] += 1;
      perQuestion.set(questionId, counts);
    }
  }

  const outcomes = zeroOutcomes();
  let referralsSent = 0;
  let referralsDelivered = 0;
  const hoursToContact: number[] = [];
  let judged = 0;
  let withinTwoWorkingDays = 0;
  const nowMs = input.now.getTime();
  for (const referral of input.referrals) {
    // Withdrawn before it was sent: nothing reached the social team, so it is no referral sent.
    if (referral.state === 'withdrawn' || !inPeriod(referral.createdAt)) continue;
    referralsSent += 1;
    const outcome = referralOutcome(referral);
    outcomes[outcome] += 1;
    const month = monthFor(referral.createdAt);
    month.referralsSent += 1;
    month.outcomes[outcome] += 1;
    if (!referral.deliveredAt) continue;
    referralsDelivered += 1;
    const deliveredMs = Date.parse(referral.deliveredAt);
    const contactedMs = referral.feedback?.contactedAt ? Date.parse(referral.feedback.contactedAt) : Number.NaN;
    const dueMs = callbackDueMs(referral, input.calendar);
    if (!Number.isNaN(contactedMs)) {
      hoursToContact.push(Math.max(0, contactedMs - deliveredMs) / HOUR_MS);
      if (dueMs !== null) {
        judged += 1;
        if (contactedMs < dueMs) withinTwoWorkingDays += 1;
      }
    } else if (dueMs !== null && nowMs >= dueMs && !referral.withdrawnAt && referral.format === 'fhir-r4') {
      // Past the deadline without contact: late. Not for a webhook endpoint, which has no way back
      // to tell contact from silence, nor for a withdrawn consent, which ended the callback.
      judged += 1;
    }
  }
  const contact: ContactFigures = {
    contacted: hoursToContact.length,
    medianHoursToContact: median(hoursToContact),
    judged,
    withinTwoWorkingDays,
    shareWithinTwoWorkingDays: judged === 0 ? null : withinTwoWorkingDays / judged,
  };

  return {
    period: { ...period },
    promptsShown,
    screenings,
    positiveScreenings,
    consentDeclined,
    positiveAnswers: questionFigures(answerCounts, input.ruleSets),
    referralsSent,
    referralsDelivered,
    dismissals,
    outcomes,
    contact,
    months: [...months.values()],
  };
}

/** The yes counts in the rule sets' own order of questions; rule sets no longer configured after them. */
function questionFigures(counts: Map<string, Map<string, [number, number]>>, ruleSets: ReportInput['ruleSets']): QuestionFigure[] {
  const figures: QuestionFigure[] = [];
  const fallback = (id: string): LocalizedText => ({ nl: id, en: id });
  const known = new Set<string>();
  for (const ruleSet of ruleSets) {
    const perQuestion = counts.get(ruleSet.id);
    if (!perQuestion) continue;
    known.add(ruleSet.id);
    for (const question of ruleSet.questions) {
      const [yes, answered] = perQuestion.get(question.id) ?? [0, 0];
      figures.push({ ruleSetId: ruleSet.id, questionId: question.id, text: question.text, yes, answered });
    }
    // A question the rule set has since dropped still counts for the screenings that asked it.
    for (const [questionId, [yes, answered]] of perQuestion) {
      if (!ruleSet.questions.some((question) => question.id === questionId)) figures.push({ ruleSetId: ruleSet.id, questionId, text: fallback(questionId), yes, answered });
    }
  }
  for (const [ruleSetId, perQuestion] of [...counts].sort(([a], [b]) => a.localeCompare(b))) {
    if (known.has(ruleSetId)) continue;
    for (const [questionId, [yes, answered]] of perQuestion) figures.push({ ruleSetId, questionId, text: fallback(questionId), yes, answered });
  }
  return figures;
}
