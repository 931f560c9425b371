import * as Plot from '@observablehq/plot';
import type { MessageKey, Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import { DISMISSAL_REASONS, REPORT_OUTCOMES, type PracticeReport, type ReportOutcome } from '../../shared/report';
import { dismissalKey, numberFormats, outcomeKey } from './report-rows';

// The report's charts as Observable Plot specifications. Plot draws SVG: sharp on paper at any size,
// its text is real text (a screen reader and a test can read it), and its marks are plain elements.
// Every chart also comes with the same numbers as a table (`table`), its text equivalent.

/** A chart of the report: what to draw, what it is called, and the same figures as a table. */
export interface ChartSpec {
  id: 'referrals-per-month' | 'outcomes' | 'dismissals' | 'positive-answers';
  title: string;
  caption: string;
  /** One sentence with the chart's numbers, for the SVG's accessible description. */
  summary: string;
  /** Whether there is anything to draw; without, the page says so instead of an empty chart. */
  empty: boolean;
  /** Plot options, without `document` (the component adds it). */
  plot: Plot.PlotOptions;
  table: { headers: string[]; rows: string[][] };
}

/** Okabe–Ito colours: told apart with the common colour-vision deficiencies, and in greyscale print by order. */
export const OUTCOME_COLOURS: Record<ReportOutcome, string> = {
  'handled-with-partners': '#009E73',
  'passed-to-credit-bank': '#0072B2',
  'known-at-credit-bank': '#CC79A7',
  declined: '#E69F00',
  'not-reachable': '#D55E00',
  withdrawn: '#666666',
  'none-yet': '#BBBBBB',
};

const WIDTH = 720;
const FONT = 'system-ui, sans-serif';

/** Horizontal bars with the count at the end of each: readable without an axis, also in print. */
function horizontalBars(rows: Array<{ label: string; count: number; colour: string }>, t: Translate, marginLeft: number, lineWidth?: number): Plot.PlotOptions {
  const rowHeight = lineWidth ? 46 : 32;
  return {
    width: WIDTH,
    height: Math.max(80, rows.length * rowHeight + 50),
    marginLeft,
    marginRight: 40,
    style: { fontFamily: FONT, fontSize: '12px' },
    x: { label: t('report_axis_count'), grid: true, nice: true, domain: [0, Math.max(1, ...rows.map((row) => row.count))] },
    y: { label: null, domain: rows.map((row) => row.label) },
    marks: [
      Plot.barX(rows, { x: 'count', y: 'label', fill: 'colour', title: (row: { label: string; count: number }) => `${row.label}: ${row.count}` }),
      Plot.text(rows, { x: 'count', y: 'label', text: (row: { count: number }) => String(row.count), textAnchor: 'start', dx: 4, fill: 'currentColor' }),
      Plot.axisY({ ...(lineWidth ? { lineWidth, textOverflow: null } : {}), tickSize: 0, label: null }),
      Plot.ruleX([0]),
    ],
  };
}

/** The four charts of a report, in page order. */
export function reportCharts(report: PracticeReport, t: Translate, locale: Locale): ChartSpec[] {
  const format = numberFormats(locale);
  const outcomeLabel = (outcome: ReportOutcome) => t(outcomeKey(outcome));
  const list = (pairs: Array<[string, number]>) => pairs.map(([label, count]) => `${label} ${format.count(count)}`).join('; ');

  // Referrals per month, stacked by outcome; outcomes that never occur in the period stay out of the legend.
  const present = REPORT_OUTCOMES.filter((outcome) => report.outcomes[outcome] > 0);
  const monthLabels = report.months.map((month) => format.month(month.month));
  const stacked = report.months.flatMap((month, index) =>
    present.filter((outcome) => month.outcomes[outcome] > 0).map((outcome) => ({ month: monthLabels[index]!, outcome: outcomeLabel(outcome), count: month.outcomes[outcome] })),
  );
  const totals = report.months.map((month, index) => ({ month: monthLabels[index]!, count: month.referralsSent })).filter((total) => total.count > 0);
  const referralsPerMonth: ChartSpec = {
    id: 'referrals-per-month',
    title: t('report_chart_referrals_title'),
    caption: t('report_chart_referrals_caption'),
    summary: list(report.months.map((month, index) => [monthLabels[index]!, month.referralsSent])),
    empty: report.referralsSent === 0,
    plot: {
      width: WIDTH,
      height: 320,
      marginBottom: 56,
      style: { fontFamily: FONT, fontSize: '12px' },
      x: { label: null, domain: monthLabels, tickRotate: monthLabels.length > 8 ? -40 : 0, padding: 0.2 },
      y: { label: t('report_axis_count'), grid: true, nice: true, tickFormat: (value: number) => (Number.isInteger(value) ? String(value) : '') },
      color: { legend: true, domain: present.map(outcomeLabel), range: present.map((outcome) => OUTCOME_COLOURS[outcome]) },
      marks: [
        Plot.barY(stacked, { x: 'month', y: 'count', fill: 'outcome', order: present.map(outcomeLabel), title: (row: { month: string; outcome: string; count: number }) => `${row.month} — ${row.outcome}: ${row.count}` }),
        Plot.text(totals, { x: 'month', y: 'count', text: (row: { count: number }) => String(row.count), dy: -7, fill: 'currentColor' }),
        Plot.ruleY([0]),
      ],
    },
    table: {
      headers: [t('report_col_month'), t('report_fig_referrals_sent'), ...REPORT_OUTCOMES.map(outcomeLabel)],
      rows: report.months.map((month, index) => [monthLabels[index]!, format.count(month.referralsSent), ...REPORT_OUTCOMES.map((outcome) => format.count(month.outcomes[outcome]))]),
    },
  };

  const outcomeRows = REPORT_OUTCOMES.map((outcome) => ({ label: outcomeLabel(outcome), count: report.outcomes[outcome], colour: OUTCOME_COLOURS[outcome] }));
  const outcomes: ChartSpec = {
    id: 'outcomes',
    title: t('report_chart_outcomes_title'),
    caption: t('report_chart_outcomes_caption'),
    summary: list(outcomeRows.map((row) => [row.label, row.count])),
    empty: report.referralsSent === 0,
    plot: horizontalBars(outcomeRows, t, 290),
    table: { headers: [t('report_col_outcome'), t('report_col_count')], rows: outcomeRows.map((row) => [row.label, format.count(row.count)]) },
  };

  const dismissalRows = DISMISSAL_REASONS.map((reason, index) => ({ label: t(dismissalKey(reason) as MessageKey), count: report.dismissals[reason], colour: ['#0072B2', '#E69F00'][index]! }));
  const dismissals: ChartSpec = {
    id: 'dismissals',
    title: t('report_chart_dismissals_title'),
    caption: t('report_chart_dismissals_caption'),
    summary: list(dismissalRows.map((row) => [row.label, row.count])),
    empty: dismissalRows.every((row) => row.count === 0),
    plot: horizontalBars(dismissalRows, t, 120),
    table: { headers: [t('report_col_reason'), t('report_col_count')], rows: dismissalRows.map((row) => [row.label, format.count(row.count)]) },
  };

  const answerRows = report.positiveAnswers.map((question) => ({ label: question.text[locale], count: question.yes, colour: '#009E73' }));
  const positiveAnswers: ChartSpec = {
    id: 'positive-answers',
    title: t('report_chart_answers_title'),
    caption: t('report_chart_answers_caption'),
    summary: list(answerRows.map((row) => [row.label, row.count])),
    empty: answerRows.length === 0,
    plot: horizontalBars(answerRows, t, 300, 24),
    table: { headers: [t('report_col_question'), t('report_col_count')], rows: answerRows.map((row) => [row.label, format.count(row.count)]) },
  };

  return [referralsPerMonth, outcomes, dismissals, positiveAnswers];
}
