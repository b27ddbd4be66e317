import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { addCalendarDays, compareDates, type IsoDate } from '../calendar/iso-date.ts';
import type { EventObligationKind } from '../obligations/obligation-kinds.ts';
import { formatLondonTime } from './check-in-invitation.ts';
import type { MeetingObligation, ScheduledMeeting } from './scheduling-ports.ts';

/** The obligation kind of a booked check-in: the reminder sweep sends it like any other. */
export const CHECK_IN_MEETING_KIND: EventObligationKind = 'check-in-meeting';

/** Meeting reminder keys start with the meeting id, so one meeting's reminders are found by prefix. */
export function meetingKeyPrefix(meetingId: string): string {
  return `${meetingId}:`;
}

/** The school day before `date`; a Monday meeting is reminded on the Friday, never at the weekend. */
export function schoolDayBefore(calendar: SchoolCalendar, date: IsoDate, today: IsoDate): IsoDate {
  for (let day = addCalendarDays(date, -1), steps = 0; compareDates(day, today) >= 0 && steps < 60; day = addCalendarDays(day, -1), steps++) {
    if (calendar.isSchoolDay(day)) return day;
  }
  // Booked for tomorrow (or across a holiday from today): the reminder opens today.
  return compareDates(today, date) <= 0 ? today : date;
}

/**
 * The reminders of one meeting, as obligations the existing sweep turns into digests: each opens
 * on the school day before (its `opened` point is the day-before reminder) and is due on the day.
 * The key holds the meeting's date, so a reschedule to another day makes new keys (the old
 * reminders are deleted, the new ones fire afresh) while a time change on the same day keeps them.
 *
 * - The reviewee's reminder is a real obligation: after the meeting it stays open until the
 *   check-in is recorded, because the appraisee records it (004 §6.6, 003 §11.3).
 * - The organizer's is optional, so it only gives the day-before heads-up and never chases.
 */
export function meetingReminders(meeting: ScheduledMeeting, calendar: SchoolCalendar, today: IsoDate, rule: string): MeetingObligation[] {
  if (meeting.status !== 'scheduled' || meeting.organizer === undefined) return [];
  const day = londonDateOf(meeting.startsAt);
  const opensOn = schoolDayBefore(calendar, day, today);
  const when = `${formatLondonTime(meeting.startsAt, today)}`;
  const base = { cycleId: meeting.cycleId, personId: meeting.reviewee.id, kind: CHECK_IN_MEETING_KIND, opensOn, dueOn: day, rule };
  const prefix = `${meetingKeyPrefix(meeting.id)}${day}`;
  return [
    {
      ...base,
      key: `${prefix}:reviewee`,
      label: `Check-in with ${meeting.organizer.fullName}, ${when} (${meeting.durationMinutes} min) — record it afterwards`,
      optional: false,
      ownerRole: 'reviewee',
      ownerPersonId: meeting.reviewee.id,
    },
    {
      ...base,
      key: `${prefix}:reviewer`,
      label: `Check-in with ${meeting.reviewee.fullName}, ${when} (${meeting.durationMinutes} min)`,
      optional: true,
      ownerRole: 'reviewer',
      ownerPersonId: meeting.organizer.id,
    },
  ];
}
