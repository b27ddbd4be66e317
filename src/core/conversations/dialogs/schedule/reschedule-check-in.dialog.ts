import type { Role } from '../../../people/person.ts';
import { meetingReminders } from '../../../scheduling/meeting-reminders.ts';
import { instantOf } from '../../../scheduling/meeting-time.ts';
import { suggestSlots } from '../../../scheduling/suggest-slots.ts';
import { defineDialog } from '../../engine/define-dialog.ts';
import type { Values } from '../../engine/json-value.ts';
import { say } from '../../engine/outgoing-message.ts';
import type { Step } from '../../engine/step.ts';
import { calendarFor } from '../dialog-calendar.ts';
import { firstName } from '../dialog-helpers.ts';
import { changeableMeetings, chosenMeeting, meetingStep, otherParty } from './meeting-choice.ts';
import { meetingUpdate } from './meeting-messages.ts';
import { chosenMinutes, chosenTime, durationStep, whenStep } from './meeting-steps.ts';
import { warningMessages } from './meeting-warnings.ts';

/**
 * Moving a booked check-in: the same meeting (same calendar UID) at a new time, its SEQUENCE
 * bumped so both calendars update the event, and its day-before reminders moved with it.
 * Started by the Reschedule button (`reschedule check-in <id>`) or typed.
 */
export const rescheduleCheckInDialog = defineDialog({
  id: 'reschedule-check-in',
  version: 1,
  title: 'Reschedule a check-in',
  triggers: ['reschedule check-in', 'reschedule'],
  triggerArgument: true,
  async open(env) {
    const { policy } = env;
    const meetings = await changeableMeetings(env);
    if (meetings.length === 0) return { unavailable: 'You have no booked check-ins to reschedule. (It may already have been cancelled or recorded.)' };
    const calendar = await calendarFor(env);
    const windows = await env.reads.checkInMeetings.checkInWindows([...new Set(meetings.map((m) => m.reviewee.id))]);
    const colleagues = await env.reads.revieweesOf(env.person.id, env.today);
    const meetingOf = (values: Values) => chosenMeeting(meetings, values);
    const windowOf = (values: Values) => {
      const meeting = meetingOf(values);
      return meeting === undefined ? undefined : windows.get(meeting.reviewee.id);
    };
    const revieweeOf = (values: Values): { fullName: string; role: Role } | undefined => {
      const meeting = meetingOf(values);
      if (meeting === undefined) return undefined;
      const role = meeting.reviewee.id === env.person.id ? env.person.role : (colleagues.find((c) => c.id === meeting.reviewee.id)?.role ?? 'teacher');
      return { fullName: meeting.reviewee.fullName, role };
    };
    const steps: Step[] = [
      meetingStep(meetings, env.person.id, 'Which check-in would you like to move?', env.today),
      whenStep({
        now: env.now,
        slots: (values) => suggestSlots(calendar, env.today, windowOf(values)),
        question: (values) => {
          const meeting = meetingOf(values);
          return `When would suit instead${meeting ? ` for you and ${firstName(otherParty(meeting, env.person.id))}` : ''}? Some after-school times:`;
        },
      }),
      durationStep({
        typicalMinutes: policy.checkIns.typicalMinutes,
        rule: policy.checkIns.rule,
        preamble: (values) => warningMessages({ policy, calendar, reviewee: revieweeOf, window: windowOf, today: env.today }, values),
      }),
    ];
    return {
      intro: [say('Let’s find a new time. You’ll both get an updated invitation.')],
      confirm: true,
      summaryTitle: 'Move this check-in',
      help: `Rescheduling a check-in (${policy.checkIns.rule}).`,
      steps: () => steps,
      // The slots offered and the warnings follow the reviewee's check-in window: a read of their cycle when it is not the person's own.
      async shown(values) {
        const meeting = meetingOf(values);
        if (meeting !== undefined && meeting.reviewee.id !== env.person.id && windowOf(values) !== undefined) await env.reads.readAbout(env.person.id, meeting.reviewee.id, 'obligations', env.now, 'scheduling');
      },
      async complete(values, records) {
        const meeting = meetingOf(values);
        const at = chosenTime(values);
        if (meeting === undefined || at === undefined) return { messages: [say('Something was missing, so nothing was changed.')] };
        const moved = await records.checkInMeetings.move(meeting.id, instantOf(at), chosenMinutes(values, meeting.durationMinutes));
        if (moved === undefined) return { messages: [say('That check-in has been cancelled or recorded in the meantime, so nothing was changed.')] };
        await records.checkInMeetings.replaceReminders(moved.id, meetingReminders(moved, calendar, env.today, policy.checkIns.rule));
        return meetingUpdate(moved, 'moved', env.person.id, env.now);
      },
    };
  },
});
