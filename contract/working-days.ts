/**
 * The social team's callback promise: the patient is called within 2 working days after the
 * referral arrived. Working days are Monday to Friday in the Netherlands, except Dutch public
 * holidays. Shared by the receiver (work queue) and the extension (the sidebar's "overdue"), so both
 * count the same days. Pure: the holidays come in as a {@link HolidayCalendar}.
 */

/** Working days the social team has to call back, counted after the day of receipt. */
export const CALLBACK_WORKING_DAYS = 2;
/** Where the practice and the social team are: every working day is a day on this clock. */
export const PRACTICE_TIME_ZONE = 'Europe/Amsterdam';

/** Which local dates (`YYYY-MM-DD`) are public holidays. */
export interface HolidayCalendar {
  isPublicHoliday(localDate: string): boolean;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 24 * 60 * 60 * 1000;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();
function partsIn(instant: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let format = partsFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(instant)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return parts as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

function parseLocalDate(localDate: string): { year: number; month: number; day: number } {
  const match = DATE_PATTERN.exec(localDate);
  if (!match) throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(localDate)}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

/** The calendar date of `instant` on the practice's clock, as `YYYY-MM-DD`. */
export function localDateOf(instant: Date, timeZone = PRACTICE_TIME_ZONE): string {
  const { year, month, day } = partsIn(instant, timeZone);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** The date `days` calendar days after `localDate` (negative: before). */
export function addCalendarDays(localDate: string, days: number): string {
  const { year, month, day } = parseLocalDate(localDate);
  const shifted = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return `${pad(shifted.getUTCFullYear(), 4)}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`;
}

/** The instant local midnight begins `localDate` on the practice's clock (daylight saving included). */
export function startOfLocalDay(localDate: string, timeZone = PRACTICE_TIME_ZONE): Date {
  const { year, month, day } = parseLocalDate(localDate);
  const asUtc = Date.UTC(year, month - 1, day);
  // The zone's offset at that moment, found by reading the UTC instant back on the local clock;
  // a second pass corrects for an offset that changes between the guess and the answer.
  let guess = asUtc;
  for (let pass = 0; pass < 2; pass++) {
    const local = partsIn(new Date(guess), timeZone);
    const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
    guess = asUtc - (localAsUtc - guess);
  }
  return new Date(guess);
}

/** Monday to Friday and not a public holiday. */
export function isWorkingDay(localDate: string, calendar: HolidayCalendar): boolean {
  const { year, month, day } = parseLocalDate(localDate);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !calendar.isPublicHoliday(localDate);
}

/** The `count`-th working day after `localDate` (that day itself does not count). */
export function addWorkingDays(localDate: string, count: number, calendar: HolidayCalendar): string {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${count}`);
  let date = localDate;
  for (let found = 0; found < count; ) {
    date = addCalendarDays(date, 1);
    if (isWorkingDay(date, calendar)) found++;
  }
  return date;
}

/** When the social team must have called back. */
export interface CallbackDeadline {
  /** The last day for the call, on the practice's clock (`YYYY-MM-DD`). */
  dueDate: string;
  /** The end of that day: from this instant on, a referral without contact is overdue. */
  overdueFrom: Date;
}

/**
 * The callback deadline of a referral received at `receivedAt`: the end of the 2nd working day
 * after the day it arrived. A referral that arrives on Friday evening or on a holiday is due by the
 * end of the 2nd working day after that, as the team counts it.
 */
export function callbackDeadline(receivedAt: Date, calendar: HolidayCalendar, timeZone = PRACTICE_TIME_ZONE): CallbackDeadline {
  const dueDate = addWorkingDays(localDateOf(receivedAt, timeZone), CALLBACK_WORKING_DAYS, calendar);
  return { dueDate, overdueFrom: startOfLocalDay(addCalendarDays(dueDate, 1), timeZone) };
}

/** Whether a referral received at `receivedAt`, still without contact at `now`, is past its deadline. */
export function isCallbackOverdue(receivedAt: Date, now: Date, calendar: HolidayCalendar): boolean {
  return now.getTime() >= callbackDeadline(receivedAt, calendar).overdueFrom.getTime();
}

/**
 * A calendar from a list of holiday dates covering whole years. Asking about a year outside them is
 * an error rather than a silent "no holiday": a deadline a day too early would accuse the team.
 */
export function holidayCalendarFromDates(dates: readonly string[], years: { from: number; to: number }): HolidayCalendar {
  const holidays = new Set(dates);
  return {
    isPublicHoliday(localDate) {
      const { year } = parseLocalDate(localDate);
      if (year < years.from || year > years.to) {
        throw new RangeError(`no public holidays known for ${year} (the table covers ${years.from}–${years.to}; run npm run schemas)`);
      }
      return holidays.has(localDate);
    },
  };
}
