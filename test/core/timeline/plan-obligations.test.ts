import { describe, expect, it } from 'vitest';
import type { Flag, PersonProfile } from '../../../src/core/people/person.ts';
import { profileKey } from '../../../src/core/people/person.ts';
import type { StaffMember } from '../../../src/core/people/staff-member.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { calendarOf, type School } from '../../../src/core/schools/school.ts';
import { computeTimeline } from '../../../src/core/timeline/compute-timeline.ts';
import { planObligations } from '../../../src/core/timeline/plan-obligations.ts';
import { ENGLAND_2026_28 } from './timeline-fixtures.ts';

function schoolOf(preset: string): School {
  const policy = getPreset(preset);
  if (policy === undefined) throw new Error(`no preset ${preset}`);
  return { id: 'school', slug: 'school', name: 'School', policy, policySource: `preset:${preset}`, termDates: ENGLAND_2026_28, region: 'england-and-wales' };
}

/** Staff whose profiles repeat (as a school's do) and differ in every field a profile has. */
function staff(): StaffMember[] {
  const roles: PersonProfile['role'][] = ['teacher', 'teaching-assistant', 'support', 'leader'];
  const flagSets: Flag[][] = [[], ['tlr'], ['ups', 'tlr'], ['tlr', 'ups'], ['ect'], ['agency']];
  const head: StaffMember = { id: 'head', email: 'head@x', fullName: 'Head', role: 'headteacher', contract: 'permanent', flags: [], active: true };
  const people: StaffMember[] = [head];
  for (let i = 0; i < 60; i++) {
    people.push({
      id: `p${i}`,
      email: `p${i}@x`,
      fullName: `Person ${i}`,
      role: roles[i % roles.length]!,
      flags: flagSets[i % flagSets.length]!,
      contract: i % 7 === 0 ? 'fixed-term' : 'permanent',
      ...(i % 7 === 0 ? { contractEnd: '2027-03-31' } : {}),
      ...(i % 5 === 0 ? { startDate: '2027-01-11' } : i % 5 === 1 ? { startDate: '2018-09-01' } : {}),
      ...(i % 11 === 0 ? { cycleRestartedOn: '2026-11-02' } : {}),
      lineManagerId: 'head',
      active: i % 13 !== 12,
    });
  }
  return people;
}

describe('planning a school', () => {
  for (const preset of ['whmat', 'thomas-alleyne', 'kingsmead', 'tpat']) {
    it(`gives each person what their own timeline says, though each profile is computed once (${preset})`, () => {
      const school = schoolOf(preset);
      const people = staff();
      const planned = planObligations(school, people, 2026);
      const active = people.filter((person) => person.active);
      expect(planned.map((cycle) => cycle.personId)).toEqual(active.map((person) => person.id));
      for (const [at, person] of active.entries()) {
        const own = computeTimeline(school.policy, calendarOf(school), person, 2026);
        const cycle = planned[at]!;
        expect(cycle.obligations.map(({ key: _key, ownerPersonId: _owner, ...obligation }) => obligation)).toEqual(own.obligations);
        expect(cycle.obligations.every((obligation) => obligation.key.startsWith(`${person.id}:2026:`))).toBe(true);
        expect(cycle.exclusion?.code).toBe(own.excluded ? own.code : undefined);
        if (!own.excluded) expect({ start: cycle.start, end: cycle.end }).toEqual(own.cycle);
      }
    });
  }

  it('takes two profiles for the same when they differ only in the order of their flags, and for different when any field differs', () => {
    const base: PersonProfile = { role: 'teacher', startDate: '2018-09-01', contract: 'fixed-term', contractEnd: '2027-03-31', flags: ['ups', 'tlr'], cycleRestartedOn: '2026-11-02' };
    expect(profileKey({ ...base, flags: ['tlr', 'ups'] })).toBe(profileKey(base));
    const changes: Partial<PersonProfile>[] = [{ role: 'leader' }, { startDate: '2018-09-02' }, { contract: 'permanent' }, { contractEnd: undefined }, { flags: ['ups'] }, { cycleRestartedOn: undefined }];
    for (const change of changes) expect(profileKey({ ...base, ...change })).not.toBe(profileKey(base));
  });
});
