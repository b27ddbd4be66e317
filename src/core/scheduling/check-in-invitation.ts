import { TZDate } from '@date-fns/tz';
import ical, { ICalAttendeeRole, ICalAttendeeStatus, ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import type { IsoDate } from '../calendar/iso-date.ts';
import { LONDON, londonDateOf } from '../calendar/london-time.ts';
import type { Attachment } from '../conversations/engine/outgoing-message.ts';
import { showDate } from '../conversations/engine/parse-date.ts';
import type { ScheduledMeeting } from './scheduling-ports.ts';

/**
 * Europe/London's rules as a VTIMEZONE, so a calendar that does not know the zone by name still
 * places the meeting right across the clock changes (last Sunday of March and of October).
 */
const LONDON_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/London',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0000',
  'TZOFFSETTO:+0100',
  'TZNAME:BST',
  'DTSTART:19810329T010000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0000',
  'TZNAME:GMT',
  'DTSTART:19961027T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
].join('\r\n');

/** "Tue 3 Nov, 15:45" in London time, whatever zone the server runs in (the year only when it is not `today`'s). */
export function formatLondonTime(instant: Date, today: IsoDate): string {
  const local = new TZDate(instant.getTime(), LONDON);
  return `${showDate(londonDateOf(instant), today)}, ${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
}

/** "15:45–16:15". */
export function formatLondonSpan(startsAt: Date, minutes: number, today: IsoDate): string {
  const hhmm = (instant: Date) => {
    const local = new TZDate(instant.getTime(), LONDON);
    return `${String(local.getHours()).padStart(2, '0')}:${String(local.getMinutes()).padStart(2, '0')}`;
  };
  return `${formatLondonTime(startsAt, today)}–${hhmm(new Date(startsAt.getTime() + minutes * 60_000))}`;
}

/**
 * The meeting's calendar file. The UID is the meeting's id and SEQUENCE its stored sequence, so
 * a reschedule (sequence + 1, METHOD:REQUEST) replaces the event in both calendars and a
 * cancellation (METHOD:CANCEL, STATUS:CANCELLED) removes it. Times carry TZID=Europe/London so a
 * 15:45 check-in stays at 15:45 across the clock change. `stamp` is when this version was made.
 */
export function checkInInvitation(meeting: ScheduledMeeting, method: 'request' | 'cancel', stamp: Date): Attachment {
  const cancel = method === 'cancel';
  const calendar = ical({ prodId: { company: 'Trellis', product: 'Check-ins', language: 'EN' }, method: cancel ? ICalCalendarMethod.CANCEL : ICalCalendarMethod.REQUEST });
  const organizer = meeting.organizer;
  calendar.createEvent({
    id: `${meeting.id}@trellis`,
    sequence: meeting.sequence,
    stamp,
    start: new TZDate(meeting.startsAt.getTime(), LONDON),
    end: new TZDate(meeting.startsAt.getTime() + meeting.durationMinutes * 60_000, LONDON),
    timezone: LONDON,
    summary: `Check-in: ${meeting.reviewee.fullName}${organizer ? ` and ${organizer.fullName}` : ''}`,
    description: 'A growth-cycle check-in. Bring your growth plan and anything from your growth diary you want to talk about. Afterwards, record it with Trellis (`check-in`).',
    status: cancel ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    organizer: organizer ? { name: organizer.fullName, email: organizer.email } : null,
    attendees: [{ name: meeting.reviewee.fullName, email: meeting.reviewee.email, role: ICalAttendeeRole.REQ, status: ICalAttendeeStatus.NEEDSACTION, rsvp: !cancel }],
  });
  // ical-generator writes a VTIMEZONE only when the whole calendar has a zone, which would also
  // write DTSTAMP in local time (RFC 5545 wants UTC), so the zone is added by hand instead.
  const content = calendar.toString().replace('BEGIN:VEVENT', `${LONDON_VTIMEZONE}\r\nBEGIN:VEVENT`);
  return { filename: 'check-in.ics', contentType: `text/calendar; method=${cancel ? 'CANCEL' : 'REQUEST'}`, content };
}
