import { formatLondonTime } from '../../../scheduling/check-in-invitation.ts';
import type { ScheduledMeeting } from '../../../scheduling/scheduling-ports.ts';
import type { DialogEnv } from '../../engine/define-dialog.ts';
import type { Values } from '../../engine/json-value.ts';
import { choiceStep, type Step } from '../../engine/step.ts';

/** A missed meeting can still be moved or called off for a fortnight afterwards. */
const LOOK_BACK_MS = 14 * 24 * 60 * 60 * 1000;

/**
 * The booked check-ins this person may change: those where they are the reviewee or the
 * organizer, and nobody else's, so a stale or forwarded button cannot touch another's meeting.
 */
export async function changeableMeetings(env: DialogEnv): Promise<ScheduledMeeting[]> {
  return env.reads.checkInMeetings.scheduledMeetingsOf(env.person.id, new Date(env.now.getTime() - LOOK_BACK_MS));
}

export function otherParty(meeting: ScheduledMeeting, personId: string): string {
  return meeting.reviewee.id === personId ? (meeting.organizer?.fullName ?? 'your reviewer') : meeting.reviewee.fullName;
}

/** "Which check-in?": answered by the id a Reschedule / Cancel button carries after its trigger. */
export function meetingStep(meetings: readonly ScheduledMeeting[], personId: string, question: string): Step {
  return choiceStep({
    name: 'meeting',
    label: 'Check-in',
    question,
    choices: meetings.map((meeting) => ({ label: `${otherParty(meeting, personId)} — ${formatLondonTime(meeting.startsAt)}`, value: meeting.id })),
  });
}

export function chosenMeeting(meetings: readonly ScheduledMeeting[], values: Values): ScheduledMeeting | undefined {
  return meetings.find((meeting) => meeting.id === values.meeting);
}
