import { profileKey } from '../people/person.ts';
import type { StaffMember } from '../people/staff-member.ts';
import type { Owner } from '../policy/policy-schema.ts';
import { calendarOf, type School } from '../schools/school.ts';
import { type Obligation, computeTimeline, type Timeline } from './compute-timeline.ts';

/** A person's cycle for one academic year, as it should be stored. */
export interface PlannedCycle {
  personId: string;
  academicYear: number;
  start: string;
  end: string;
  /** Set when the policy does not cover the person this year, with the reason and rule. */
  exclusion?: { code: string; reason: string; rule: string } | undefined;
  obligations: PlannedObligation[];
}

export interface PlannedObligation extends Obligation {
  /** Deterministic and unique: recomputing a timeline updates rows instead of adding them. */
  key: string;
  ownerPersonId?: string | undefined;
}

/**
 * Computes every active person's cycle and obligations for an academic year and says who, by
 * name, owes each one. Pure: storage only has to write what comes back.
 */
export function planObligations(school: School, staff: readonly StaffMember[], academicYear: number): PlannedCycle[] {
  const calendar = calendarOf(school);
  const head = staff.find((person) => person.active && person.role === 'headteacher');
  // A school's staff share a few dozen profiles: each is computed once (a roster's first load
  // plans 50,000 people, and the calendar arithmetic was most of planning's CPU).
  const timelines = new Map<string, Timeline>();
  const timelineOf = (person: StaffMember): Timeline => {
    const key = profileKey(person);
    let timeline = timelines.get(key);
    if (timeline === undefined) {
      timeline = computeTimeline(school.policy, calendar, person, academicYear);
      timelines.set(key, timeline);
    }
    return timeline;
  };
  return staff
    .filter((person) => person.active)
    .map((person) => {
      const timeline = timelineOf(person);
      // What an excluded person is still offered (004 §2.2) is stored and reminded like the rest.
      const obligations = timeline.obligations.map((obligation) => ({
        ...obligation,
        key: obligationKey(person.id, academicYear, obligation.id),
        ownerPersonId: resolveOwner(obligation.owner, person, head),
      }));
      if (timeline.excluded) {
        const { code, reason, rule } = timeline;
        const cycle = { start: `${academicYear}-09-01`, end: `${academicYear + 1}-08-31` };
        return { personId: person.id, academicYear, ...cycle, exclusion: { code, reason, rule }, obligations };
      }
      return { personId: person.id, academicYear, start: timeline.cycle.start, end: timeline.cycle.end, obligations };
    });
}

export function obligationKey(personId: string, academicYear: number, obligationId: string): string {
  return `${personId}:${academicYear}:${obligationId}`;
}

/**
 * The policy rule an obligation of the plan comes from, read back from its key; undefined for a
 * deadline an event started (an appeal window: `<person>:<cycle id>:…`), which no rule made.
 */
export function ruleIdOfKey(key: string): string | undefined {
  const [, year, ruleId] = key.split(':');
  return year !== undefined && /^\d{4}$/.test(year) ? ruleId : undefined;
}

function resolveOwner(owner: Owner, person: StaffMember, head: StaffMember | undefined): string | undefined {
  switch (owner) {
    case 'reviewee':
      return person.id;
    case 'reviewer':
      return person.reviewerId ?? person.lineManagerId;
    case 'coach':
      return person.coachId ?? person.reviewerId ?? person.lineManagerId;
    case 'head':
      // The head of their own school as the one model decides it (`relationshipsOn`), when the staff list carries it.
      return person.headId ?? head?.id;
    case 'governors':
      return undefined;
  }
}
