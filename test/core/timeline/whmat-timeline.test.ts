import { describe, expect, it } from 'vitest';
import { byId, calendarFor, dueDates, ENGLAND_2026_28, obligationsOf, timelineOf } from './timeline-fixtures.ts';

describe('WHMAT preset (seed 004) timeline', () => {
  it('runs the cycle from 1 October to 30 September (004 §3.11)', () => {
    const timeline = timelineOf('whmat', {});
    expect(timeline.excluded).toBe(false);
    if (!timeline.excluded) expect(timeline.cycle).toEqual({ start: '2026-10-01', end: '2027-09-30' });
  });

  it('gives an in-post teacher every 2026/27 deadline of 004 §4.2, §5.1, §6.3, §8.2 and Appendix A, none in half term', () => {
    const obligations = obligationsOf('whmat', {});
    expect(obligations.map((o) => [o.id, o.kind, o.opens, o.due, o.owner])).toEqual([
      // 004 §4.2: self-reflection by mid-October.
      ['self-reflection', 'self-reflection', '2026-09-01', '2026-10-15', 'reviewee'],
      // 004 §8.2: UPR business case by October half term (starts Mon 26 Oct), so Fri 23 Oct.
      ['upr-application', 'upr-application', '2026-09-02', '2026-10-23', 'reviewee'],
      // 004 §5.1 / §6.3: October meeting; 31 Oct 2026 is a Saturday after half term (26–30 Oct),
      // so the last school day before half term, Friday 23 Oct.
      ['autumn-check-in', 'check-in', '2026-10-01', '2026-10-23', 'reviewer'],
      ['plan-agreed', 'plan-agreed', '2026-10-01', '2026-10-23', 'reviewee'],
      // Appendix A: a growth diary entry before the 2nd check-in, a week before its deadline.
      ['spring-diary', 'diary-entry', '2027-01-05', '2027-02-05', 'reviewee'],
      // 004 §6.3: spring check-in by February half term (15 Feb 2027): Friday 12 Feb.
      ['spring-check-in', 'check-in', '2027-01-05', '2027-02-12', 'reviewer'],
      // 004 §7.5: observe a colleague to learn from them, before the summer half term (31 May 2027).
      ['peer-observation', 'peer-observation', '2026-10-01', '2027-05-28', 'reviewee'],
      // Appendix A: a growth diary entry before the 3rd check-in, a week before the summer term ends.
      ['summer-diary', 'diary-entry', '2027-04-12', '2027-07-14', 'reviewee'],
      ['summer-check-in', 'check-in', '2027-04-12', '2027-07-21', 'reviewer'],
      // Appendix A: appraisers close down by mid-September of the following year.
      ['close-down', 'close-down', '2027-06-07', '2027-09-15', 'reviewer'],
    ]);
    expect(byId(obligations, 'upr-application').optional).toBe(true);
    expect(byId(obligations, 'spring-check-in').rule).toContain('004 §6.3');
  });

  it('gives the 2027/28 deadlines from that year’s term dates (004 §4.2, §6.3, Appendix A)', () => {
    expect(dueDates(obligationsOf('whmat', {}, 2027))).toEqual({
      'self-reflection': '2027-10-15',
      'upr-application': '2027-10-22',
      'autumn-check-in': '2027-10-22', // 31 Oct 2027 is a Sunday after half term (25–29 Oct)
      'plan-agreed': '2027-10-22',
      'spring-diary': '2028-02-04',
      'spring-check-in': '2028-02-11', // half term starts Mon 14 Feb 2028
      'peer-observation': '2028-05-26',
      'summer-diary': '2028-07-14',
      'summer-check-in': '2028-07-21',
      'close-down': '2028-09-15',
    });
  });

  it('does not offer a UPR application to someone already on the upper range (004 §8)', () => {
    const ids = obligationsOf('whmat', { flags: ['upr'] }).map((o) => o.id);
    expect(ids).not.toContain('upr-application');
    expect(obligationsOf('whmat', { role: 'teaching-assistant' }).map((o) => o.id)).not.toContain('upr-application');
  });

  it('gives a January starter a reflection within 2 working weeks and a first check-in by week 4 that is their spring check-in (004 §4.3, §6.3)', () => {
    const obligations = obligationsOf('whmat', { startDate: '2027-01-11' });
    expect(obligations.map((o) => [o.id, o.opens, o.due])).toEqual([
      ['new-starter-self-reflection', '2027-01-11', '2027-01-22'],
      ['new-starter-check-in', '2027-01-11', '2027-02-05'],
      ['new-starter-plan-agreed', '2027-01-11', '2027-02-05'],
      // The diary entry before the next check-in and the peer observation still apply (004 Appendix A, §7.5).
      ['spring-diary', '2027-01-11', '2027-02-05'],
      ['peer-observation', '2027-01-11', '2027-05-28'],
      ['summer-diary', '2027-04-12', '2027-07-14'],
      ['summer-check-in', '2027-04-12', '2027-07-21'],
      ['close-down', '2027-06-07', '2027-09-15'],
    ]);
  });

  it('counts a new starter’s working weeks in school days, across October half term and the clock change (004 §4.3)', () => {
    // Starts Mon 19 Oct 2026; clocks go back Sun 25 Oct; half term 26–30 Oct is not counted.
    const obligations = obligationsOf('whmat', { startDate: '2026-10-19' });
    expect(byId(obligations, 'new-starter-self-reflection').due).toBe('2026-11-06');
    expect(byId(obligations, 'new-starter-check-in').due).toBe('2026-11-20');
    expect(obligations.map((o) => o.id)).not.toContain('self-reflection');
  });

  it('counts a February starter’s two weeks across February half term (004 §4.3)', () => {
    expect(byId(obligationsOf('whmat', { startDate: '2027-02-08' }), 'new-starter-self-reflection').due).toBe('2027-02-26');
  });

  it('excludes agency workers, contracts under a term and NQTs/ECTs, who still get check-ins (004 §2.1, §2.2)', () => {
    const agency = timelineOf('whmat', { contract: 'agency' });
    expect(agency).toMatchObject({ excluded: true, code: 'agency', rule: '004 §2.1.1' });
    if (agency.excluded) expect(agency.stillOffered).toContain('004 §2.2');
    expect(timelineOf('whmat', { flags: ['ect'] })).toMatchObject({ excluded: true, code: 'induction', rule: '004 §2.1.3' });
    expect(timelineOf('whmat', { flags: ['nqt'] })).toMatchObject({ excluded: true, code: 'induction' });
    const shortContract = timelineOf('whmat', { startDate: '2026-09-02', contract: 'fixed-term', contractEnd: '2026-11-13' });
    expect(shortContract).toMatchObject({ excluded: true, code: 'short-contract', rule: '004 §2.1.2' });
  });

  it('covers staff in capability procedures, which 004 does not exclude (004 §2.1, §10)', () => {
    expect(timelineOf('whmat', { flags: ['capability'] }).excluded).toBe(false);
  });

  it('covers support staff and teaching assistants (004 §2.1: all colleagues)', () => {
    expect(timelineOf('whmat', { role: 'support' }).excluded).toBe(false);
    expect(timelineOf('whmat', { role: 'teaching-assistant' }).excluded).toBe(false);
  });

  it('opens a term that begins with a closure day on the next school day', () => {
    const calendar = calendarFor('england-and-wales', { ...ENGLAND_2026_28, closures: ['2027-01-05'] });
    expect(byId(obligationsOf('whmat', {}, 2026, calendar), 'spring-check-in').opens).toBe('2027-01-06');
  });
});
