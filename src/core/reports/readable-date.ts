import { dayOfWeek, daysBetween, type IsoDate, isoDateParts } from '../calendar/iso-date.ts';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/**
 * "Fri 30 Oct", with the year only when it is not this one ("Mon 31 Jan 2028"): the one way a date
 * reaches a person. Without `today` the year is always given ("Fri 20 Nov 2026"), as when a dialog
 * reads back a date someone typed, so a misread one is easy to spot.
 */
export function readableDate(date: IsoDate, today?: IsoDate): string {
  const { year, month, day } = isoDateParts(date);
  const short = `${WEEKDAYS[dayOfWeek(date)]} ${day} ${MONTHS[month - 1]}`;
  return today !== undefined && year === isoDateParts(today).year ? short : `${short} ${year}`;
}

/** "due Fri 30 Oct", "due today", "overdue since Fri 30 Oct (3 days)". */
export function dueText(dueOn: IsoDate, today: IsoDate): string {
  const late = daysBetween(dueOn, today);
  if (late > 0) return `overdue since ${readableDate(dueOn, today)} (${plural(late, 'day')})`;
  if (late === 0) return 'due today';
  return `due ${readableDate(dueOn, today)}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
