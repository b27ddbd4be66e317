import { formatLondonTime } from '../../scheduling/check-in-invitation.ts';
import { instantOf } from '../../scheduling/meeting-time.ts';
import { meetingReminders } from '../../scheduling/meeting-reminders.ts';
import { suggestSlots } from '../../scheduling/suggest-slots.ts';
import { showDate } from '../engine/parse-date.ts';
import { defineDialog } from '../engine/define-dialog.ts';
import { say } from '../engine/outgoing-message.ts';
import type { Step } from '../engine/step.ts';
import { chosenColleague, colleagueStep } from './colleague-step.ts';
import { calendarFor } from './dialog-calendar.ts';
import { firstName } from './dialog-helpers.ts';
import { meetingUpdate } from './schedule/meeting-messages.ts';
import { chosenMinutes, chosenTime, durationStep, whenStep } from './schedule/meeting-steps.ts';
import { warningMessages } from './schedule/meeting-warnings.ts';

/**
 * Booking a check-in (issue 6): the reviewer or coach picks the colleague, a time (suggested
 * after-school slots on school days inside the policy's window, or typed) and a length; both get
 * a calendar invitation, a reminder the day before, and Reschedule / Cancel buttons. Check-ins
 * must not take break, lunch or PPA time (003 §5.6, 004 §3.11): such times are warned about.
 */
export const scheduleCheckInDialog = defineDialog({
  id: 'schedule-check-in',
  version: 1,
  title: 'Schedule a check-in',
  triggers: ['schedule check-in', 'schedule', 'schedule a check-in', 'schedule checkin', 'book check-in'],
  async open(env) {
    const { policy } = env;
    const colleagues = await env.reads.revieweesOf(env.person.id, env.today);
    if (colleagues.length === 0) {
      return { unavailable: 'You don’t review or coach anyone at the moment, so there’s no check-in for you to book. To record a check-in you’ve had, say `check-in`.' };
    }
    const calendar = await calendarFor(env);
    const windows = await env.reads.checkInMeetings.checkInWindows(colleagues.map((c) => c.id));
    const colleagueOf = (values: Parameters<typeof chosenColleague>[1]) => chosenColleague(colleagues, values);
    const windowOf = (values: Parameters<typeof chosenColleague>[1]) => {
      const colleague = colleagueOf(values);
      return colleague === undefined ? undefined : windows.get(colleague.id);
    };
    const warnings = { policy, calendar, reviewee: colleagueOf, window: windowOf, today: env.today };
    const booked = await env.reads.checkInMeetings.scheduledMeetingsOf(env.person.id, env.now);
    // Booking twice by mistake is easy when the first invitation is buried in a thread, so say so.
    const alreadyBooked = (values: Parameters<typeof chosenColleague>[1]) => {
      const meeting = booked.find((m) => m.reviewee.id === colleagueOf(values)?.id);
      if (meeting === undefined) return [];
      return [say(`You already have a check-in with ${firstName(meeting.reviewee.fullName)} booked for ${formatLondonTime(meeting.startsAt, env.today)}. To move it, use its Reschedule button (or say \`reschedule check-in\`); carry on here to book another.`)];
    };
    const steps: Step[] = [
      colleagueStep(colleagues, 'Whose check-in would you like to book?'),
      whenStep({
        now: env.now,
        preamble: alreadyBooked,
        slots: (values) => suggestSlots(calendar, env.today, windowOf(values)),
        question: (values) => {
          const name = firstName(colleagueOf(values)?.fullName ?? 'them');
          const window = windowOf(values);
          if (window === undefined) return `When would you like to meet ${name}? Here are some after-school times:`;
          return `${name}’s ${window.label.toLowerCase()} is due by ${showDate(window.dueOn, env.today)}. Some after-school times in that window:`;
        },
      }),
      durationStep({ typicalMinutes: policy.checkIns.typicalMinutes, rule: policy.checkIns.rule, preamble: (values) => warningMessages(warnings, values) }),
    ];
    return {
      intro: [say('Let’s book a check-in. I’ll send you both a calendar invitation and a reminder the day before.')],
      confirm: true,
      summaryTitle: 'Check-in to book',
      help: `Booking a check-in (${policy.checkIns.rule}). Check-ins shouldn’t take break, lunch or PPA time.`,
      steps: () => steps,
      // The colleague's check-in window (what is due in their cycle, and by when) is shown once they are chosen.
      async shown(values) {
        const colleague = colleagueOf(values);
        if (colleague !== undefined && windowOf(values) !== undefined) await env.reads.readAbout(env.person.id, colleague.id, 'obligations', env.now, 'scheduling');
      },
      async complete(values, records) {
        const colleague = colleagueOf(values);
        const at = chosenTime(values);
        if (colleague === undefined || at === undefined) return { messages: [say('Something was missing from the booking, so nothing was booked. Please start again with `schedule`.')] };
        const cycle = await env.reads.activeCycle(colleague.id, env.today);
        if (cycle === undefined) return { messages: [say(`${colleague.fullName} has no active growth cycle, so I couldn’t book a check-in. Your Trellis administrator sets cycles up from the roster.`)] };
        const meeting = await records.checkInMeetings.book({
          cycleId: cycle.id,
          personId: colleague.id,
          organizerId: env.person.id,
          startsAt: instantOf(at),
          durationMinutes: chosenMinutes(values, policy.checkIns.typicalMinutes),
        });
        await records.checkInMeetings.replaceReminders(meeting.id, meetingReminders(meeting, calendar, env.today, policy.checkIns.rule));
        return meetingUpdate(meeting, 'booked', env.person.id, env.now);
      },
    };
  },
});
