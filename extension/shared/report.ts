import type { LocalizedText } from './locale';

// The practice report as the background computes it (background/reporting.ts) and the report page
// shows it (pages/report/). Types and constants only, so that both sides agree on every figure.

/** A reporting period: local dates (`YYYY-MM-DD`) on the practice's clock, both days included. */
export interface ReportPeriod {
  from: string;
  to: string;
}

/**
 * What became of a referral, as reported back by the social team: its outcome, consent withdrawn
 * by the patient, or nothing yet (not delivered, or delivered and still open).
 */
export const REPORT_OUTCOMES = ['handled-with-partners', 'passed-to-credit-bank', 'known-at-credit-bank', 'declined', 'not-reachable', 'withdrawn', 'none-yet'] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** Why a GP put a prompt aside. */
export const DISMISSAL_REASONS = ['not-now', 'not-relevant'] as const;
export type DismissalReason = (typeof DISMISSAL_REASONS)[number];

/** How often one question was answered "yes" in the period's screenings. */
export interface QuestionFigure {
  ruleSetId: string;
  questionId: string;
  /** The question as the rule set words it (the id again when the rule set is no longer configured). */
  text: LocalizedText;
  /** Screenings in which it was answered yes. */
  yes: number;
  /** Screenings in which it was answered at all (yes or no). */
  answered: number;
}

/** One calendar month of the period (on the practice's clock), for the charts. */
export interface MonthFigures {
  /** `YYYY-MM`. */
  month: string;
  promptsShown: number;
  screenings: number;
  positiveScreenings: number;
  consentDeclined: number;
  dismissals: number;
  referralsSent: number;
  /** The referrals sent this month by what became of them. */
  outcomes: Record<ReportOutcome, number>;
}

/** How fast the social team reached the patient, over the delivered referrals read back. */
export interface ContactFigures {
  /** Delivered referrals whose first contact is known. */
  contacted: number;
  /** Median calendar hours from delivery to first contact; null without any contact. */
  medianHoursToContact: number | null;
  /**
   * Delivered referrals that could be judged against the 2-working-day promise: contacted, or still
   * without contact after their deadline (open ones still within it are left out).
   */
  judged: number;
  /** Of those, contacted by the end of the 2nd working day after delivery. */
  withinTwoWorkingDays: number;
  /** `withinTwoWorkingDays / judged`, null when nothing could be judged. */
  shareWithinTwoWorkingDays: number | null;
}

/** Every figure of the practice report for one period. Definitions: docs/reporting.md. */
export interface PracticeReport {
  period: ReportPeriod;
  promptsShown: number;
  /** Screenings the GP completed: negative, referred or consent declined (dismissals are not). */
  screenings: number;
  /** Of those, positive: referred or consent declined. */
  positiveScreenings: number;
  /** Positive, and the patient did not want a referral. */
  consentDeclined: number;
  /** Per question of each rule set used in the period. */
  positiveAnswers: QuestionFigure[];
  /** Referrals the GP sent (one per rule set), withdrawn-before-sending ones left out. */
  referralsSent: number;
  /** Of those, delivered to the social team. */
  referralsDelivered: number;
  dismissals: Record<DismissalReason, number>;
  /** What became of the referrals sent in the period; adds up to `referralsSent`. */
  outcomes: Record<ReportOutcome, number>;
  contact: ContactFigures;
  months: MonthFigures[];
}

/** What the report page gets: the report, and whether synthetic demo data is in the stores. */
export interface ReportView {
  report: PracticeReport;
  /** Records marked synthetic in the stores (all periods): when > 0 the page says so in a banner. */
  syntheticRecords: number;
  /** When the report was made (ISO), for the printed page. */
  generatedAt: string;
}

/** The seed that reproduces the Maastricht pilot: 46 referrals in 15 months, 41/3/1/1. */
export const PILOT_SEED = 'maastricht-pilot';
