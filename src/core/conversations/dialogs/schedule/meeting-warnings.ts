import type { IsoDate } from '../../../calendar/iso-date.ts';
import type { SchoolCalendar } from '../../../calendar/school-calendar.ts';
import type { Role } from '../../../people/person.ts';
import type { Policy } from '../../../policy/policy-schema.ts';
import type { CheckInWindow } from '../../../scheduling/check-in-window.ts';
import { meetingTimeWarnings } from '../../../scheduling/time-warnings.ts';
import type { Values } from '../../engine/json-value.ts';
import { type OutgoingMessage, say } from '../../engine/outgoing-message.ts';
import { chosenMinutes, chosenTime } from './meeting-steps.ts';

export interface WarningContext {
  policy: Policy;
  calendar: SchoolCalendar;
  reviewee: (values: Values) => { fullName: string; role: Role } | undefined;
  window: (values: Values) => CheckInWindow | undefined;
  /** The turn's day, so a date in this year is written without its year. */
  today: IsoDate;
}

/** The warnings about the chosen time, as one message ("say `back` to pick another"), or nothing. */
export function warningMessages(context: WarningContext, values: Values): OutgoingMessage[] {
  const at = chosenTime(values);
  const reviewee = context.reviewee(values);
  if (at === undefined || reviewee === undefined) return [];
  const minutes = chosenMinutes(values, context.policy.checkIns.typicalMinutes);
  const warnings = meetingTimeWarnings({ policy: context.policy, calendar: context.calendar, at, minutes, reviewee, window: context.window(values), today: context.today });
  if (warnings.length === 0) return [];
  return [say(`⚠️ Before you book:\n${warnings.map((w) => `• ${w}`).join('\n')}\nYou can still book it — or say \`back\` to pick another time.`)];
}
