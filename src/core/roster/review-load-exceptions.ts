import type { PeopleFacts } from '../access/access-ports.ts';
import { type AccessOutcome, pickOne } from '../access/access-requests.ts';
import { relationshipsOn } from '../access/relationships.ts';
import type { KnownPerson } from '../bot/bot-ports.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { say } from '../conversations/engine/outgoing-message.ts';
import { reviewLoadOf } from './review-load.ts';
import type { SchoolStaffReads } from './school-staff-reads.ts';

/** What confirming an exception needs from storage: the school, its staff, and the audit trail. */
export interface ReviewLoadExceptionStore extends SchoolStaffReads {
  /** The confirmation in the audit trail: who confirmed it and when, for whom, the count at the time, the reason and the rule. */
  record(input: { schoolId: string; reviewerId: string; reviewerEmail: string; deciderId: string; count: number; max: number; reason: string | undefined; at: Date; rule: string }): Promise<void>;
}

const reply = (text: string): AccessOutcome => ({ messages: [say(text)] });

/**
 * 002 §25: the head decides that a line manager may review more people than the policy's limit
 * (`allow-reviewees NAME [REASON]`). The confirmation is recorded in the audit trail with the
 * number reviewed at the time; `import roster` and the admin console's preview then say it was
 * confirmed, by whom and when, until the number grows past it. Only the head of the line
 * manager's own school confirms (the seed gives this to the head, not the PM deputy), and only
 * under a policy with such a limit.
 */
export class ReviewLoadExceptions {
  readonly #facts: PeopleFacts;
  readonly #store: ReviewLoadExceptionStore;

  constructor(deps: { facts: PeopleFacts; store: ReviewLoadExceptionStore }) {
    this.#facts = deps.facts;
    this.#store = deps.store;
  }

  async confirm(decider: KnownPerson, name: string, reason: string | undefined, now: Date): Promise<AccessOutcome> {
    const school = await this.#store.school(decider.schoolId);
    const policy = school?.policy;
    const rule = policy?.reviewers.revieweeLimit?.rule;
    if (school === undefined || policy === undefined || rule === undefined) {
      return reply('Your school’s policy sets no limit on how many people one line manager reviews, so there is no exception to confirm.');
    }
    if (name.trim() === '') return reply('Please name the line manager, e.g. `allow-reviewees Mo Maths: a large department this year`.');
    const chosen = pickOne(await this.#facts.namedInSchoolOf(decider.id, name), name);
    if (chosen === undefined) return reply(`I can’t find one colleague called “${name.trim()}” at your school. Please give their full name.`);
    const today = londonDateOf(now);
    const person = chosen.person;
    if (relationshipsOn(chosen, today).headId !== decider.id) return reply(`Only the head of ${person.fullName}’s school confirms an exception to the number of reviewees.`);
    const staff = await this.#store.staff(school.id, today);
    const reviewer = staff.find((member) => member.id === person.id);
    const load = reviewer === undefined ? undefined : reviewLoadOf(policy, staff, reviewer);
    if (reviewer === undefined) return reply(`${person.fullName} is not on your school’s staff list today, so there is no exception to confirm.`);
    if (load === undefined) return reply(`${person.fullName} may review any number of people under your policy (those flagged ${policy.reviewers.revieweeLimit?.exemptFlags.join(' or ')} are not held to the limit), so there is no exception to confirm.`);
    if (load.count <= load.max) return reply(`${person.fullName} reviews ${load.count} ${load.count === 1 ? 'person' : 'people'}, within the policy’s ${load.max}, so there is no exception to confirm.`);
    await this.#store.record({ schoolId: school.id, reviewerId: person.id, reviewerEmail: reviewer.email, deciderId: decider.id, count: load.count, max: load.max, reason, at: now, rule });
    return reply(`Recorded: ${person.fullName} may review ${load.count} people this cycle, more than the policy’s ${load.max}. Roster imports now say you confirmed it, and say so again if the number grows.`);
  }
}
