import { describe, expect, it } from 'vitest';
import { describeSchoolYear } from '../core/reminders/support/school-year-suite.ts';

// The WHMAT preset (004) swept through 2026/27, then its timeline's own reminders checked by date.
const whmat = describeSchoolYear('whmat');

describe('WHMAT specifics (004 §4.3, §6.3, Appendix A)', () => {
  it('reminds the line manager of every in-post reviewee’s spring check-in before Fri 12 Feb 2027 (by February half term); the January starter’s first check-in is theirs (004 §4.3, §6.3)', () => {
    const hod = whmat().filter((d) => d.email === 'hod.maths@whmat.example');
    const springOn = (date: string) =>
      hod
        .filter((d) => d.deliveredOn === date)
        .flatMap((d) => d.items)
        .filter((i) => i.label === 'Spring check-in')
        .map((i) => i.about?.fullName)
        .sort();
    const inPost = ['Teacher 1', 'Teacher 2', 'Teacher 3', 'Teacher 4', 'Teacher 5', 'Teacher 6', 'Teacher 7', 'Teacher 8'];
    expect(springOn('2027-01-05')).toEqual(inPost);
    // The January starter's first check-in by week 4 is their spring check-in: not asked for twice.
    expect(springOn('2027-01-11')).toEqual([]);
    // The "due in 5" nudge (Fri 5 Feb) joins the digest Mo gets anyway on Mon 1 Feb (weekly chase);
    // "due in 1" (Thu 11 Feb) folds into Friday's "due today", which is said on its day.
    for (const date of ['2027-02-01', '2027-02-12']) expect(springOn(date), date).toEqual(inPost);
    for (const date of ['2027-02-05', '2027-02-09', '2027-02-11']) expect(springOn(date), date).toEqual([]);
  });

  it('004 §4.3: walks the January new starter through self-reflection within 2 working weeks', () => {
    const jan = whmat().filter((d) => d.email === 'jan@whmat.example' && d.items.some((i) => i.label.startsWith('Self-reflection')));
    expect(jan.slice(0, 4).map((d) => `${d.deliveredOn} ${d.items.find((i) => i.label.startsWith('Self-reflection'))!.state}`)).toEqual([
      '2027-01-11 opened',
      '2027-01-15 due-soon',
      // Thu 21 Jan's "due in 1" folds into Friday's "due today".
      '2027-01-22 due-today',
      '2027-01-29 overdue',
    ]);
  });

  it('sends nothing in October half term nor over Christmas; the October plan is due before half term (004 §5.1)', () => {
    expect(whmat().filter((d) => (d.deliveredOn >= '2026-10-24' && d.deliveredOn <= '2026-11-01') || (d.deliveredOn >= '2026-12-19' && d.deliveredOn <= '2027-01-04'))).toEqual([]);
    // 31 Oct is a Saturday after half term: the plan is due on the last school day before it, Fri 23 Oct.
    const t1 = whmat().find((d) => d.email === 't1@whmat.example' && d.deliveredOn === '2026-10-23');
    expect(t1?.items.find((i) => i.label === 'Professional growth plan agreed')?.state).toBe('due-today');
  });
});

describe('WHMAT deadlines beyond the core cycle (004 §4.3, §8.2, Appendix A)', () => {
  const itemsOf = (email: string, label: string) =>
    whmat()
      .filter((d) => d.email === `${email}@whmat.example`)
      .flatMap((d) => d.items.filter((i) => i.label === label).map((i) => `${d.deliveredOn} ${i.state}${i.about === undefined ? '' : ` ${i.about.fullName}`}`));

  it('004 §4.3: the January starter’s first check-in by week 4 is the line manager’s to arrange, reminded up to its day', () => {
    // Started Mon 11 Jan 2027; 19 school days on (week 4) is Fri 5 Feb. The "due in 5" nudge of Fri
    // 29 Jan comes with the manager's weekly chase on Mon 25 Jan; Thu 4 Feb's "due in 1" folds into
    // Friday's "due today".
    const firstCheckIn = itemsOf('hod.maths', 'First check-in (new starter)');
    expect(firstCheckIn).toEqual(expect.arrayContaining(['2027-01-11 opened Jan Newstart', '2027-01-25 due-soon Jan Newstart', '2027-02-05 due-today Jan Newstart']));
    expect(firstCheckIn.filter((line) => line.startsWith('2027-02-04'))).toEqual([]);
  });

  it('004 §8.2: the UPR business case is offered when it opens and before October half term, never chased, and not to those already on UPR', () => {
    const t1 = itemsOf('t1', 'Upper Pay Range business case (if you are applying)');
    expect(t1.map((s) => s.split(' ')[1])).toEqual(['opened', 'due-soon', 'due-soon']);
    expect(itemsOf('t5', 'Upper Pay Range business case (if you are applying)')).toEqual([]);
  });

  it('004 Appendix A: the close-down opens for the appraiser in the second half of the summer term (due mid-September)', () => {
    expect(itemsOf('hod.english', 'Close down the cycle and make recommendations to the head').filter((s) => s.endsWith('Teacher 9'))).toEqual(['2027-06-07 opened Teacher 9']);
  });
});
