import { addCalendarDays } from '../../../contract/working-days';
import type { ReportPeriod } from '../../shared/report';

/** The period presets the report page offers. */
export const PERIOD_PRESETS = ['last-15-months', 'this-year', 'last-quarter'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * A preset as a period, from today's date on the practice's clock (`YYYY-MM-DD`):
 * - last 15 months: the 15 calendar months up to today, this month included (the pilot's length,
 *   and what the synthetic demo data covers);
 * - this year: 1 January up to today;
 * - last quarter: the whole calendar quarter before the current one.
 */
export function presetPeriod(preset: PeriodPreset, today: string): ReportPeriod {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  switch (preset) {
    case 'last-15-months': {
      const months = year * 12 + (month - 1) - 14;
      return { from: `${Math.floor(months / 12)}-${pad((months % 12) + 1)}-01`, to: today };
    }
    case 'this-year':
      return { from: `${year}-01-01`, to: today };
    case 'last-quarter': {
      const quarterStart = Math.floor((month - 1) / 3) * 3 + 1;
      const previousStart = quarterStart - 3 < 1 ? { year: year - 1, month: quarterStart + 9 } : { year, month: quarterStart - 3 };
      const from = `${previousStart.year}-${pad(previousStart.month)}-01`;
      // The day before the current quarter began.
      return { from, to: addCalendarDays(`${year}-${pad(quarterStart)}-01`, -1) };
    }
  }
}

/** Whether a text is a real calendar date `YYYY-MM-DD` (what a date input gives, or nothing). */
export function isLocalDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
