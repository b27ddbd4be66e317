import { relationshipsOn, type SubjectFacts } from '../access/relationships.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import type { ReminderPerson } from './reminder-types.ts';

/**
 * A person as the planner needs them on a day. Their reviewer is the one `relationshipsOn`
 * decides (a delegated or replacement reviewer in force, 002 §25–28, 004 §3.10; the coach where
 * the policy makes the coach the reviewer, 003 §6.1; else the line manager, 004 §3.9), so the
 * reminders escalate to the same person who may read and agree the plan.
 */
export function reminderPersonOf(facts: SubjectFacts, on: IsoDate): ReminderPerson {
  const { person } = facts;
  return {
    id: person.id,
    email: person.email ?? '',
    fullName: person.fullName,
    role: person.role,
    lineManagerId: person.lineManagerId,
    reviewerId: relationshipsOn(facts, on).reviewer?.id,
    active: person.active,
  };
}
