/**
 * The callback deadline both sides count: 2 working days after the day of receipt, in the
 * Netherlands, without weekends and Dutch public holidays. Dates checked by hand against a calendar.
 */
import { describe, expect, it } from 'vitest';
import { dutchHolidayCalendar, dutchPublicHolidays, HOLIDAY_TABLE_YEARS } from '../../receiver/dutch-public-holidays';
import { dutchHolidayTableCalendar } from '../../contract/dutch-holiday-table';
import { addWorkingDays, callbackDeadline, holidayCalendarFromDates, isCallbackOverdue, localDateOf, startOfLocalDay } from '../../contract/working-days';

const calendars = [
  ['date-holidays (receiver)', dutchHolidayCalendar()],
  ['generated table (extension)', dutchHolidayTableCalendar],
] as const;

describe.each(calendars)('callback deadline with %s', (_name, calendar) => {
  const dueDate = (receivedAt: string) => callbackDeadline(new Date(receivedAt), calendar).dueDate;

  it('skips the weekend: Friday → Tuesday, Saturday and Sunday → Tuesday', () => {
    expect(dueDate('2026-11-27T09:00:00+01:00')).toBe('2026-12-01');
    expect(dueDate('2026-11-28T12:00:00+01:00')).toBe('2026-12-01');
    expect(dueDate('2026-11-29T12:00:00+01:00')).toBe('2026-12-01');
    expect(dueDate('2026-11-25T16:59:00+01:00')).toBe('2026-11-27');
  });

  it("skips King's Day, and moves it to Saturday when 27 April is a Sunday", () => {
    // 2026: King's Day is Monday 27 April.
    expect(dueDate('2026-04-23T10:00:00+02:00')).toBe('2026-04-28');
    // 2025: 27 April is a Sunday, so King's Day is Saturday 26 April and Monday 28 April is a working day.
    expect(dueDate('2025-04-25T10:00:00+02:00')).toBe('2025-04-29');
    expect(calendar.isPublicHoliday('2025-04-26')).toBe(true);
    expect(calendar.isPublicHoliday('2025-04-27')).toBe(false);
  });

  it('skips the Easter-based days: Easter Monday, Ascension and Whit Monday; Good Friday is worked', () => {
    expect(dueDate('2026-04-02T10:00:00+02:00')).toBe('2026-04-07'); // Fri 3 (Good Friday) counts, Mon 6 is Easter Monday
    expect(dueDate('2026-05-13T10:00:00+02:00')).toBe('2026-05-18'); // Thu 14 Ascension
    expect(dueDate('2026-05-21T10:00:00+02:00')).toBe('2026-05-26'); // Mon 25 Whit Monday
    expect(dueDate('2027-03-25T10:00:00+01:00')).toBe('2027-03-30'); // Easter 2027 is 28 March: Mon 29 off
  });

  it('crosses Christmas and the year end', () => {
    expect(dueDate('2025-12-24T10:00:00+01:00')).toBe('2025-12-30');
    expect(dueDate('2025-12-31T15:00:00+01:00')).toBe('2026-01-05');
    expect(dueDate('2026-12-24T10:00:00+01:00')).toBe('2026-12-29'); // 25 Fri, 26 Sat: Mon 28, Tue 29
  });

  it('counts the day on the practice clock: 23:30 UTC on a Thursday is already Friday in Amsterdam', () => {
    expect(dueDate('2026-11-26T22:30:00Z')).toBe('2026-11-30'); // Thu 23:30 local → Fri 27, Mon 30
    expect(dueDate('2026-11-26T23:30:00Z')).toBe('2026-12-01'); // Fri 00:30 local → Mon 30, Tue 1
  });

  it('is overdue from local midnight after the due date, in winter and in summer time', () => {
    const winter = callbackDeadline(new Date('2026-11-27T09:00:00+01:00'), calendar);
    expect(winter.overdueFrom.toISOString()).toBe('2026-12-01T23:00:00.000Z');
    const summer = callbackDeadline(new Date('2026-04-23T10:00:00+02:00'), calendar);
    expect(summer.overdueFrom.toISOString()).toBe('2026-04-28T22:00:00.000Z');
    const received = new Date('2026-11-27T09:00:00+01:00');
    expect(isCallbackOverdue(received, new Date('2026-12-01T22:59:59Z'), calendar)).toBe(false);
    expect(isCallbackOverdue(received, new Date('2026-12-01T23:00:00Z'), calendar)).toBe(true);
  });
});

describe('working-day arithmetic', () => {
  it('finds local midnight across both daylight-saving changes', () => {
    expect(startOfLocalDay('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z'); // clocks go forward at 02:00
    expect(startOfLocalDay('2026-03-30').toISOString()).toBe('2026-03-29T22:00:00.000Z');
    expect(startOfLocalDay('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z'); // back at 03:00
    expect(startOfLocalDay('2026-10-26').toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(localDateOf(new Date('2026-10-25T22:59:59Z'))).toBe('2026-10-25');
    expect(localDateOf(new Date('2026-10-25T23:00:00Z'))).toBe('2026-10-26');
  });

  it('refuses nonsense with a message that says what', () => {
    expect(() => addWorkingDays('2026-13-45x', 2, dutchHolidayTableCalendar)).toThrow(/not a date/);
    expect(() => addWorkingDays('2026-11-27', -1, dutchHolidayTableCalendar)).toThrow(/whole number/);
  });

  it('the extension table covers its years and refuses a year outside them rather than guessing', () => {
    expect(() => dutchHolidayTableCalendar.isPublicHoliday(`${HOLIDAY_TABLE_YEARS.to + 1}-01-01`)).toThrow(/no public holidays known/);
    const calendar = holidayCalendarFromDates(['2030-01-01'], { from: 2030, to: 2030 });
    expect(calendar.isPublicHoliday('2030-01-01')).toBe(true);
    expect(() => calendar.isPublicHoliday('2029-12-31')).toThrow(/2030–2030/);
  });

  it('the Dutch public holidays are the nine general days off', () => {
    expect(dutchPublicHolidays(2026)).toEqual([
      '2026-01-01', // Nieuwjaarsdag
      '2026-04-05', // Eerste paasdag
      '2026-04-06', // Tweede paasdag
      '2026-04-27', // Koningsdag
      '2026-05-14', // Hemelvaartsdag
      '2026-05-24', // Eerste pinksterdag
      '2026-05-25', // Tweede pinksterdag
      '2026-12-25', // Eerste kerstdag
      '2026-12-26', // Tweede kerstdag
    ]);
  });
});
