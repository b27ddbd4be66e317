import type { PeopleFacts } from '../access/access-ports.ts';
import { type AccessOutcome, pickOne } from '../access/access-requests.ts';
import { relationshipsOn } from '../access/relationships.ts';
import type { KnownPerson } from '../bot/bot-ports.ts';
import { academicYearOf } from '../time/clock.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { say } from '../conversations/engine/outgoing-message.ts';
import { keyNotifications, type QueuedNotification } from '../notifications/notification-queue.ts';
import { readableDate } from '../reports/readable-date.ts';
import { type PlannedCycle, planObligations } from '../timeline/plan-obligations.ts';
import type { SchoolStaffReads } from './school-staff-reads.ts';

export type RestartDecision = 'restart' | 'keep';

/** What deciding a restart needs from storage: the school and its staff, and one transaction that records the decision. */
export interface CycleRestartStore extends SchoolStaffReads {
  /**
   * In one transaction: on a restart, the person's `cycleRestartedOn` set to `on`; the decision
   * in the audit trail (who, whom, what, the rule); and `notify` on the durable queue.
   */
  record(input: { schoolId: string; personId: string; deciderId: string; decision: RestartDecision; on: IsoDate; at: Date; rule: string; notify: readonly QueuedNotification[] }): Promise<void>;
  /** Stores the re-planned year, as a roster import does (`ObligationRepository.syncCycles`). */
  syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<unknown>;
}

const reply = (text: string): AccessOutcome => ({ messages: [say(text)] });

/**
 * The head's decision after a move to a new post part-way through a cycle (002 §35): whether the
 * cycle begins again. `restart-cycle NAME` records it and plans the person's year again from the
 * decision date with the one planner (`planObligations`, which plans a restarted cycle as a new
 * starter's, 002 §34); `keep-cycle NAME` records that it carries on. Either way the decision is in
 * the audit trail and the person is told through the durable queue. Only the head of the person's
 * own school decides, and only where the policy gives the head this decision; a head's own move
 * is for the governing body.
 */
export class CycleRestarts {
  readonly #facts: PeopleFacts;
  readonly #store: CycleRestartStore;

  constructor(deps: { facts: PeopleFacts; store: CycleRestartStore }) {
    this.#facts = deps.facts;
    this.#store = deps.store;
  }

  async decide(decider: KnownPerson, decision: RestartDecision, name: string, now: Date): Promise<AccessOutcome> {
    const word = decision === 'restart' ? 'restart-cycle' : 'keep-cycle';
    if (name.trim() === '') return reply(`Please name the colleague, e.g. \`${word} Tara One\`.`);
    const school = await this.#store.school(decider.schoolId);
    const rule = school?.policy.roleTransfer?.headDecidesRestartAndReviewer === true ? school.policy.roleTransfer.rule : undefined;
    if (school === undefined || rule === undefined) {
      return reply('Your school’s policy does not ask the head to decide whether a cycle begins again after a move to a new post, so there is nothing to decide: the cycle carries on.');
    }
    const chosen = pickOne(await this.#facts.namedInSchoolOf(decider.id, name), name);
    if (chosen === undefined) return reply(`I can’t find one colleague called “${name.trim()}” at your school. Please give their full name.`);
    const today = londonDateOf(now);
    const person = chosen.person;
    if (person.role === 'headteacher') return reply(`Whether the head’s own cycle begins again is for the governing body to decide (${rule}), not in Trellis.`);
    if (relationshipsOn(chosen, today).headId !== decider.id) return reply(`Only the head of ${person.fullName}’s school decides whether their cycle begins again (${rule}).`);
    const day = readableDate(today, today);
    const told =
      decision === 'restart'
        ? `${decider.fullName} has decided that, after your move to a new post, your growth cycle begins again from ${day} (${rule}). What you have already done stays on your record; what the new cycle asks of you, and by when, is in \`status\`.`
        : `${decider.fullName} has decided that, after your move to a new post, your growth cycle carries on as it is (${rule}).`;
    const notify = keyNotifications(`cycle-restart:${person.id}:${today}:${decision}`, [{ personId: person.id, messages: [say(told)] }]);
    await this.#store.record({ schoolId: school.id, personId: person.id, deciderId: decider.id, decision, on: today, at: now, rule, notify });
    if (decision === 'keep') return reply(`Recorded: ${person.fullName}’s cycle carries on as it is (${rule}). They have been told.`);
    // The one planner, over the staff as stored now (the restart included), for this person only.
    const staff = await this.#store.staff(school.id, today);
    const cycles = planObligations(school, staff, academicYearOf(today)).filter((cycle) => cycle.personId === person.id);
    await this.#store.syncCycles(school.id, cycles);
    return reply(`Recorded: ${person.fullName}’s cycle begins again from ${day} (${rule}), planned as a new starter’s from that day; what they have done stays on their record. They have been told.`);
  }
}
