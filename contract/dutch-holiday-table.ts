/**
 * Dutch public holidays for code that cannot carry `date-holidays` (the extension): the generated
 * table, see receiver/dutch-public-holidays.ts.
 */
import table from './generated/dutch-public-holidays.json';
import { holidayCalendarFromDates, type HolidayCalendar } from './working-days';

/** The Dutch public-holiday calendar from the generated table. */
export const dutchHolidayTableCalendar: HolidayCalendar = holidayCalendarFromDates(table.dates, table.years);
