import { describe, expect, it } from 'vitest';
import { isPartTime, observationCapFor, partTimePlanNote, planMaxFor, proRated } from '../../../src/core/people/part-time.ts';
import { type Policy, PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { cycleDates } from '../../../src/core/timeline/compute-timeline.ts';
import { parseRosterCsv } from '../../../src/core/roster/parse-roster-csv.ts';

const policy = (id: string): Policy => PolicySchema.parse(getPreset(id));

describe('part-time staff (002 Annex 1 §2–3, 003 §7.3, 004 §5.9)', () => {
  it('002 Annex 1 §2–3: the three-hour observation cap is pro-rated by FTE, rounded up; full-timers and part-timers without an FTE keep the whole cap', () => {
    const alleyne = policy('thomas-alleyne');
    expect(observationCapFor(alleyne, { flags: ['part-time'], fte: 0.6 })).toBe(108);
    expect(observationCapFor(alleyne, { flags: [], fte: 0.5 })).toBe(90);
    expect(observationCapFor(alleyne, { flags: [], fte: 0.33 })).toBe(60);
    expect(observationCapFor(alleyne, { flags: ['part-time'] })).toBe(180);
    expect(observationCapFor(alleyne, { flags: [], fte: 1 })).toBe(180);
    // 004 has no observation cap to pro-rate; 003 no cap at all.
    expect(observationCapFor(policy('tpat'), { flags: [], fte: 0.5 })).toBeUndefined();
  });

  it('004 §5.9: a part-timer agrees a pro-rated number of expectations — three scaled by FTE, rounded up, never below one', () => {
    const whmat = policy('whmat');
    expect(planMaxFor(whmat, 3, { flags: [], fte: 0.5 })).toBe(2);
    expect(planMaxFor(whmat, 3, { flags: [], fte: 0.2 })).toBe(1);
    expect(planMaxFor(whmat, 3, { flags: [], fte: 0.8 })).toBe(3);
    expect(planMaxFor(whmat, 3, { flags: ['part-time'] })).toBe(3);
    // 002 pro-rates observation, not the number of targets (Annex 1 §3); 003 asks only for realistic goals (§7.3).
    expect(planMaxFor(policy('thomas-alleyne'), 3, { flags: [], fte: 0.5 })).toBe(3);
    expect(planMaxFor(policy('tpat'), 3, { flags: [], fte: 0.5 })).toBe(3);
  });

  it('004 §5.9: a colleague who starts part way through the year agrees a pro-rated number of expectations — three scaled by the share of the October–September cycle left, times any FTE', () => {
    const whmat = policy('whmat');
    const cycle = cycleDates(whmat, 2026);
    expect(cycle).toEqual({ start: '2026-10-01', end: '2027-09-30' });
    expect(planMaxFor(whmat, 3, { flags: [], startDate: '2026-09-01' }, cycle)).toBe(3);
    expect(planMaxFor(whmat, 3, { flags: [], startDate: '2026-11-02' }, cycle)).toBe(3);
    expect(planMaxFor(whmat, 3, { flags: [], startDate: '2027-02-01' }, cycle)).toBe(2);
    expect(planMaxFor(whmat, 3, { flags: [], startDate: '2027-07-01' }, cycle)).toBe(1);
    expect(planMaxFor(whmat, 3, { flags: [], fte: 0.5, startDate: '2027-02-01' }, cycle)).toBe(1);
    // 003 §7.3 asks only for realistic goals; 002 pro-rates observation, never targets, by start date.
    expect(planMaxFor(policy('tpat'), 3, { flags: [], startDate: '2027-02-01' }, cycleDates(policy('tpat'), 2026))).toBe(3);
    expect(planMaxFor(policy('thomas-alleyne'), 3, { flags: [], startDate: '2027-02-01' }, cycleDates(policy('thomas-alleyne'), 2026))).toBe(3);
  });

  it('003 §7.3, 004 §5.9: the plan tells someone who started part way through the year what their policy says, and a late part-timer both things', () => {
    const whmat = policy('whmat');
    const cycle = cycleDates(whmat, 2026);
    const late = partTimePlanNote(whmat, { flags: [], startDate: '2027-02-01' }, cycle);
    expect(late?.note).toBe('As you started part way through the year, agree a pro-rated and realistic amount of performance expectations with your appraiser.');
    expect(late?.rules).toEqual([expect.stringMatching(/^004 §5\.9 \(colleagues who start employment part way/)]);
    const both = partTimePlanNote(whmat, { flags: [], fte: 0.5, startDate: '2027-02-01' }, cycle);
    expect(both?.note).toMatch(/^As you work part time, agree .* with your appraiser\. As you started part way through the year, agree .* with your appraiser\.$/);
    expect(both?.rules).toHaveLength(2);
    expect(partTimePlanNote(policy('tpat'), { flags: [], startDate: '2027-01-04' }, cycleDates(policy('tpat'), 2026))).toEqual({
      note: 'As you started part way through the year, make your goals realistic for the time left in it.',
      rules: ['003 §7.3 (goals of someone who starts part way through an academic year should be realistic)'],
    });
    expect(partTimePlanNote(whmat, { flags: [], startDate: '2026-09-01' }, cycle)).toBeUndefined();
    expect(partTimePlanNote(policy('kingsmead'), { flags: [], startDate: '2027-02-01' }, cycleDates(policy('kingsmead'), 2026))).toBeUndefined();
  });

  it('003 §7.3, 004 §5.9, 002 Annex 1 §3: the plan tells a part-timer what their policy says; 001 says nothing about part-time staff', () => {
    expect(partTimePlanNote(policy('tpat'), { flags: ['part-time'] })).toEqual({ note: 'As you work part time, make your goals realistic for the time you have.', rules: ['003 §7.3 (part-time employees’ goals should be realistic)'] });
    expect(partTimePlanNote(policy('whmat'), { flags: [], fte: 0.4 })).toEqual({ note: 'As you work part time, agree a pro-rated and realistic amount of performance expectations with your appraiser.', rules: [expect.stringMatching(/^004 §5\.9/)] });
    expect(partTimePlanNote(policy('thomas-alleyne'), { flags: ['part-time'] })).toEqual({
      note: 'As you work part time, the classroom observation agreed in your plan is proportionate to your hours as well as your needs and targets.',
      rules: [expect.stringMatching(/^002 Annex 1 §2–3/)],
    });
    expect(partTimePlanNote(policy('whmat'), { flags: [] })).toBeUndefined();
    expect(partTimePlanNote(policy('kingsmead'), { flags: ['part-time'], fte: 0.5 })).toBeUndefined();
  });

  it('part time means flagged `part-time` or an FTE under 1; pro-rating needs an FTE', () => {
    expect(isPartTime({ flags: ['part-time'] })).toBe(true);
    expect(isPartTime({ flags: [], fte: 0.9 })).toBe(true);
    expect(isPartTime({ flags: [], fte: 1 })).toBe(false);
    expect(proRated(180, 1)).toBe(180);
    expect(proRated(180, 0.6, 0)).toBe(108);
    expect(observationCapFor(policy('thomas-alleyne'), { flags: ['part-time'] })).toBe(180);
  });

  it('the roster carries an optional fte column; a bad one is a plain line problem', () => {
    const parsed = parseRosterCsv(
      [
        'email,full_name,role,line_manager_email,fte',
        'head@s.example,Helen Head,headteacher,,',
        'pat@s.example,Pat Part,teacher,head@s.example,0.6',
        'zed@s.example,Zed Zero,teacher,head@s.example,0',
        'ann@s.example,Ann Over,teacher,head@s.example,1.5',
        'bea@s.example,Bea Words,teacher,head@s.example,three days',
      ].join('\n'),
    );
    if (!parsed.ok) throw new Error(parsed.fileProblem);
    expect(parsed.rows.map((row) => [row.email, row.fte])).toEqual([
      ['head@s.example', undefined],
      ['pat@s.example', 0.6],
    ]);
    expect(parsed.problems.map((p) => [p.line, p.message])).toEqual([
      [4, 'fte "0" should be the full-time equivalent, more than 0 and at most 1 (e.g. 0.6 for three days a week)'],
      [5, 'fte "1.5" should be the full-time equivalent, more than 0 and at most 1 (e.g. 0.6 for three days a week)'],
      [6, 'fte "three days" should be the full-time equivalent, more than 0 and at most 1 (e.g. 0.6 for three days a week)'],
    ]);
  });
});
