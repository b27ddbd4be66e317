import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchoolCalendar } from '../../../src/core/calendar/school-calendar.ts';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { byId, calendarFor, dueDates, ENGLAND_2026_28, obligationsOf, timelineOf } from './timeline-fixtures.ts';

const scotland = (() => {
  const parsed = parseTermDates(readFileSync(new URL('../../../config/terms/scotland-2026-27.yaml', import.meta.url), 'utf8'), 'scotland-2026-27.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return new SchoolCalendar({ termDates: parsed.value, closuresAreNonWorkingDays: true });
})();

describe('no deadline on a day the school is closed (001; 002 §31; 003 §5.5; 004 §5.1, Appendix A)', () => {
  it('004 §4.2: "mid-October" in Scotland is before the October week (12–16 Oct 2026), not in it', () => {
    const obligations = obligationsOf('whmat', {}, 2026, scotland);
    expect(byId(obligations, 'self-reflection').due).toBe('2026-10-09');
    // 004 §5.1: "a meeting in October": Sat 31 Oct, so Fri 30 Oct, as Scotland's October week is earlier.
    expect(byId(obligations, 'plan-agreed').due).toBe('2026-10-30');
  });

  it('004 §4.2: with no term file, Scotland’s estimated October week (11–15 Oct 2027) is skipped too', () => {
    const estimate = new SchoolCalendar({ region: 'scotland', closuresAreNonWorkingDays: true });
    expect(byId(obligationsOf('whmat', {}, 2027, estimate), 'self-reflection').due).toBe('2027-10-08');
  });

  it('004 §4.2, Appendix A: a closure day (an INSET day on Thu 15 Oct 2026) moves the deadline to the school day before', () => {
    const calendar = calendarFor('england-and-wales', { ...ENGLAND_2026_28, closures: [...ENGLAND_2026_28.closures, '2026-10-15'] });
    expect(byId(obligationsOf('whmat', {}, 2026, calendar), 'self-reflection').due).toBe('2026-10-14');
  });

  it('003 §5.5: the preliminary meeting "by the end of October" in Northern Ireland, whose estimated half term is 26–30 Oct 2026, is Fri 23 Oct', () => {
    const ni = new SchoolCalendar({ region: 'northern-ireland', closuresAreNonWorkingDays: true });
    expect(byId(obligationsOf('tpat', {}, 2026, ni), 'plan-agreed').due).toBe('2026-10-23');
  });

  it('002 §31: reviews "by 31 October" and the head’s "by 31 December" land on the last school day before half term and Christmas', () => {
    expect(dueDates(obligationsOf('thomas-alleyne', {}))).toMatchObject({ 'plan-agreed': '2026-10-23', 'end-of-cycle-review': '2027-10-22' });
    expect(dueDates(obligationsOf('thomas-alleyne', { role: 'headteacher' }))).toMatchObject({ 'head-plan-agreed': '2026-12-18', 'head-end-of-cycle-review': '2027-12-17' });
  });

  it('the presets no longer say how to adjust a date-fixed deadline: the timeline decides it in one place', () => {
    for (const preset of ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat']) {
      const adjusted = getPreset(preset)!.obligations.filter((rule) => rule.due.adjust !== 'none');
      expect(adjusted.map((rule) => rule.id), preset).toEqual([]);
    }
  });
});

describe('coverage (004 §2.1–2.2; 002 introduction; 001 "Professional growth plan", "Evaluating your process")', () => {
  it('004 §2.1.2: a fixed-term contract lasting a whole term is covered though it overlaps the October cycle by a month', () => {
    // 1 June to 31 October 2026: five months of contract, one month of the 2026/27 cycle.
    const timeline = timelineOf('whmat', { startDate: '2026-06-01', contract: 'fixed-term', contractEnd: '2026-10-31' });
    expect(timeline.excluded).toBe(false);
    // Nothing is due after the contract ends: the October plan (due Fri 23 Oct) stays, the spring check-in goes,
    // and the peer observation (004 §7.5), open since October, falls due before the contract ends.
    expect(timeline.obligations.map((o) => o.id)).toEqual(['self-reflection', 'upr-application', 'autumn-check-in', 'peer-observation', 'plan-agreed']);
  });

  it('004 §2.1.2, 003 §4.2: a contract for exactly the spring term is covered; a shorter one is not', () => {
    expect(timelineOf('whmat', { startDate: '2027-01-05', contract: 'fixed-term', contractEnd: '2027-03-26' }).excluded).toBe(false);
    expect(timelineOf('tpat', { startDate: '2027-01-05', contract: 'fixed-term', contractEnd: '2027-03-12' })).toMatchObject({ excluded: true, code: 'short-contract' });
  });

  it('004 §2.1.3: a teacher on the “Assessment only” route is excluded, and still gets check-ins (004 §2.2)', () => {
    const timeline = timelineOf('whmat', { flags: ['assessment-only'] });
    expect(timeline).toMatchObject({ excluded: true, code: 'assessment-only', rule: expect.stringContaining('004 §2.1.3') });
    expect(timeline.obligations.map((o) => o.id)).toEqual(['excluded-check-in:autumn', 'excluded-check-in:spring', 'excluded-check-in:summer']);
    // Under 002 and 003, which do not name the route, the same teacher is covered.
    expect(timelineOf('thomas-alleyne', { flags: ['assessment-only'] }).excluded).toBe(false);
    expect(timelineOf('tpat', { flags: ['assessment-only'] }).excluded).toBe(false);
  });

  it('004 §2.2: an excluded colleague’s manager is reminded of a termly check-in, lightly (never chased), within their contract', () => {
    const ect = timelineOf('whmat', { flags: ['ect'] });
    expect(ect.obligations.map((o) => [o.id, o.kind, o.owner, o.opens, o.due])).toEqual([
      ['excluded-check-in:autumn', 'check-in', 'reviewer', '2026-09-02', '2026-12-18'],
      ['excluded-check-in:spring', 'check-in', 'reviewer', '2027-01-05', '2027-03-25'],
      ['excluded-check-in:summer', 'check-in', 'reviewer', '2027-04-12', '2027-07-21'],
    ]);
    expect(getPreset('whmat')!.obligations.find((rule) => rule.id === 'excluded-check-in')?.whenOverdue).toBe('let-pass');
    const shortContract = timelineOf('whmat', { startDate: '2026-09-02', contract: 'fixed-term', contractEnd: '2026-11-13' });
    expect(shortContract.obligations.map((o) => [o.id, o.due])).toEqual([['excluded-check-in:autumn', '2026-11-13']]);
    // 003 §4.2 says nothing of check-ins for those it excludes, so TPAT offers none.
    expect(timelineOf('tpat', { flags: ['ect'] }).obligations).toEqual([]);
  });

  it('001 "Professional growth plan": NQTs and ECTs write no growth plan (nor its review) but still reflect, get termly feedback and observe a colleague', () => {
    for (const flag of ['nqt', 'ect'] as const) {
      const ids = obligationsOf('kingsmead', { flags: [flag] }).map((o) => o.id);
      expect(ids).not.toContain('plan-agreed');
      expect(ids).not.toContain('end-of-cycle-review');
      expect(ids).toEqual(expect.arrayContaining(['self-reflection', 'termly-feedback:autumn', 'termly-feedback:spring', 'termly-feedback:summer', 'peer-observation']));
    }
    expect(obligationsOf('kingsmead', { flags: ['ect'], startDate: '2027-01-11' }).map((o) => o.id)).not.toContain('new-starter-plan-agreed');
  });

  it('001 "Evaluating your process": senior leaders set a leadership goal linked to whole-school priorities; a UPS or TLR holder has one goal, not two', () => {
    expect(byId(obligationsOf('kingsmead', { role: 'leader' }), 'senior-leadership-goal')).toMatchObject({ kind: 'leadership-goal', due: '2026-10-23' });
    expect(byId(obligationsOf('kingsmead', { role: 'headteacher' }), 'senior-leadership-goal').rule).toContain('Senior Leadership Teams');
    expect(obligationsOf('kingsmead', { role: 'leader', flags: ['tlr'] }).filter((o) => o.kind === 'leadership-goal').map((o) => o.id)).toEqual(['leadership-goal']);
    expect(obligationsOf('kingsmead', {}).filter((o) => o.kind === 'leadership-goal')).toEqual([]);
  });

  it('every preset: a contract that ends mid-year owes nothing due after it ends (001; 002 §33; 003 §4.2; 004 §2.1.2)', () => {
    // Ends Sun 28 Feb 2027: February's deadlines stay, what is open then falls due on Fri 26 Feb, nothing later.
    for (const preset of ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat']) {
      const obligations = obligationsOf(preset, { startDate: '2026-09-02', contract: 'fixed-term', contractEnd: '2027-02-28' });
      expect(obligations.filter((o) => o.due > '2027-02-28').map((o) => o.id), preset).toEqual([]);
      expect(obligations.length, preset).toBeGreaterThan(2);
    }
    const kingsmead = obligationsOf('kingsmead', { startDate: '2026-09-02', contract: 'fixed-term', contractEnd: '2027-02-28' });
    expect(byId(kingsmead, 'termly-feedback:spring').due).toBe('2027-02-26');
    expect(kingsmead.map((o) => o.id)).not.toContain('termly-feedback:summer');
  });
});

describe('new starters and late joiners get a coherent year (002 §34, 003 §7.3, 004 §3.11, §4.3)', () => {
  it('004 §3.11, §4.3: someone starting in September 2027 is not put into the last weeks of the 2026 October–September cycle', () => {
    expect(timelineOf('whmat', { startDate: '2027-09-06' })).toMatchObject({ excluded: true, code: 'not-in-post' });
    expect(obligationsOf('whmat', { startDate: '2027-09-06' }, 2027).map((o) => [o.id, o.due])).toEqual([
      ['new-starter-self-reflection', '2027-09-17'],
      ['new-starter-check-in', '2027-10-01'],
      ['new-starter-plan-agreed', '2027-10-01'],
      ['upr-application', '2027-10-22'],
      ['spring-diary', '2028-02-04'],
      ['spring-check-in', '2028-02-11'],
      ['peer-observation', '2028-05-26'],
      ['summer-diary', '2028-07-14'],
      ['summer-check-in', '2028-07-21'],
      ['close-down', '2028-09-15'],
    ]);
  });

  it('004 §4.3: a July joiner, whose week-4 expectations would fall in September, starts with the 2027 cycle rather than planning twice', () => {
    const first = timelineOf('whmat', { startDate: '2027-07-01' });
    expect(first).toMatchObject({ excluded: true, code: 'not-in-post', rule: expect.stringContaining('004 §4.3') });
    expect(obligationsOf('whmat', { startDate: '2027-07-01' }, 2027).map((o) => o.id)).toEqual(expect.arrayContaining(['self-reflection', 'plan-agreed']));
  });

  it('002 §34: a March joiner plans their first cycle before any review, so the spring interim review is not asked of them', () => {
    expect(obligationsOf('thomas-alleyne', { startDate: '2027-03-01' }).map((o) => [o.id, o.opens, o.due])).toEqual([
      // 19 school days from Mon 1 Mar, the Easter holiday (29 Mar–9 Apr) skipped.
      ['new-starter-plan-agreed', '2027-03-01', '2027-04-12'],
      ['end-of-cycle-review', '2027-06-07', '2027-10-22'],
    ]);
  });

  it('002 §34, §22: a head who starts mid-year gets a first-cycle plan set by the governors', () => {
    const obligations = obligationsOf('thomas-alleyne', { role: 'headteacher', startDate: '2027-03-01' });
    expect(byId(obligations, 'new-starter-head-plan-agreed')).toMatchObject({ owner: 'governors', kind: 'plan-agreed', opens: '2027-03-01', due: '2027-04-12' });
    expect(byId(obligations, 'new-starter-head-plan-agreed').rule).toContain('002 §34');
    expect(obligations.map((o) => o.id)).not.toContain('new-starter-plan-agreed');
  });

  it('001 Appendix D: a June joiner’s end-of-cycle review opens when their plan is due, not before it', () => {
    const obligations = obligationsOf('kingsmead', { startDate: '2027-06-14' });
    const plan = byId(obligations, 'new-starter-plan-agreed');
    expect(plan.due).toBe('2027-07-09');
    expect(byId(obligations, 'end-of-cycle-review')).toMatchObject({ opens: plan.due, due: '2027-07-21' });
  });

  it('003 §7.3: a joiner in summer half term reflects within two school weeks of the first school day and meets their coach before the term ends', () => {
    // Starts Tue 1 Jun 2027, in half term (31 May–4 Jun): the two weeks count from Mon 7 Jun.
    const obligations = obligationsOf('tpat', { startDate: '2027-06-01' });
    expect(byId(obligations, 'new-starter-self-reflection').due).toBe('2027-06-18');
    expect(byId(obligations, 'new-starter-plan-agreed').due).toBe('2027-07-16');
    expect(obligations.every((o) => o.due >= '2027-06-01')).toBe(true);
  });
});
