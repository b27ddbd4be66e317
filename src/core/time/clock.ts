import { londonDateOf } from '../calendar/london-time.ts';

/** Where "now" comes from. Production uses the system clock; tests and `--at` pass their own. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(instant: Date | string): Clock {
  const at = new Date(instant);
  return { now: () => new Date(at) };
}

/** The academic year (2026 = 2026/27) a London date falls in; years turn on 1 September. */
export function academicYearOf(londonDate: string): number {
  const year = Number(londonDate.slice(0, 4));
  return Number(londonDate.slice(5, 7)) >= 9 ? year : year - 1;
}

export function currentAcademicYear(clock: Clock): number {
  return academicYearOf(londonDateOf(clock.now()));
}
