/**
 * Dutch public holidays from `date-holidays` (maintained, with the Easter-based days and King's
 * Day's Sunday rule built in). Node only: the receiver uses it directly; the extension gets the same
 * dates as a generated table (`contract/generated/dutch-public-holidays.json`, written by
 * `npm run schemas`), because the library's data for every country would weigh 800 KB in the
 * extension. A unit test keeps the table equal to what this module says.
 *
 * Only days `date-holidays` types as "public" count: New Year, Easter Sunday and Monday, King's Day,
 * Ascension, Whit Sunday and Monday, Christmas and Boxing Day. Good Friday and Liberation Day are
 * days off only where a collective agreement says so, so a team working them is not "late".
 */
import Holidays from 'date-holidays';
import { holidayCalendarFromDates, type HolidayCalendar } from '../contract/working-days.js';

/** The years the generated table covers. */
export const HOLIDAY_TABLE_YEARS = { from: 2020, to: 2045 } as const;

/** The public holidays of the Netherlands in `year`, as `YYYY-MM-DD`, in date order. */
export function dutchPublicHolidays(year: number): string[] {
  const holidays = new Holidays('NL');
  return holidays
    .getHolidays(year)
    .filter((holiday) => holiday.type === 'public')
    .map((holiday) => holiday.date.slice(0, 10))
    .sort();
}

/** The table the extension ships, for {@link HOLIDAY_TABLE_YEARS}. */
export function dutchHolidayTable(): { years: { from: number; to: number }; dates: string[] } {
  const dates: string[] = [];
  for (let year = HOLIDAY_TABLE_YEARS.from; year <= HOLIDAY_TABLE_YEARS.to; year++) dates.push(...dutchPublicHolidays(year));
  return { years: { ...HOLIDAY_TABLE_YEARS }, dates };
}

/** A calendar asking `date-holidays` for any year (the receiver's). */
export function dutchHolidayCalendar(): HolidayCalendar {
  const byYear = new Map<number, HolidayCalendar>();
  return {
    isPublicHoliday(localDate) {
      const year = Number(localDate.slice(0, 4));
      let calendar = byYear.get(year);
      if (!calendar) {
        calendar = holidayCalendarFromDates(dutchPublicHolidays(year), { from: year, to: year });
        byYear.set(year, calendar);
      }
      return calendar.isPublicHoliday(localDate);
    },
  };
}
