import { TZDate } from '@date-fns/tz';
import { type IsoDate, isoDate, isoDateParts } from './iso-date.ts';

/**
 * Between instants (when a reminder fires) and London dates (when something is due). Schools
 * run on Europe/London whatever time zone the server is in; the clocks go forward at 01:00 GMT
 * on the last Sunday of March and back at 01:00 GMT on the last Sunday of October.
 */

export const LONDON = 'Europe/London';

const HH_MM_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

const HOUR_MS = 3_600_000;
/** The last hour asked about: every turn asks for today's date several times, and the time-zone arithmetic is the dear part. */
let lastHour: { hour: number; date: IsoDate } | undefined;

/**
 * The London calendar date an instant falls on: 23:30 UTC on 30 June is already 1 July in BST.
 * London is always a whole number of hours from UTC and its clocks change on the hour, so every
 * instant of one UTC hour falls on the same London date: the last hour's answer is kept.
 */
export function londonDateOf(instant: Date): IsoDate {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('cannot take the London date of an invalid Date');
  const hour = Math.floor(ms / HOUR_MS);
  if (lastHour?.hour === hour) return lastHour.date;
  const local = new TZDate(ms, LONDON);
  const date = isoDate(local.getFullYear(), local.getMonth() + 1, local.getDate());
  lastHour = { hour, date };
  return date;
}

/** True when `text` is a 24-hour wall-clock time written HH:MM, e.g. "08:30". */
export function isHhMm(text: string): boolean {
  return HH_MM_PATTERN.test(text);
}

/**
 * The instant when London's clocks show `hhmm` on `date`. Two wall-clock times are not a single
 * instant on clock-change days, and @date-fns/tz settles them so (pinned by tests):
 * - a time the clocks skip (01:00–01:59 on the last Sunday of March) is read as that long after
 *   01:00 GMT, so "01:30" is 02:30 BST: a reminder there is late, never lost;
 * - a time that happens twice (01:00–01:59 on the last Sunday of October) is the second one, GMT.
 */
export function londonInstant(date: IsoDate, hhmm: string): Date {
  const match = HH_MM_PATTERN.exec(hhmm);
  if (!match) throw new RangeError(`${JSON.stringify(hhmm)} is not a time written HH:MM (00:00–23:59)`);
  const { year, month, day } = isoDateParts(date);
  const local = new TZDate(year, month - 1, day, Number(match[1]), Number(match[2]), LONDON);
  return new Date(local.getTime());
}
