import type { IsoDate } from '../calendar/iso-date.ts';
import type { ObligationFacts } from '../obligations/obligation-facts.ts';
import { lapses } from '../obligations/obligation-kinds.ts';

/** An obligation as the reminder planner needs it: what, for whom, by when, and its state. */
export interface ReminderObligation extends ObligationFacts {
  id: string;
  status: 'open' | 'done' | 'not-applicable' | 'snoozed';
  snoozedUntil?: IsoDate | undefined;
}

/** A person as the planner needs them: who they are and who is above them. */
export interface ReminderPerson {
  id: string;
  email: string;
  fullName: string;
  role: string;
  lineManagerId?: string | undefined;
  /** The reviewer on the sweep's day, as `relationshipsOn` decides (`reminderPersonOf`); absent when nobody reviews them. */
  reviewerId?: string | undefined;
  active: boolean;
}

/**
 * Where in the cadence a reminder sits: `opened`, `due-in-5` (school days), `due-today`,
 * `overdue-10` (school days overdue), `escalated-reviewer`, `escalated-head`.
 */
export type ReminderPoint = 'opened' | `due-in-${number}` | 'due-today' | `overdue-${number}` | 'escalated-reviewer' | 'escalated-head';

/** Whom a reminder is for: the person who owes it, or someone it is escalated to. */
export type ReminderAudience = 'owner' | 'reviewer' | 'head';

/** One reminder: a point of an obligation's cadence, for one recipient, to go out on `sendOn`. */
export interface Reminder {
  /** `${obligationKey}:${point}:${recipientId}`: the outbox's unique key, so a point is queued once. */
  key: string;
  recipientId: string;
  obligationId: string;
  obligationKey: string;
  point: ReminderPoint;
  audience: ReminderAudience;
  /** The day the cadence put the point on, before holding it to a school day or past a snooze. */
  scheduledOn: IsoDate;
  /** The school day it goes out on. */
  sendOn: IsoDate;
  kind: string;
  label: string;
  dueOn: IsoDate;
  rule: string;
  /** The reviewee, so a manager's digest can say whose item it is. */
  about: { personId: string; fullName: string };
  /** False for statutory deadlines that cannot be snoozed (appeal windows, 002 §16–17). */
  mutable: boolean;
}

/** How far a cadence follows an obligation: see `cadencePoints`. */
export type Chase = 'before-due' | 'until-due' | 'after-due';

export function chaseOf(obligation: Pick<ReminderObligation, 'kind' | 'optional'>): Chase {
  if (lapses(obligation.kind)) return 'until-due';
  return obligation.optional ? 'before-due' : 'after-due';
}

export function reminderKey(obligationKey: string, point: ReminderPoint, recipientId: string): string {
  return `${obligationKey}:${point}:${recipientId}`;
}
