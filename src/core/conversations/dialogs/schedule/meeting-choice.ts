import type { IsoDate } from '../../../calendar/iso-date.ts';
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
export function meetingStep(meetings: readonly ScheduledMeeting[], personId: string, question: string, today: IsoDate): Step {
  const step = choiceStep({
    name: 'meeting',
    label: 'Check-in',
    question,
    choices: meetings.map((meeting) => ({ label: `${otherParty(meeting, personId)} — ${formatLondonTime(meeting.startsAt, today)}`, value: meeting.id })),
  });
  return {
    ...step,
    accept: (input, values, env) => {
      const accepted = step.accept(input, values, env);
      // An old button (the meeting since cancelled or recorded) or someone else's meeting id.
      const raw = input.kind === 'choice' ? input.value : input.kind === 'text' ? input.text : '';
      if (!accepted.ok && UUID.test(raw.trim())) return { ok: false, error: STALE };
      return accepted;
    },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STALE = 'That check-in isn’t booked any more (it may have been moved, cancelled or recorded), or it isn’t one of yours.';

export function chosenMeeting(meetings: readonly ScheduledMeeting[], values: Values): ScheduledMeeting | undefined {
  return meetings.find((meeting) => meeting.id === values.meeting);
}
