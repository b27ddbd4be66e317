import { describe, expect, it } from 'vitest';
import { describeSchoolYear } from '../core/reminders/support/school-year-suite.ts';

// The WHMAT preset (004) swept through 2026/27, then its timeline's own reminders checked by date.
const whmat = describeSchoolYear('whmat');

describe('WHMAT specifics (004 §4.3, §6.3, Appendix A)', () => {
  it('reminds the line manager of every reviewee’s spring check-in before Fri 12 Feb 2027 (by February half term)', () => {
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
    // The January starter's spring check-in opens on their first day, Mon 11 Jan.
    expect(springOn('2027-01-11')).toEqual(['Jan Newstart']);
    for (const date of ['2027-02-05', '2027-02-11', '2027-02-12']) expect(springOn(date), date).toEqual([...inPost, 'Jan Newstart'].sort());
  });

  it('walks the January new starter through self-reflection within 2 working weeks (004 §4.3)', () => {
    const jan = whmat().filter((d) => d.email === 'jan@whmat.example' && d.items.some((i) => i.label.startsWith('Self-reflection')));
    expect(jan.slice(0, 4).map((d) => `${d.deliveredOn} ${d.items.find((i) => i.label.startsWith('Self-reflection'))!.state}`)).toEqual([
      '2027-01-11 opened',
      '2027-01-15 due-soon',
      '2027-01-21 due-soon',
      '2027-01-22 due-today',
    ]);
  });

  it('sends nothing in October half term nor over Christmas', () => {
    expect(whmat().filter((d) => (d.deliveredOn >= '2026-10-24' && d.deliveredOn <= '2026-11-01') || (d.deliveredOn >= '2026-12-19' && d.deliveredOn <= '2027-01-04'))).toEqual([]);
    // The plan is due Fri 30 Oct, in half term: its due-day reminder is held to Mon 2 Nov.
    const t1 = whmat().find((d) => d.email === 't1@whmat.example' && d.deliveredOn === '2026-11-02');
    expect(t1?.items.find((i) => i.label === 'Professional growth plan agreed')?.state).toBe('due-today');
  });
});
