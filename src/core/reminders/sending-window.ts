import { addCalendarDays } from '../calendar/iso-date.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import { londonDateOf, londonInstant } from '../calendar/london-time.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { Policy } from '../policy/policy-schema.ts';

export type SendingMoment = { ok: true; today: IsoDate } | { ok: false; today: IsoDate; reason: 'not-a-school-day' | 'outside-window' };

/**
 * Whether nudges may go out at `now`: only on school days, inside the policy's daily window in
 * London time (Brief "Calendar facts": never at weekends or in holidays). Anything due outside
 * it simply waits: the next sweep inside the window picks it up.
 */
export function sendingMoment(policy: Pick<Policy, 'reminders'>, calendar: SchoolCalendar, now: Date): SendingMoment {
  const today = londonDateOf(now);
  if (!calendar.isSchoolDay(today)) return { ok: false, today, reason: 'not-a-school-day' };
  const { start, end } = policy.reminders.window;
  const opens = londonInstant(today, start).getTime();
  const closes = londonInstant(today, end).getTime();
  const at = now.getTime();
  if (at < opens || at >= closes) return { ok: false, today, reason: 'outside-window' };
  return { ok: true, today };
}

/**
 * How long until nudges may next go out: 0 inside the window, else the seconds to the next school
 * day's opening. A delivery retried or re-sent outside the window waits for it rather than
 * arriving in the evening or the holidays.
 */
export function secondsUntilWindow(policy: Pick<Policy, 'reminders'>, calendar: SchoolCalendar, now: Date): number {
  if (sendingMoment(policy, calendar, now).ok) return 0;
  let day = londonDateOf(now);
  for (let i = 0; i < 400; i++, day = addCalendarDays(day, 1)) {
    if (!calendar.isSchoolDay(day)) continue;
    const opens = londonInstant(day, policy.reminders.window.start).getTime();
    if (opens > now.getTime()) return Math.ceil((opens - now.getTime()) / 1000);
  }
  // No school day within a year (no term dates loaded): try again in a day rather than never.
  return 24 * 3600;
}
