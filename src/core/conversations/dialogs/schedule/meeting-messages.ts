import type { IsoDate } from '../../../calendar/iso-date.ts';
import { londonDateOf } from '../../../calendar/london-time.ts';
import { checkInInvitation, formatLondonSpan } from '../../../scheduling/check-in-invitation.ts';
import type { ScheduledMeeting } from '../../../scheduling/scheduling-ports.ts';
import type { Notification } from '../../engine/define-dialog.ts';
import { ask, type Choice, type OutgoingMessage } from '../../engine/outgoing-message.ts';

/** Button values that start the reschedule / cancel dialogs for this meeting (their triggers take the id). */
export function meetingButtons(meetingId: string): Choice[] {
  return [
    { label: 'Reschedule', value: `reschedule check-in ${meetingId}` },
    { label: 'Cancel', value: `cancel check-in ${meetingId}` },
  ];
}

export type MeetingChange = 'booked' | 'moved' | 'cancelled';

function invitationText(meeting: ScheduledMeeting, change: MeetingChange, forReviewee: boolean, today: IsoDate): string {
  const when = `${formatLondonSpan(meeting.startsAt, meeting.durationMinutes, today)} (${meeting.durationMinutes} min)`;
  const other = forReviewee ? (meeting.organizer?.fullName ?? 'your reviewer') : meeting.reviewee.fullName;
  switch (change) {
    case 'booked':
      return forReviewee
        ? `${other} has booked a check-in with you: ${when}. The calendar invitation is attached. I’ll remind you the day before; afterwards, record it with \`check-in\`.`
        : `Booked your check-in with ${other}: ${when}. I’ve sent ${other} the invitation; yours is attached. You’ll both get a reminder the day before.`;
    case 'moved':
      return forReviewee
        ? `Your check-in with ${other} has moved to ${when}. The updated invitation is attached.`
        : `Moved your check-in with ${other} to ${when}. The updated invitation is attached; ${other} has been sent it too.`;
    case 'cancelled':
      return forReviewee
        ? `Your check-in with ${other} on ${formatLondonSpan(meeting.startsAt, meeting.durationMinutes, today)} has been cancelled. The attached file removes it from your calendar.`
        : `Cancelled your check-in with ${other} on ${formatLondonSpan(meeting.startsAt, meeting.durationMinutes, today)}. ${other} has been told; the attached file removes it from your calendar.`;
  }
}

/** What one party sees: the news with the `.ics` attached, then Reschedule / Cancel while it stands. */
function messagesFor(meeting: ScheduledMeeting, change: MeetingChange, forReviewee: boolean, stamp: Date): OutgoingMessage[] {
  const attachment = checkInInvitation(meeting, change === 'cancelled' ? 'cancel' : 'request', stamp);
  const messages: OutgoingMessage[] = [{ type: 'text', text: invitationText(meeting, change, forReviewee, londonDateOf(stamp)), attachment }];
  if (change !== 'cancelled') messages.push(ask('Need to change it?', meetingButtons(meeting.id)));
  return messages;
}

/**
 * The messages for whoever made the change (`actorId`) and a notification for the other party,
 * each with the invitation: both calendars must agree, whoever pressed the button.
 */
export function meetingUpdate(meeting: ScheduledMeeting, change: MeetingChange, actorId: string, stamp: Date): { messages: OutgoingMessage[]; notifications: Notification[] } {
  const actorIsReviewee = actorId === meeting.reviewee.id;
  const otherId = actorIsReviewee ? meeting.organizer?.id : meeting.reviewee.id;
  return {
    messages: messagesFor(meeting, change, actorIsReviewee, stamp),
    notifications: otherId === undefined ? [] : [{ personId: otherId, messages: messagesFor(meeting, change, !actorIsReviewee, stamp) }],
  };
}
