import type { IsoDate } from '../calendar/iso-date.ts';
import type { CheckInWindow } from './check-in-window.ts';

export type MeetingStatus = 'scheduled' | 'held' | 'cancelled';

export interface MeetingParty {
  id: string;
  fullName: string;
  email: string;
}

/** A booked check-in as the dialogs and invitations need it. */
export interface ScheduledMeeting {
  id: string;
  cycleId: string;
  reviewee: MeetingParty;
  /** Undefined when the organizer has since left the roster. */
  organizer?: MeetingParty | undefined;
  startsAt: Date;
  durationMinutes: number;
  status: MeetingStatus;
  /** The invitation's iCalendar SEQUENCE. */
  sequence: number;
}

/** One of the two day-before reminders a meeting makes, written as an obligation. */
export interface MeetingObligation {
  key: string;
  cycleId: string;
  personId: string;
  kind: string;
  label: string;
  optional: boolean;
  opensOn: IsoDate;
  dueOn: IsoDate;
  ownerRole: 'reviewee' | 'reviewer';
  ownerPersonId: string;
  rule: string;
}

export interface CheckInMeetingReads {
  meeting(id: string): Promise<ScheduledMeeting | undefined>;
  /** Meetings still to happen (or just happened) where the person is the reviewee or the organizer. */
  scheduledMeetingsOf(personId: string, since: Date): Promise<ScheduledMeeting[]>;
  /** Each person's earliest open `check-in` obligation: the window a new meeting should fall in. */
  checkInWindows(personIds: readonly string[]): Promise<Map<string, CheckInWindow>>;
}

export interface CheckInMeetingWrites {
  book(input: { cycleId: string; personId: string; organizerId: string; startsAt: Date; durationMinutes: number }): Promise<ScheduledMeeting>;
  /** Moves a scheduled meeting and bumps its sequence; undefined when it is no longer scheduled. */
  move(id: string, startsAt: Date, durationMinutes: number): Promise<ScheduledMeeting | undefined>;
  /** Cancels a scheduled meeting and bumps its sequence; undefined when it was not scheduled. */
  cancel(id: string, at: Date): Promise<ScheduledMeeting | undefined>;
  /**
   * Makes the meeting's open reminder obligations exactly `obligations`: new keys are created,
   * kept keys updated, and open ones no longer wanted (an old date, a cancelled meeting) deleted.
   */
  replaceReminders(meetingId: string, obligations: readonly MeetingObligation[]): Promise<void>;
}
