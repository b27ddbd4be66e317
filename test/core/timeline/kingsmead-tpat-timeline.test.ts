import { describe, expect, it } from 'vitest';
import { byId, obligationsOf, timelineOf } from './timeline-fixtures.ts';

describe('Kingsmead preset (seed 001) timeline', () => {
  it('has reflection before an October plan meeting held before October half term, termly feedback, a peer observation and a summer review (001 "Evaluating your process"; no deadline on a closed day)', () => {
    const obligations = obligationsOf('kingsmead', {});
    expect(obligations.map((o) => [o.id, o.opens, o.due, o.owner])).toEqual([
      ['self-reflection', '2026-09-02', '2026-10-15', 'reviewee'],
      // 31 Oct 2026 is a Saturday and half term is 26–30 Oct: the last school day before it.
      ['plan-agreed', '2026-09-02', '2026-10-23', 'reviewer'],
      ['termly-feedback:autumn', '2026-09-02', '2026-12-18', 'reviewer'],
      // Spring term's last day in the file, 26 March 2027, is Good Friday.
      ['termly-feedback:spring', '2027-01-05', '2027-03-25', 'reviewer'],
      // Summer half term starts on the late-May bank holiday (31 May 2027): Friday 28 May.
      ['peer-observation', '2026-09-02', '2027-05-28', 'reviewee'],
      ['termly-feedback:summer', '2027-04-12', '2027-07-21', 'reviewer'],
      ['end-of-cycle-review', '2027-06-07', '2027-07-21', 'reviewee'],
    ]);
  });

  it('adds a leadership goal for UPS and TLR holders (001 "Evaluating your process", Appendix E)', () => {
    expect(byId(obligationsOf('kingsmead', { flags: ['tlr'] }), 'leadership-goal')).toMatchObject({ due: '2026-10-23', kind: 'leadership-goal' });
    expect(byId(obligationsOf('kingsmead', { flags: ['ups'] }), 'leadership-goal').rule).toContain('001');
    expect(obligationsOf('kingsmead', {}).map((o) => o.kind)).not.toContain('leadership-goal');
  });

  it('gives the 2027/28 dates: 31 October 2027 is a Sunday after half term (25–29 Oct), so the plan is due Fri 22 Oct; the late-May bank holiday is 29 May 2028 (001)', () => {
    expect(obligationsOf('kingsmead', {}, 2027).map((o) => [o.id, o.opens, o.due])).toEqual([
      ['self-reflection', '2027-09-02', '2027-10-15'],
      ['plan-agreed', '2027-09-02', '2027-10-22'],
      ['termly-feedback:autumn', '2027-09-02', '2027-12-17'],
      ['termly-feedback:spring', '2028-01-04', '2028-03-31'],
      ['peer-observation', '2027-09-02', '2028-05-26'],
      ['termly-feedback:summer', '2028-04-18', '2028-07-21'],
      ['end-of-cycle-review', '2028-06-05', '2028-07-21'],
    ]);
  });

  it('is a policy for teachers: a teaching assistant is not covered (001 introduction)', () => {
    expect(timelineOf('kingsmead', { role: 'teaching-assistant' })).toMatchObject({ excluded: true, code: 'role-not-covered' });
  });

  it('does not exclude ECTs, who get more support instead (001 "Observation")', () => {
    expect(timelineOf('kingsmead', { flags: ['ect'] }).excluded).toBe(false);
  });
});

describe('TPAT preset (seed 003) timeline', () => {
  it('holds the preliminary meeting by the end of October, on the last school day before October half term (003 §5.5, §7.2)', () => {
    const obligations = obligationsOf('tpat', {});
    expect(byId(obligations, 'self-reflection').due).toBe('2026-10-23');
    expect(byId(obligations, 'plan-agreed')).toMatchObject({ due: '2026-10-23', owner: 'coach' });
  });

  it('has a check-in every half term, owed by the coach (003 §10.1)', () => {
    const checkIns = obligationsOf('tpat', {}).filter((o) => o.kind === 'check-in');
    expect(checkIns.map((o) => [o.id, o.opens, o.due, o.owner])).toEqual([
      ['half-termly-check-in:autumn-1', '2026-09-02', '2026-10-23', 'coach'],
      ['half-termly-check-in:autumn-2', '2026-11-02', '2026-12-18', 'coach'],
      ['half-termly-check-in:spring-1', '2027-01-05', '2027-02-12', 'coach'],
      ['half-termly-check-in:spring-2', '2027-02-22', '2027-03-25', 'coach'],
      ['half-termly-check-in:summer-1', '2027-04-12', '2027-05-28', 'coach'],
      ['half-termly-check-in:summer-2', '2027-06-07', '2027-07-21', 'coach'],
    ]);
  });

  it('gives the 2027/28 half-termly check-ins (003 §10.1)', () => {
    const checkIns = obligationsOf('tpat', {}, 2027).filter((o) => o.kind === 'check-in');
    expect(checkIns.map((o) => [o.opens, o.due])).toEqual([
      ['2027-09-02', '2027-10-22'],
      ['2027-11-01', '2027-12-17'],
      ['2028-01-04', '2028-02-11'],
      ['2028-02-21', '2028-03-31'],
      ['2028-04-18', '2028-05-26'],
      ['2028-06-05', '2028-07-21'],
    ]);
  });

  it('asks for feedback at least once a term (003 §11.3) and a stage-four review (003 §7.2.4)', () => {
    const obligations = obligationsOf('tpat', {});
    expect(obligations.filter((o) => o.kind === 'feedback').map((o) => o.due)).toEqual(['2026-12-18', '2027-03-25', '2027-07-21']);
    expect(byId(obligations, 'end-of-cycle-review').due).toBe('2027-07-21');
  });

  it('covers all employees but agency workers, short contracts and ECTs (003 §4.2)', () => {
    expect(timelineOf('tpat', { role: 'support' }).excluded).toBe(false);
    expect(timelineOf('tpat', { flags: ['capability'] }).excluded).toBe(false);
    expect(timelineOf('tpat', { flags: ['ect'] })).toMatchObject({ excluded: true, code: 'induction', rule: '003 §4.2 (ECTs)' });
    expect(timelineOf('tpat', { contract: 'agency' })).toMatchObject({ excluded: true, code: 'agency' });
  });

  it('gives a new employee their reflection during induction and a first coach meeting (003 §7.3)', () => {
    const obligations = obligationsOf('tpat', { startDate: '2027-04-19' });
    expect(byId(obligations, 'new-starter-self-reflection').due).toBe('2027-04-30');
    // 29 school days from Mon 19 Apr 2027: the 3 May bank holiday and 31 May–4 Jun half term are skipped.
    expect(byId(obligations, 'new-starter-plan-agreed').due).toBe('2027-06-07');
    expect(obligations.map((o) => o.id)).not.toContain('half-termly-check-in:spring-2');
  });

  it('says nothing of a person who has not started before the cycle ends', () => {
    expect(timelineOf('tpat', { startDate: '2027-09-06' })).toMatchObject({ excluded: true, code: 'not-in-post' });
  });
});
