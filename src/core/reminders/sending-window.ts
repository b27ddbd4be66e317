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
