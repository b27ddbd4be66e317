import { describe, expect, it } from 'vitest';
import { londonInstant } from '../../../src/core/calendar/london-time.ts';
import { secondsUntilWindow } from '../../../src/core/reminders/sending-window.ts';
import { calendar, policy } from './reminder-fixtures.ts';

const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

describe('how long a delivery waits for the sending window (Brief "Calendar facts": school days only, in the window)', () => {
  it('is 0 inside the window on a school day', () => {
    expect(secondsUntilWindow(policy, calendar, londonInstant('2026-10-15', '16:59'))).toBe(0);
  });

  it('after the window closes, waits for the next school day’s opening', () => {
    const now = londonInstant('2026-10-15', '17:10');
    expect(secondsUntilWindow(policy, calendar, now)).toBe(seconds(now, londonInstant('2026-10-16', '15:30')));
  });

  it('before it opens, waits for today’s opening', () => {
    const now = londonInstant('2026-10-15', '09:00');
    expect(secondsUntilWindow(policy, calendar, now)).toBe(seconds(now, londonInstant('2026-10-15', '15:30')));
  });

  it('skips the weekend and the October half term, across the clock change', () => {
    const now = londonInstant('2026-10-23', '17:10');
    // Half term 26–30 Oct 2026; British Summer Time ends on 25 Oct, so this is not a whole number of days.
    expect(secondsUntilWindow(policy, calendar, now)).toBe(seconds(now, londonInstant('2026-11-02', '15:30')));
  });
});
