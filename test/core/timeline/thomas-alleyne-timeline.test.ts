import { describe, expect, it } from 'vitest';
import { byId, dueDates, obligationsOf, timelineOf } from './timeline-fixtures.ts';

describe("Thomas Alleyne's preset (seed 002) timeline", () => {
  it('runs the cycle from 1 September to 31 August (002 §32)', () => {
    const timeline = timelineOf('thomas-alleyne', {});
    if (timeline.excluded) throw new Error(timeline.reason);
    expect(timeline.cycle).toEqual({ start: '2026-09-01', end: '2027-08-31' });
  });

  it('has teachers’ planning done by 31 October, held back from Sat 31 Oct and half term to Fri 23 Oct, and the interim review in the second half of spring (002 §14, §31)', () => {
    const obligations = obligationsOf('thomas-alleyne', {});
    expect(obligations.map((o) => [o.id, o.kind, o.opens, o.due, o.owner])).toEqual([
      ['self-reflection', 'self-reflection', '2026-09-01', '2026-10-15', 'reviewee'],
      ['plan-agreed', 'plan-agreed', '2026-09-01', '2026-10-23', 'reviewer'],
      // 002 §48: one graded observation at the start of the cycle, after its arrangements are agreed (§50): by the end of the autumn term.
      ['graded-observation', 'graded-observation', '2026-09-02', '2026-12-18', 'reviewer'],
      // Spring half term ends Fri 19 Feb 2027; the term's last day, 26 March, is Good Friday.
      ['interim-review', 'interim-review', '2027-02-22', '2027-03-25', 'reviewer'],
      // 31 Oct 2027 is a Sunday after half term (25–29 Oct): Fri 22 Oct.
      ['end-of-cycle-review', 'end-of-cycle-review', '2027-06-07', '2027-10-22', 'reviewer'],
    ]);
    expect(byId(obligations, 'plan-agreed').rule).toContain('002 §31');
    expect(byId(obligations, 'interim-review').rule).toContain('002 §14');
  });

  it('has the head’s planning done by 31 December, on the last school day before Christmas, by the governors (002 §31, §22)', () => {
    const obligations = obligationsOf('thomas-alleyne', { role: 'headteacher' });
    expect(byId(obligations, 'head-plan-agreed')).toMatchObject({ due: '2026-12-18', owner: 'governors', kind: 'plan-agreed' });
    expect(byId(obligations, 'head-end-of-cycle-review').due).toBe('2027-12-17');
    expect(obligations.map((o) => o.id)).not.toContain('plan-agreed');
    // 002 §48's graded observation is for teachers; the head is reviewed by governors (§22–24).
    expect(obligations.map((o) => o.id)).not.toContain('graded-observation');
  });

  it('gives the 2027/28 dates, each on a school day (002 §14, §31)', () => {
    expect(dueDates(obligationsOf('thomas-alleyne', {}, 2027))).toEqual({
      'self-reflection': '2027-10-15',
      'plan-agreed': '2027-10-22',
      'graded-observation': '2027-12-17',
      'interim-review': '2028-03-31',
      'end-of-cycle-review': '2028-10-31',
    });
    expect(byId(obligationsOf('thomas-alleyne', {}, 2027), 'interim-review').opens).toBe('2028-02-21');
  });

  it('covers only teachers and the head: a teaching assistant is told why (002 introduction)', () => {
    expect(timelineOf('thomas-alleyne', { role: 'teaching-assistant' })).toMatchObject({ excluded: true, code: 'role-not-covered' });
    expect(timelineOf('thomas-alleyne', { role: 'support' })).toMatchObject({ excluded: true, code: 'role-not-covered' });
  });

  it('excludes ECTs in year 1 only, capability procedures, agency staff and contracts under a term (002 introduction)', () => {
    expect(timelineOf('thomas-alleyne', { flags: ['ect'] })).toMatchObject({ excluded: true, code: 'induction-year-1' });
    expect(timelineOf('thomas-alleyne', { flags: ['nqt'] })).toMatchObject({ excluded: true, code: 'induction-year-1' });
    expect(timelineOf('thomas-alleyne', { flags: ['ect', 'ect-year-2'] }).excluded).toBe(false);
    expect(timelineOf('thomas-alleyne', { flags: ['ect-year-2'] }).excluded).toBe(false);
    expect(timelineOf('thomas-alleyne', { flags: ['capability'] })).toMatchObject({ excluded: true, code: 'capability' });
    expect(timelineOf('thomas-alleyne', { contract: 'agency' })).toMatchObject({ excluded: true, code: 'agency' });
    const shortContract = timelineOf('thomas-alleyne', { startDate: '2026-09-02', contract: 'fixed-term', contractEnd: '2026-11-13' });
    expect(shortContract).toMatchObject({ excluded: true, code: 'short-contract' });
    if (shortContract.excluded) expect(shortContract.reason).toMatch(/shorter than one term/);
  });

  it('ends a temporary teacher’s cycle with their contract, review included, on the last school day before it ends in the Easter holiday (002 §16, §33)', () => {
    const obligations = obligationsOf('thomas-alleyne', { startDate: '2026-09-02', contract: 'fixed-term', contractEnd: '2027-03-31' });
    expect(obligations.map((o) => [o.id, o.opens, o.due])).toEqual([
      ['self-reflection', '2026-09-02', '2026-10-15'],
      ['plan-agreed', '2026-09-02', '2026-10-23'],
      ['graded-observation', '2026-09-02', '2026-12-18'],
      ['interim-review', '2027-02-22', '2027-03-25'],
      // The contract ends Wed 31 Mar 2027, in the holidays; 26 Mar is Good Friday.
      ['end-of-cycle-review', '2027-03-25', '2027-03-25'],
    ]);
  });

  it('gives a teacher who joins in November a first-cycle plan within four school weeks (002 §34)', () => {
    const obligations = obligationsOf('thomas-alleyne', { startDate: '2026-11-02' });
    expect(obligations.map((o) => [o.id, o.due])).toEqual([
      ['new-starter-plan-agreed', '2026-11-27'],
      ['interim-review', '2027-03-25'],
      ['end-of-cycle-review', '2027-10-22'],
    ]);
  });
});
