import { describe, expect, it } from 'vitest';
import { isLive, mayRead } from '../../../src/core/access/access-rule.ts';
import { reportAudience } from '../../../src/core/access/report-audience.ts';
import { appealManagerOf, hasReviewerPowers, headReviewersOf, type PersonFacts, relationshipsOn, type SubjectFacts } from '../../../src/core/access/relationships.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { countText, groupIsReportable, suppressCounts } from '../../../src/core/reports/suppression.ts';

const person = (id: string, over: Partial<PersonFacts> = {}): PersonFacts => ({ id, fullName: id, schoolId: 'school-a', trustId: 'trust', role: 'teacher', flags: [], active: true, ...over });

function facts(over: Partial<SubjectFacts> = {}): SubjectFacts {
  return {
    person: person('tess', { lineManagerId: 'max' }),
    assignments: [],
    defaultReviewer: 'line-manager',
    headIds: ['hana'],
    deputyIds: [],
    trustLeaderIds: ['trish'],
    ...over,
  };
}

const appeals = getPreset('thomas-alleyne')!.appeals!;

describe('who reviews whom, history-aware (002 §25–29, 003 §6.1, 004 §3.9–3.10)', () => {
  it('002 §25: with no assignment the line manager reviews', () => {
    expect(relationshipsOn(facts(), '2026-11-23').reviewer).toEqual({ id: 'max', basis: 'line-manager' });
  });

  it('002 §28–29: a delegated reviewer replaces the roster’s from the day it starts, and the old one applies to the days before', () => {
    const f = facts({
      assignments: [
        { kind: 'reviewer', personId: 'max', startsOn: '2026-09-01', endsOn: '2026-09-30', reason: 'roster' },
        { kind: 'reviewer', personId: 'rita', startsOn: '2026-10-01', reason: 'replacement after a request (002 §27)' },
      ],
    });
    expect(relationshipsOn(f, '2026-09-15').reviewer).toEqual({ id: 'max', basis: 'line-manager' });
    expect(relationshipsOn(f, '2026-10-01').reviewer).toEqual({ id: 'rita', basis: 'delegated' });
  });

  it('002 §29: a reviewer changed on the day the old one ends is the new one from that day', () => {
    const f = facts({
      assignments: [
        { kind: 'reviewer', personId: 'max', startsOn: '2026-09-07', endsOn: '2026-09-07', reason: 'roster' },
        { kind: 'reviewer', personId: 'dee', startsOn: '2026-09-07', reason: 'roster' },
      ],
    });
    expect(relationshipsOn(f, '2026-09-07').reviewer).toEqual({ id: 'dee', basis: 'line-manager' });
  });

  it('003 §6.1: the coach is the reviewer where the policy says so, ahead of the line manager the roster named', () => {
    const assignments = [
      { kind: 'reviewer' as const, personId: 'max', startsOn: '2026-09-01', reason: 'roster' },
      { kind: 'coach' as const, personId: 'coco', startsOn: '2026-09-01', reason: 'roster' },
    ];
    const tpat = relationshipsOn(facts({ assignments, defaultReviewer: 'coach' }), '2026-11-23');
    expect(tpat.reviewer).toEqual({ id: 'coco', basis: 'coach' });
    expect(hasReviewerPowers('coco', tpat)).toBe(true);
    const other = relationshipsOn(facts({ assignments }), '2026-11-23');
    expect(other.reviewer).toEqual({ id: 'max', basis: 'line-manager' });
    expect(other.coachId).toBe('coco');
    expect(hasReviewerPowers('coco', other)).toBe(false);
  });

  it('an ended coach assignment is not the coach any more', () => {
    const f = facts({ assignments: [{ kind: 'coach', personId: 'old', startsOn: '2026-09-01', endsOn: '2026-10-31', reason: 'roster' }] });
    expect(relationshipsOn(f, '2026-10-31').coachId).toBe('old');
    expect(relationshipsOn(f, '2026-11-01').coachId).toBeUndefined();
  });

  it('the head is this school’s headteacher; a trust leader is never taken for the head', () => {
    const r = relationshipsOn(facts({ headIds: [], trustLeaderIds: ['trish'] }), '2026-11-23');
    expect(r.headId).toBeUndefined();
    expect(r.trustLeaderIds).toEqual(['trish']);
  });
});

describe('the appeal manager (002 §16)', () => {
  it('is the head, unless the head took part in the review — then the trust’s CEO, a trust leader on the roster', () => {
    const r = relationshipsOn(facts(), '2026-11-23');
    expect(appealManagerOf(r, appeals, false)).toMatchObject({ kind: 'person', id: 'hana' });
    expect(appealManagerOf(r, appeals, true)).toMatchObject({ kind: 'person', id: 'trish' });
  });

  it('a head’s own appeal never goes to the head (002 §16–17)', () => {
    const head = relationshipsOn(facts({ person: person('hana', { role: 'headteacher' }) }), '2026-11-23');
    expect(appealManagerOf(head, appeals, false)).toMatchObject({ kind: 'person', id: 'trish' });
  });

  it('with no trust leader on any roster, it names the body to reach instead of a person', () => {
    expect(appealManagerOf(relationshipsOn(facts({ trustLeaderIds: [] }), '2026-11-23'), appeals, true)).toMatchObject({ kind: 'body', name: 'the trust’s CEO' });
  });
});

describe('the access rule (002 §18)', () => {
  const at = new Date('2026-11-23T10:00:00Z');
  const tess = relationshipsOn(facts(), '2026-11-23');

  it('002 §18: a line manager who is not the reviewer reads the plan only with a live grant, and nothing else with it; the grant expires', () => {
    const rel = relationshipsOn(facts({ assignments: [{ kind: 'reviewer', personId: 'rita', startsOn: '2026-09-01', reason: 'delegated' }] }), '2026-11-23');
    const max = person('max');
    expect(mayRead(max, rel, 'growth-plan', at).allowed).toBe(false);
    const grant = { id: 'g1', requesterId: 'max', subjectId: 'tess', grantedAt: new Date('2026-11-20T10:00:00Z'), expiresAt: new Date('2026-12-20T00:00:00Z') };
    expect(mayRead(max, rel, 'growth-plan', at, [grant])).toEqual({ allowed: true, reason: 'access-grant', grantId: 'g1' });
    expect(mayRead(max, rel, 'self-reflection', at, [grant]).allowed).toBe(false);
    expect(mayRead(max, rel, 'growth-plan', new Date('2026-12-21T10:00:00Z'), [grant]).allowed).toBe(false);
    expect(isLive({ ...grant, revokedAt: new Date('2026-11-21T10:00:00Z') }, at)).toBe(false);
  });

  it('a head reads only their own school’s staff; a growth diary is private even from the reviewer', () => {
    expect(mayRead(person('hana', { role: 'headteacher' }), tess, 'review', at)).toEqual({ allowed: true, reason: 'head' });
    expect(mayRead(person('bea', { role: 'headteacher', schoolId: 'school-b' }), tess, 'review', at).allowed).toBe(false);
    expect(mayRead(person('max'), tess, 'diary', at).allowed).toBe(false);
  });

  it('someone who has left reads nothing', () => {
    expect(mayRead(person('max', { active: false }), tess, 'growth-plan', at).allowed).toBe(false);
  });
});

describe('who counts as a leader for reports (002 §18)', () => {
  it('names to the head and the PM deputy, counts to other leaders and trust leaders, nothing to anyone else', () => {
    expect(reportAudience({ role: 'headteacher' })).toBe('named');
    expect(reportAudience({ role: 'leader', flags: ['pm-deputy'] })).toBe('named');
    expect(reportAudience({ role: 'leader' })).toBe('counts');
    expect(reportAudience({ role: 'trust-leader' })).toBe('counts');
    expect(reportAudience({ role: 'teacher', flags: ['tlr'] })).toBe('none');
  });
});

describe('small-number suppression (issue 13)', () => {
  it('hides 1–4, keeps 0 and 5+, and hides a second cell when a total would give the first away', () => {
    expect(suppressCounts([0, 4, 5, 12], { totalShown: false }).map(countText)).toEqual(['0', 'fewer than 5', '5', '12']);
    expect(suppressCounts([20, 1, 7], { totalShown: true }).map(countText)).toEqual(['20', 'fewer than 5', 'not shown']);
    expect(suppressCounts([20, 1, 2], { totalShown: true }).map(countText)).toEqual(['20', 'fewer than 5', 'fewer than 5']);
  });

  it('a group of 1 to 4 people is not reported at all', () => {
    expect([0, 1, 4, 5].map(groupIsReportable)).toEqual([true, false, false, true]);
  });
});

describe('who reviews the head (002 §22–24, 003 §6.3, 004 §9.1)', () => {
  const head = facts({ person: person('hana', { role: 'headteacher' }) });
  const policy = (id: string) => ({ headReviewers: getPreset(id)!.headReviewers });

  it('003 §6.3: the CEO (the roster’s trust leader) and the Chair of the LGB, named by the school or else the body', () => {
    const on = relationshipsOn(head, '2026-11-23');
    expect(headReviewersOf(on, policy('tpat'))).toEqual([
      { member: 'trust-ceo', chairs: false, kind: 'person', id: 'trish' },
      { member: 'chair-of-governors', chairs: false, kind: 'body' },
    ]);
    expect(headReviewersOf(on, policy('tpat'), [{ member: 'chair-of-governors', fullName: 'Cy Chair', email: 'cy@lgb.example' }])[1]).toEqual({
      member: 'chair-of-governors',
      chairs: false,
      kind: 'contact',
      fullName: 'Cy Chair',
      email: 'cy@lgb.example',
    });
  });

  it('002 §22–24: three governors and the CEO, who chairs; without a trust leader on the roster the CEO is the body', () => {
    const on = relationshipsOn(facts({ person: person('hana', { role: 'headteacher' }), trustLeaderIds: [] }), '2026-11-23');
    expect(headReviewersOf(on, policy('thomas-alleyne'))).toEqual([
      { member: 'governors-panel', chairs: false, kind: 'body' },
      { member: 'trust-ceo', chairs: true, kind: 'body' },
    ]);
  });

  it('004 §9.1: an external adviser; 001 does not say, so nobody beyond the line manager', () => {
    const on = relationshipsOn(head, '2026-11-23');
    expect(headReviewersOf(on, policy('whmat'))).toEqual([{ member: 'external-adviser', chairs: false, kind: 'body' }]);
    expect(headReviewersOf(on, policy('kingsmead'))).toEqual([]);
  });
});
