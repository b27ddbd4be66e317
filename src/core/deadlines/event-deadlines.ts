import type { IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { EventObligationKind } from '../obligations/obligation-kinds.ts';
import type { Policy } from '../policy/policy-schema.ts';
import type { DeadlineObligation } from './deadline-obligation.ts';

/**
 * Deadlines that events start rather than the calendar: a final report issued opens the appeal
 * window, a lodged appeal sets the meeting's deadline, a held meeting the written outcome's, an
 * observation the feedback's. Appeal deadlines count working days as SchoolCalendar does (the
 * event's day is day 0; weekends and bank holidays don't count); observation feedback counts school
 * days, as it is given in directed time (002 Annex 1 §9). Keys are built from the event, so saving it again
 * finds the same obligation.
 */

type Appeals = NonNullable<Policy['appeals']>;

/** The kinds these deadlines use; what each may do is in the registry (appeal kinds cannot be snoozed). */
export const DEADLINE_KINDS = {
  appealWindow: 'appeal-window',
  appealMeeting: 'appeal-meeting',
  appealOutcome: 'appeal-outcome',
  oralFeedback: 'observation-oral-feedback',
  writtenFeedback: 'observation-written-feedback',
} as const satisfies Record<string, EventObligationKind>;

export function appealWindowKey(personId: string, cycleId: string): string {
  return `${personId}:${cycleId}:appeal-window`;
}

/**
 * 002 §16: an appeal is lodged within N working days of receiving the final report. The reviewee
 * owes nothing, so the obligation is theirs to know about: reminded up to the last day, never
 * chased afterwards, and never muted.
 */
export function appealWindowDeadline(input: { personId: string; cycleId: string; issuedOn: IsoDate; appeals: Appeals; calendar: SchoolCalendar }): DeadlineObligation {
  const { appeals } = input;
  return {
    key: appealWindowKey(input.personId, input.cycleId),
    cycleId: input.cycleId,
    personId: input.personId,
    kind: DEADLINE_KINDS.appealWindow,
    label: 'Last day to appeal against your final review, if you wish to',
    opensOn: input.issuedOn,
    dueOn: input.calendar.addWorkingDays(input.issuedOn, appeals.windowWorkingDays),
    ownerRole: 'reviewee',
    ownerPersonId: input.personId,
    rule: `${appeals.rule} (within ${appeals.windowWorkingDays} working days of the final report)`,
  };
}

function appealKey(personId: string, cycleId: string, reportReceivedOn: IsoDate): string {
  // One appeal per final report (002 §16: several entries make one appeal), so the report's date names it.
  return `${personId}:${cycleId}:appeal:${reportReceivedOn}`;
}

/** The keys of an appeal's meeting and written-outcome deadlines, so recording the outcome can settle both. */
export function appealDeadlineKeys(personId: string, cycleId: string, reportReceivedOn: IsoDate): { meeting: string; outcome: string } {
  const key = appealKey(personId, cycleId, reportReceivedOn);
  return { meeting: `${key}:meeting`, outcome: `${key}:outcome` };
}

/** 002 §16: the appeal meeting normally within N working days of the appeal being received. */
export function appealMeetingDeadline(input: {
  personId: string;
  cycleId: string;
  lodgedOn: IsoDate;
  reportReceivedOn: IsoDate;
  appealManagerId: string | undefined;
  appeals: Appeals;
  calendar: SchoolCalendar;
}): DeadlineObligation {
  const { appeals } = input;
  return {
    key: appealDeadlineKeys(input.personId, input.cycleId, input.reportReceivedOn).meeting,
    cycleId: input.cycleId,
    personId: input.personId,
    kind: DEADLINE_KINDS.appealMeeting,
    label: 'Hold the appeal meeting',
    opensOn: input.lodgedOn,
    dueOn: input.calendar.addWorkingDays(input.lodgedOn, appeals.meetingWithinWorkingDays),
    ownerRole: 'appeal-manager',
    ownerPersonId: input.appealManagerId,
    rule: `${appeals.rule} (meeting within ${appeals.meetingWithinWorkingDays} working days)`,
  };
}

/** 002 §17: the appeal manager confirms the outcome in writing within N working days of the meeting. */
export function appealOutcomeDeadline(input: {
  meeting: { key: string; cycleId: string; personId: string; ownerRole: string; ownerPersonId?: string | undefined };
  heldOn: IsoDate;
  appeals: Appeals;
  calendar: SchoolCalendar;
}): DeadlineObligation {
  const { meeting, appeals } = input;
  return {
    key: meeting.key.replace(/:meeting$/, ':outcome'),
    cycleId: meeting.cycleId,
    personId: meeting.personId,
    kind: DEADLINE_KINDS.appealOutcome,
    label: 'Confirm the appeal’s outcome in writing',
    opensOn: input.heldOn,
    dueOn: input.calendar.addWorkingDays(input.heldOn, appeals.outcomeWithinWorkingDays),
    ownerRole: meeting.ownerRole,
    ownerPersonId: meeting.ownerPersonId,
    rule: `${appeals.rule} (outcome within ${appeals.outcomeWithinWorkingDays} working days of the meeting)`,
  };
}

/**
 * 002 Annex 1 §9–10: oral feedback by the end of the next working day, written feedback within
 * five working days, both owed by the observer. Feedback is given "during directed time" (§9), so
 * the days are school days: a half term or closure does not count, and a lesson observed on the
 * Friday before half term is fed back on the first day after it. Oral feedback already given (the
 * observer said when) needs no reminder. Policies without these limits get none.
 */
export function observationFeedbackDeadlines(input: {
  observationId: string;
  personId: string;
  cycleId: string;
  observerId: string;
  observedOn: IsoDate;
  oralFeedbackOn: IsoDate | undefined;
  observation: Policy['observation'];
  calendar: SchoolCalendar;
}): DeadlineObligation[] {
  const { observation, calendar, observedOn } = input;
  const base = { cycleId: input.cycleId, personId: input.personId, opensOn: observedOn, ownerRole: 'observer', ownerPersonId: input.observerId };
  const key = `${input.personId}:${input.cycleId}:observation:${input.observationId}`;
  const deadlines: DeadlineObligation[] = [];
  if (observation.oralFeedbackWithinWorkingDays !== undefined && input.oralFeedbackOn === undefined) {
    deadlines.push({
      ...base,
      key: `${key}:oral-feedback`,
      kind: DEADLINE_KINDS.oralFeedback,
      label: 'Give oral feedback on the observed lesson',
      dueOn: calendar.addSchoolDays(observedOn, observation.oralFeedbackWithinWorkingDays),
      rule: `${observation.rule} §9 (oral feedback by the end of the next working day)`,
    });
  }
  if (observation.writtenFeedbackWithinWorkingDays !== undefined) {
    deadlines.push({
      ...base,
      key: `${key}:written-feedback`,
      kind: DEADLINE_KINDS.writtenFeedback,
      label: 'Give written feedback on the observed lesson',
      dueOn: calendar.addSchoolDays(observedOn, observation.writtenFeedbackWithinWorkingDays),
      rule: `${observation.rule} §10 (written feedback within ${observation.writtenFeedbackWithinWorkingDays} working days)`,
    });
  }
  return deadlines;
}
