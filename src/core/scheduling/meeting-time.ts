import { addCalendarDays, dayOfWeek, type IsoDate, isIsoDate } from '../calendar/iso-date.ts';
import { londonInstant } from '../calendar/london-time.ts';
import { parseDate, showDate } from '../conversations/engine/parse-date.ts';

/** A meeting's start as people think of it: a London day and a wall-clock time "HH:MM". */
export interface LocalTime {
  date: IsoDate;
  time: string;
}

const WEEKDAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** "2026-11-03T15:45": how a slot travels as a button value and is stored as a dialog answer. */
export function localTimeValue(at: LocalTime): string {
  return `${at.date}T${at.time}`;
}

export function parseLocalTimeValue(value: string): LocalTime | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(value);
  return match && isIsoDate(match[1]!) ? { date: match[1]!, time: match[2]! } : undefined;
}

export function instantOf(at: LocalTime): Date {
  return londonInstant(at.date, at.time);
}

/** "Tue 3 Nov, 15:45" (the year only when it is not `today`'s). */
export function showLocalTime(at: LocalTime, today: IsoDate): string {
  return `${showDate(at.date, today)}, ${at.time}`;
}

/** "15:45" plus `minutes`, as a wall-clock time (meetings never run past midnight here). */
export function addMinutes(time: string, minutes: number): string {
  const total = Math.min(toMinutes(time) + minutes, 23 * 60 + 59);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

export function toMinutes(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/**
 * Reads a time of day the way teachers type one: "15:45", "3.45pm", "4pm", "noon". A bare hour
 * from 1 to 6 ("3:45") is read as the afternoon, because nobody books a check-in at 3:45 in the
 * morning and after-school times are the usual ones.
 */
export function parseTimeOfDay(text: string): string | undefined {
  const input = text.trim().toLowerCase();
  if (input === 'noon' || input === 'midday') return '12:00';
  const match = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$/.exec(input);
  if (!match || (match[2] === undefined && match[3] === undefined)) return undefined;
  let hours = Number(match[1]);
  const minutes = Number(match[2] ?? '0');
  if (minutes > 59 || hours > 23) return undefined;
  if (match[3] !== undefined) {
    if (hours < 1 || hours > 12) return undefined;
    hours = (hours % 12) + (match[3] === 'pm' ? 12 : 0);
  } else if (hours >= 1 && hours <= 6) {
    hours += 12;
  }
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

/** "tuesday", "tue": the next such day after today (a weekday named today means next week's). */
function parseWeekday(text: string, today: IsoDate): IsoDate | undefined {
  const index = WEEKDAY_NAMES.findIndex((name) => text.length >= 3 && name.startsWith(text.slice(0, 3)) && /^[a-z]+$/.test(text));
  if (index < 0) return undefined;
  const ahead = (index - dayOfWeek(today) + 7) % 7 || 7;
  return addCalendarDays(today, ahead);
}

/**
 * A day and time in one answer: "Tue 3 Nov 15:45", "3 Nov at 3.45pm", "tomorrow 4pm",
 * "thursday 15:30", "2026-11-03T15:45" or "2026-11-03 15:45". The time may come first or last.
 */
export function parseMeetingTime(text: string, today: IsoDate): LocalTime | undefined {
  const input = text.trim().toLowerCase().replace(/,/g, ' ').replace(/\s+/g, ' ');
  const iso = /^(\d{4}-\d{2}-\d{2})[t ](\d{1,2}:\d{2})$/.exec(input);
  if (iso) {
    const time = parseTimeOfDay(iso[2]!);
    return time !== undefined && isIsoDate(iso[1]!) ? { date: iso[1]!, time } : undefined;
  }
  const words = input.split(' ');
  for (const [timeWords, dateWords] of [
    [words.slice(-1), words.slice(0, -1)],
    [words.slice(-2), words.slice(0, -2)],
    [words.slice(0, 1), words.slice(1)],
    [words.slice(0, 2), words.slice(2)],
  ] as const) {
    const time = parseTimeOfDay(timeWords.join(' '));
    const dayText = dateWords.join(' ').replace(/^on /, '').replace(/ at$/, '').replace(/^at /, '').trim();
    if (time === undefined || dayText === '') continue;
    const date = parseDate(dayText, today) ?? parseWeekday(dayText, today);
    if (date !== undefined) return { date, time };
  }
  return undefined;
}

/** Minutes of a meeting typed as "30", "30 min", "45 minutes", "1 hour", "1h", "1.5 hours". */
export function parseDuration(text: string): number | undefined {
  const input = text.trim().toLowerCase();
  const minutes = /^(\d{1,3})\s*(?:m|min|mins|minutes?)?$/.exec(input);
  if (minutes) return Number(minutes[1]);
  const hours = /^(\d(?:\.\d+)?)\s*(?:h|hr|hrs|hours?)$/.exec(input);
  if (hours) return Math.round(Number(hours[1]) * 60);
  if (input === 'an hour' || input === 'half an hour') return input === 'an hour' ? 60 : 30;
  return undefined;
}
