import { defineDialog } from '../../engine/define-dialog.ts';
import { say } from '../../engine/outgoing-message.ts';
import { changeableMeetings, chosenMeeting, meetingStep } from './meeting-choice.ts';
import { meetingUpdate } from './meeting-messages.ts';

/**
 * Calling off a booked check-in: both people get a METHOD:CANCEL file that removes it from their
 * calendars, and its reminders are deleted. Started by the Cancel button (`cancel check-in <id>`).
 * The summary asks before anything is cancelled, so a stray press changes nothing.
 */
export const cancelCheckInDialog = defineDialog({
  id: 'cancel-check-in',
  version: 1,
  title: 'Cancel a check-in',
  triggers: ['cancel check-in'],
  triggerArgument: true,
  async open(env) {
    const meetings = await changeableMeetings(env);
    if (meetings.length === 0) return { unavailable: 'You have no booked check-ins to cancel. (It may already have been cancelled or recorded.)' };
    const steps = [meetingStep(meetings, env.person.id, 'Which check-in would you like to cancel?', env.today)];
    return {
      intro: [],
      confirm: true,
      summaryTitle: 'Cancel this check-in? Say `submit` to cancel it, or `cancel` to keep it',
      help: `Cancelling a booked check-in (${env.policy.checkIns.rule}). Remember to book another: check-ins are part of everyone’s cycle.`,
      steps: () => steps,
      async complete(values, records) {
        const meeting = chosenMeeting(meetings, values);
        if (meeting === undefined) return { messages: [say('Something was missing, so nothing was cancelled.')] };
        const cancelled = await records.checkInMeetings.cancel(meeting.id, env.now);
        if (cancelled === undefined) return { messages: [say('That check-in had already been cancelled or recorded, so nothing changed.')] };
        await records.checkInMeetings.replaceReminders(cancelled.id, []);
        return meetingUpdate(cancelled, 'cancelled', env.person.id, env.now);
      },
    };
  },
});
