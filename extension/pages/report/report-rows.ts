import type { MessageKey, Translate } from '../../shared/i18n';
import type { Locale } from '../../shared/locale';
import { DISMISSAL_REASONS, REPORT_OUTCOMES, type DismissalReason, type PracticeReport, type ReportOutcome } from '../../shared/report';

// The report as rows of (section, figure, value): what the figures table shows and, the very same
// text, what "CSV exporteren" writes. One source, so the file cannot say other numbers than the page.

/** One figure as the table shows it. */
export interface ReportRow {
  /** Stable id (`referralsSent`, `outcome.declined`, `month.2026-03.referralsSent`, …), for tests and styling. */
  id: string;
  section: string;
  figure: string;
  /** The number as shown, in the page's language ("—" when there is none). */
  value: string;
}

/** i18n key of an outcome's label. */
export function outcomeKey(outcome: ReportOutcome): MessageKey {
  return `report_outcome_${outcome.replaceAll('-', '_')}` as MessageKey;
}

/** i18n key of a dismissal reason's label. */
export function dismissalKey(reason: DismissalReason): MessageKey {
  return `report_dismissal_${reason.replaceAll('-', '_')}` as MessageKey;
}

/** Number formatting in the page's language: Dutch decimal comma, English point. */
export function numberFormats(locale: Locale) {
  const tag = locale === 'nl' ? 'nl-NL' : 'en-GB';
  const count = new Intl.NumberFormat(tag, { maximumFractionDigits: 0 });
  const hours = new Intl.NumberFormat(tag, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(tag, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const month = new Intl.DateTimeFormat(tag, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const day = new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return {
    count: (value: number) => count.format(value),
    hours: (value: number | null) => (value === null ? null : hours.format(value)),
    percent: (value: number | null) => (value === null ? null : percent.format(value)),
    /** `2026-03` as "mrt 2026" / "Mar 2026". */
    month: (month_: string) => month.format(new Date(`${month_}-01T00:00:00Z`)),
    /** `2026-03-05` as "5 maart 2026" / "5 March 2026". */
    day: (date: string) => day.format(new Date(`${date}T00:00:00Z`)),
  };
}

/** The summary figures of a report, section by section, then every month's. */
export function reportRows(report: PracticeReport, t: Translate, locale: Locale): ReportRow[] {
  const format = numberFormats(locale);
  const none = t('report_none');
  const rows: ReportRow[] = [];
  const add = (id: string, section: MessageKey | string, figure: string, value: string | null) =>
    rows.push({ id, section: section.startsWith('report_section_') ? t(section as MessageKey) : section, figure, value: value ?? none });

  add('promptsShown', 'report_section_screening', t('report_fig_prompts'), format.count(report.promptsShown));
  add('screenings', 'report_section_screening', t('report_fig_screenings'), format.count(report.screenings));
  add('positiveScreenings', 'report_section_screening', t('report_fig_positive'), format.count(report.positiveScreenings));
  add('consentDeclined', 'report_section_screening', t('report_fig_consent_declined'), format.count(report.consentDeclined));
  for (const question of report.positiveAnswers) {
    add(`answer.${question.ruleSetId}.${question.questionId}`, 'report_section_answers', question.text[locale], format.count(question.yes));
  }
  add('referralsSent', 'report_section_referrals', t('report_fig_referrals_sent'), format.count(report.referralsSent));
  add('referralsDelivered', 'report_section_referrals', t('report_fig_referrals_delivered'), format.count(report.referralsDelivered));
  for (const reason of DISMISSAL_REASONS) add(`dismissal.${reason}`, 'report_section_dismissals', t(dismissalKey(reason)), format.count(report.dismissals[reason]));
  for (const outcome of REPORT_OUTCOMES) add(`outcome.${outcome}`, 'report_section_outcomes', t(outcomeKey(outcome)), format.count(report.outcomes[outcome]));
  const { contact } = report;
  add('contact.contacted', 'report_section_contact', t('report_fig_contacted'), format.count(contact.contacted));
  add('contact.medianHours', 'report_section_contact', t('report_fig_median_hours'), format.hours(contact.medianHoursToContact));
  add('contact.judged', 'report_section_contact', t('report_fig_judged'), format.count(contact.judged));
  add('contact.withinTwoWorkingDays', 'report_section_contact', t('report_fig_within_two'), format.count(contact.withinTwoWorkingDays));
  add('contact.share', 'report_section_contact', t('report_fig_share_within_two'), format.percent(contact.shareWithinTwoWorkingDays));
  for (const month of report.months) {
    const section = t('report_section_month', [format.month(month.month)]);
    const prefix = `month.${month.month}`;
    add(`${prefix}.promptsShown`, section, t('report_fig_prompts'), format.count(month.promptsShown));
    add(`${prefix}.screenings`, section, t('report_fig_screenings'), format.count(month.screenings));
    add(`${prefix}.positiveScreenings`, section, t('report_fig_positive'), format.count(month.positiveScreenings));
    add(`${prefix}.consentDeclined`, section, t('report_fig_consent_declined'), format.count(month.consentDeclined));
    add(`${prefix}.dismissals`, section, t('report_fig_dismissals'), format.count(month.dismissals));
    add(`${prefix}.referralsSent`, section, t('report_fig_referrals_sent'), format.count(month.referralsSent));
    for (const outcome of REPORT_OUTCOMES) add(`${prefix}.outcome.${outcome}`, section, t(outcomeKey(outcome)), format.count(month.outcomes[outcome]));
  }
  return rows;
}

/**
 * One CSV cell: quoted when it holds the separator, a quote or a line break (quotes doubled, RFC 4180);
 * and a text a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage
 * return) is made inert with a leading apostrophe: a rule set's question text is typed by people.
 */
export function csvCell(value: string, separator = ';'): string {
  const inert = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return inert.includes(separator) || /["\r\n]/.test(inert) ? `"${inert.replaceAll('"', '""')}"` : inert;
}

/**
 * The report as CSV: a header and one line per figure (section, figure, value), the values exactly as
 * the table shows them. Semicolons, as a spreadsheet in Dutch expects; CRLF line ends (RFC 4180);
 * a byte-order mark so that a spreadsheet reads the text as UTF-8 (ë, é, —).
 */
export function reportCsv(rows: readonly ReportRow[], t: Translate): string {
  const lines = [[t('report_col_section'), t('report_col_figure'), t('report_col_value')], ...rows.map((row) => [row.section, row.figure, row.value])];
  return `\uFEFF${lines.map((cells) => cells.map((cell) => csvCell(cell)).join(';')).join('\r\n')}\r\n`;
}

/** The CSV file's name: the period it covers. */
export function csvFileName(report: PracticeReport): string {
  return `vroegsignaal-rapportage-${report.period.from}-${report.period.to}.csv`;
}
