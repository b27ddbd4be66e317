import type { PeopleFacts } from '../access/access-ports.ts';
import { type AccessOutcome, pickOne } from '../access/access-requests.ts';
import { CYCLE_CARRIES_ON, replacementBelowRequiredStatus } from '../access/reviewer-changes.ts';
import type { SubjectFacts } from '../access/relationships.ts';
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
  /**
   * In one transaction: `newReviewerId` reviews the person from `on` (the earlier assignment ended,
   * never rewritten; what the old reviewer still owed for them passes to the new one), the decision
   * in the audit trail, and `notify` on the durable queue.
   */
  changeReviewer(input: { schoolId: string; personId: string; deciderId: string; oldReviewerId?: string | undefined; newReviewerId: string; on: IsoDate; at: Date; rule: string; reason: string; notify: readonly QueuedNotification[] }): Promise<void>;
  /** Stores the re-planned year, as a roster import does (`ObligationRepository.syncCycles`). */
  syncCycles(schoolId: string, cycles: readonly PlannedCycle[]): Promise<unknown>;
}

const reply = (text: string): AccessOutcome => ({ messages: [say(text)] });

/** The reason the head's new reviewer assignment carries: like any reason but `roster`, it outranks the roster's reviewer and survives re-imports. */
export const HEAD_DECIDED_REASON = 'decided by the head after a move to a new post';

/**
 * The head's decision after a move to a new post part-way through a cycle (002 §35): whether the
 * cycle begins again. `restart-cycle NAME` records it and plans the person's year again from the
 * decision date with the one planner (`planObligations`, which plans a restarted cycle as a new
 * starter's, 002 §34); `keep-cycle NAME` records that it carries on. Either way the decision is in
 * the audit trail and the person is told through the durable queue. Only the head of the person's
 * own school decides, and only where the policy gives the head this decision; a head's own move
 * is for the governing body. `reassign-reviewer NAME: NEW REVIEWER` is the decision's other half,
 * whether to change the reviewer, under the same conditions.
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
    const found = await this.#headsColleague(decider, name, now, { theirs: 'whether their cycle begins again', heads: 'Whether the head’s own cycle begins again' });
    if ('messages' in found) return found;
    const { person, today } = found;
    const day = readableDate(today, today);
    const told =
      decision === 'restart'
        ? `${decider.fullName} has decided that, after your move to a new post, your growth cycle begins again from ${day}. What you have already done stays on your record; what the new cycle asks of you, and by when, is in \`status\`.`
        : `${decider.fullName} has decided that, after your move to a new post, your growth cycle carries on as it is.`;
    const notify = keyNotifications(`cycle-restart:${person.id}:${today}:${decision}`, [{ personId: person.id, messages: [say(told)] }]);
    await this.#store.record({ schoolId: school.id, personId: person.id, deciderId: decider.id, decision, on: today, at: now, rule, notify });
    if (decision === 'keep') return reply(`Recorded: ${person.fullName}’s cycle carries on as it is. They have been told.`);
    // The one planner, over the staff as stored now (the restart included), for this person only.
    const staff = await this.#store.staff(school.id, today);
    const cycles = planObligations(school, staff, academicYearOf(today)).filter((cycle) => cycle.personId === person.id);
    await this.#store.syncCycles(school.id, cycles);
    return reply(`Recorded: ${person.fullName}’s cycle begins again from ${day}, planned as a new starter’s from that day; what they have done stays on their record. They have been told.`);
  }

  /**
   * `reassign-reviewer NAME: NEW REVIEWER` (002 §35: the head decides “whether to change the
   * reviewer”). The new reviewer passes the same 002 §28 status check as a granted request; in one
   * transaction the assignment changes (the old one ended, never rewritten), the decision is
   * audited and the person, the old and the new reviewer are told through the durable queue. The
   * cycle carries on (002 §29). Under 003 §7.4 and 004 §4.4 the head has no such decision: a new
   * coach or appraiser comes from the staff list, or from the colleague's written request.
   */
  async changeReviewer(decider: KnownPerson, name: string, newName: string, now: Date): Promise<AccessOutcome> {
    if (name.trim() === '' || newName.trim() === '') return reply('Please name the colleague and their new reviewer, e.g. `reassign-reviewer Tara One: Rita Reviewer`.');
    const school = await this.#store.school(decider.schoolId);
    const transfer = school?.policy.roleTransfer;
    if (school === undefined || transfer?.headDecidesRestartAndReviewer !== true) {
      const ask = school?.policy.reviewers.revieweeMayRequestChange === true ? `, or from the colleague’s own written request (\`change-reviewer REASON\`)` : '';
      return reply(`Your school’s policy does not give the head the decision to change a colleague’s reviewer after a move to a new post. A new reviewer comes from the staff list${ask}.`);
    }
    const rule = transfer.rule;
    const found = await this.#headsColleague(decider, name, now, { theirs: 'whether to change their reviewer', heads: 'Whether to change the head’s own reviewers' });
    if ('messages' in found) return found;
    const { person, subject, today } = found;
    const chosen = pickOne(await this.#facts.namedInSchoolOf(decider.id, newName), newName);
    if (chosen === undefined) return reply(`I can’t find one colleague called “${newName.trim()}” at your school. Please give the new reviewer’s full name.`);
    if (chosen.person.id === person.id) return reply(`${person.fullName} cannot review themselves; please name someone else.`);
    const oldReviewerId = relationshipsOn(subject, today).reviewer?.id;
    if (chosen.person.id === oldReviewerId) return reply(`${chosen.person.fullName} already reviews ${person.fullName}; nothing to change.`);
    const [old] = oldReviewerId === undefined ? [] : await this.#facts.factsOf([oldReviewerId]);
    const tooJunior = await replacementBelowRequiredStatus(this.#facts, subject, { revieweeName: person.fullName, reviewerId: oldReviewerId }, chosen);
    if (tooJunior !== undefined) return reply(tooJunior);
    const day = readableDate(today, today);
    const newReviewer = chosen.person.fullName;
    const carriesOn = CYCLE_CARRIES_ON;
    const told = [
      { personId: person.id, messages: [say(`${decider.fullName} has decided that, after your move to a new post, ${newReviewer} is your reviewer from ${day}. ${carriesOn}.`)] },
      { personId: chosen.person.id, messages: [say(`${decider.fullName} has made you ${person.fullName}’s reviewer from ${day}, after their move to a new post, in place of ${old?.person.fullName ?? 'no one'}. ${carriesOn}: say \`status\` to see what is due.`)] },
    ];
    if (old !== undefined && old.person.id !== decider.id) {
      told.push({ personId: old.person.id, messages: [say(`${decider.fullName} has decided that ${newReviewer} reviews ${person.fullName} from ${day}; what you still had open for them has passed to ${newReviewer}.`)] });
    }
    const notify = keyNotifications(`reviewer-change:head:${person.id}:${today}:${chosen.person.id}`, told);
    await this.#store.changeReviewer({
      schoolId: school.id,
      personId: person.id,
      deciderId: decider.id,
      oldReviewerId,
      newReviewerId: chosen.person.id,
      on: today,
      at: now,
      rule,
      reason: `${HEAD_DECIDED_REASON} (${rule})`,
      notify,
    });
    return reply(`Recorded: ${newReviewer} reviews ${person.fullName} from ${day}. ${carriesOn}. They have been told, and so has ${old?.person.fullName ?? 'no one else'}.`);
  }

  /** The colleague the head names, when the decider is the head of their school and they are not the head themselves; otherwise the plain refusal. */
  async #headsColleague(
    decider: KnownPerson,
    name: string,
    now: Date,
    what: { theirs: string; heads: string },
  ): Promise<AccessOutcome | { person: SubjectFacts['person']; subject: SubjectFacts; today: IsoDate }> {
    const chosen = pickOne(await this.#facts.namedInSchoolOf(decider.id, name), name);
    if (chosen === undefined) return reply(`I can’t find one colleague called “${name.trim()}” at your school. Please give their full name.`);
    const today = londonDateOf(now);
    const person = chosen.person;
    if (person.role === 'headteacher') return reply(`${what.heads} is for the governing body to decide, not in Trellis.`);
    if (relationshipsOn(chosen, today).headId !== decider.id) return reply(`Only the head of ${person.fullName}’s school decides ${what.theirs}.`);
    return { person, subject: chosen, today };
  }
}
