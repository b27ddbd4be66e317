import { describe, expect, it } from 'vitest';
import { composeDigest } from '../../../src/core/reminders/compose-digest.ts';
import { holidayAfter, holidayLookupOf } from '../../../src/core/reminders/holiday-ahead.ts';
import { planReminders } from '../../../src/core/reminders/plan-reminders.ts';
import { at, calendar, obligation, people, school, TEACHER } from './reminder-fixtures.ts';

// The fixtures' calendar: autumn term 2 Sep – 18 Dec 2026, half term 26–30 Oct (config/terms/england-2026-28.yaml).
describe('a digest says when a holiday follows a due date, from the school calendar', () => {
  it('says “due Fri 23 Oct — half term starts after that, 4 school days away” for an item due on the last day before half term', () => {
    const reflection = obligation({ opensOn: '2026-10-01', dueOn: '2026-10-23' });
    const reminders = planReminders({ school, calendar, obligations: [reflection], people, now: at('2026-10-19') });
    const digest = composeDigest(TEACHER, '2026-10-19', reminders, holidayLookupOf(calendar));
    expect(digest.items.map((item) => item.dueText)).toEqual(['due Fri 23 Oct — half term starts after that, 4 school days away']);
    // Without the calendar the composer says what it always said.
    expect(composeDigest(TEACHER, '2026-10-19', reminders).items[0]!.dueText).toBe('due Fri 23 Oct');
  });

  it('names the holiday after the term, says “after today” on the day, and stays quiet for ordinary days, weekends, past dates and far-off ones', () => {
    expect(holidayAfter(calendar, '2026-12-18', '2026-12-14')).toEqual({ name: 'the Christmas holidays', schoolDaysAway: 4 });
    expect(holidayAfter(calendar, '2026-10-23', '2026-10-23')).toEqual({ name: 'half term', schoolDaysAway: 0 });
    expect(holidayAfter(calendar, '2026-10-21', '2026-10-19')).toBeUndefined();
    // A Friday before an ordinary weekend is not before a holiday.
    expect(holidayAfter(calendar, '2026-10-16', '2026-10-12')).toBeUndefined();
    expect(holidayAfter(calendar, '2026-10-23', '2026-10-26')).toBeUndefined();
    expect(holidayAfter(calendar, '2026-12-18', '2026-11-02')).toBeUndefined();
  });
});
