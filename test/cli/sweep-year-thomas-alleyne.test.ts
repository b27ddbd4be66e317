import { describe, expect, it } from 'vitest';
import { describeSchoolYear } from '../core/reminders/support/school-year-suite.ts';

// The thomas-alleyne preset (002) swept through 2026/27: one digest a day at most, school days only, exactly as planned.
const thomasAlleyne = describeSchoolYear('thomas-alleyne');

/** Each day's state of one item (by label) in what `email` received. */
function statesOf(email: string, label: string): string[] {
  return thomasAlleyne()
    .filter((d) => d.email === `${email}@thomas-alleyne.example`)
    .flatMap((d) => d.items.filter((i) => i.label === label).map((i) => `${d.deliveredOn} ${i.state}${i.about === undefined ? '' : ` ${i.about.fullName}`}`));
}

describe('Thomas Alleyne specifics (002 §14, §31)', () => {
  it('002 §31: teachers’ planning by 31 October is the reviewer’s, due on the last school day before half term, reminded before and on that day, then escalated', () => {
    const planning = statesOf('hod.maths', 'Performance planning: three targets agreed').filter((s) => s.endsWith('Teacher 1'));
    // 31 Oct is a Saturday after half term (26–30 Oct): due Fri 23 Oct, so "due today" is said on that day, never after it.
    // Its "due in 5" (Fri 16 Oct) comes a day early, in the digest the HoD gets anyway on Thu 15 Oct.
    // Thu 22 Oct's "due in 1" folds into Friday's "due today".
    expect(planning.slice(0, 3)).toEqual(['2026-09-02 opened Teacher 1', '2026-10-15 due-soon Teacher 1', '2026-10-23 due-today Teacher 1']);
    // The HoD's own line manager hears of it two school days after it fell due.
    expect(statesOf('deputy', 'Performance planning: three targets agreed').some((s) => s.endsWith('escalated Teacher 1'))).toBe(true);
  });

  it('002 §31, §22: the head’s planning by 31 December is with governors, due on the last day of term, and the head is reminded', () => {
    // 31 Dec is in the Christmas holiday: due on the last school day before it, Fri 18 Dec. Its
    // "due in 5" (Fri 11 Dec) joins the digest the head gets anyway on Mon 7 Dec; Thu 17 Dec's
    // "due in 1" folds into Friday's "due today".
    expect(statesOf('head', 'Head teacher’s performance planning').slice(0, 3)).toEqual(['2026-09-02 opened', '2026-12-07 due-soon', '2026-12-18 due-today']);
  });

  it('002 §14: the interim review opens in the second half of the spring term and is the reviewer’s', () => {
    // Spring's second half starts Mon 22 Feb; term ends on Good Friday (26 Mar), so it is due Thu 25 Mar and 5 school days before is Thu 18 Mar,
    // brought forward into the digest the HoD gets anyway on Mon 15 Mar.
    expect(statesOf('hod.english', 'Interim review of progress').filter((s) => s.endsWith('Teacher 9')).slice(0, 2)).toEqual(['2027-02-22 opened Teacher 9', '2027-03-15 due-soon Teacher 9']);
  });
});
