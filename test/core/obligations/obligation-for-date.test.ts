import { describe, expect, it } from 'vitest';
import { obligationForDate } from '../../../src/core/obligations/obligation-for-date.ts';

/** WHMAT's three check-ins (004 §6.3, Appendix A): autumn in October, spring by February half term, summer term. */
const CHECK_INS = [
  { id: 'summer', key: 'c', opensOn: '2027-04-12', dueOn: '2027-06-30' },
  { id: 'autumn', key: 'a', opensOn: '2026-10-01', dueOn: '2026-10-30' },
  { id: 'spring', key: 'b', opensOn: '2027-01-05', dueOn: '2027-02-12' },
];

describe('which open check-in a meeting completes (004 §6.3, Appendix A: one check-in per term)', () => {
  it('004 §6.3: a check-in held in the spring window completes the spring one even while the autumn one is still open', () => {
    expect(obligationForDate(CHECK_INS, '2027-02-03')?.id).toBe('spring');
    expect(obligationForDate(CHECK_INS, '2026-10-14')?.id).toBe('autumn');
    expect(obligationForDate(CHECK_INS, '2027-06-30')?.id).toBe('summer');
  });

  it('004 §6.3: a late check-in, held after its window closed and before the next opens, completes the period that had begun', () => {
    expect(obligationForDate(CHECK_INS, '2027-03-10')?.id).toBe('spring');
    expect(obligationForDate(CHECK_INS, '2026-12-01')?.id).toBe('autumn');
  });

  it('004 §3.11, Appendix A: nothing done before a period opens completes it (WHMAT’s cycle starts in October), and none is chosen from nothing', () => {
    expect(obligationForDate(CHECK_INS, '2026-09-20')).toBeUndefined();
    expect(obligationForDate([], '2026-09-20')).toBeUndefined();
  });

  it('001 "Feedback" (termly under Trellis): overlapping windows resolve to the earliest due among those containing the date', () => {
    const overlapping = [
      { id: 'later', key: 'b', opensOn: '2026-09-01', dueOn: '2027-07-21' },
      { id: 'term', key: 'a', opensOn: '2026-09-01', dueOn: '2026-12-18' },
    ];
    expect(obligationForDate(overlapping, '2026-11-02')?.id).toBe('term');
    expect(obligationForDate(overlapping, '2027-01-12')?.id).toBe('later');
  });
});
