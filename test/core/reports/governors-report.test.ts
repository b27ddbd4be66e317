// The governors' report's figures, built from raw figures without a database: what counts as on
// time, the themes of the CPD roll-up (002 §19), appeal outcomes (002 §39) and suppression (002 §37).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { TERMS } from '../reminders/support/school-year.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { OTHER_THEME, themesOf } from '../../../src/core/reports/cpd-themes.ts';
import type { GovernorsFigures, GovernorsObligation } from '../../../src/core/reports/governors-ports.ts';
import { appealOutcome, buildGovernorsReport, DISCRIMINATION_NOT_RECORDED } from '../../../src/core/reports/governors-report.ts';
import { renderCsv } from '../../../src/core/reports/governors-render.ts';
import { suppressAgainstTotal } from '../../../src/core/reports/suppression.ts';
import type { School } from '../../../src/core/schools/school.ts';

const policy = getPreset('thomas-alleyne');
if (policy === undefined) throw new Error('no preset');
const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('term dates');
const school: Pick<School, 'name' | 'policy' | 'region' | 'termDates'> = { name: 'Alleyne', policy, region: 'england-and-wales', termDates: terms.value };

const person = (i: number, texts: string[] = [], minutes = 0) => ({ id: `p${i}`, flags: [], developmentTexts: texts, observedMinutes: minutes });
const obligations = (kind: string, onTime: number, late: number, notDone: number): GovernorsObligation[] => [
  ...Array.from({ length: onTime }, () => ({ kind, optional: false, dueOn: '2026-10-23', status: 'done', doneOn: '2026-10-20' })),
  ...Array.from({ length: late }, () => ({ kind, optional: false, dueOn: '2026-10-23', status: 'done', doneOn: '2026-11-05' })),
  ...Array.from({ length: notDone }, () => ({ kind, optional: false, dueOn: '2026-10-23', status: 'open' })),
];

function figures(over: Partial<GovernorsFigures> = {}): GovernorsFigures {
  return { inCycle: Array.from({ length: 12 }, (_, i) => person(i)), excluded: 6, obligations: [], appeals: [], ...over };
}

describe('the governors’ report’s figures (002 §36–39)', () => {
  it('002 §37: a stage done after its due date is late, one still open after it is not done, and counts from 1 to 4 are hidden with a second cell so none can be worked out', () => {
    const report = buildGovernorsReport(school, 2026, figures({ obligations: [...obligations('self-reflection', 10, 6, 2), ...obligations('plan-agreed', 9, 7, 0), ...obligations('interim-review', 0, 0, 3)] }), '2027-08-31');
    const row = (name: string) => report.byKind.find((r) => r.name === name);
    expect(row('Self-reflection')).toEqual({ name: 'Self-reflection', onTime: { shown: 10 }, late: { shown: 6 }, notDone: { hidden: 'small' } });
    expect(row('Growth plan agreed')?.notDone).toEqual({ shown: 0 });
    expect(row('Interim review')?.notDone).toEqual({ hidden: 'small' });
    expect(renderCsv(report).split('\n').filter((line) => /,[1-4]$/.test(line))).toEqual([]);
  });

  it('002 §38: staff outside the cycle from 1 to 4 hide the in-cycle count too, since leaders’ summary shows the school’s staff total and the two would give the small one away', () => {
    const report = buildGovernorsReport(school, 2026, figures({ inCycle: Array.from({ length: 17 }, (_, i) => person(i)), excluded: 2 }), '2027-08-31');
    expect(report.staff).toEqual({ inCycle: { hidden: 'complement' }, excluded: { hidden: 'small' } });
    const none = buildGovernorsReport(school, 2026, figures({ inCycle: Array.from({ length: 17 }, (_, i) => person(i)), excluded: 0 }), '2027-08-31');
    expect(none.staff).toEqual({ inCycle: { shown: 17 }, excluded: { shown: 0 } });
  });

  it('002 §37: a school with fewer than five staff in the cycle is not broken down at all', () => {
    const report = buildGovernorsReport(school, 2026, figures({ inCycle: [person(1), person(2), person(3)], obligations: obligations('self-reflection', 3, 0, 0) }), '2027-08-31');
    expect(report.staff.inCycle).toEqual({ hidden: 'small' });
    expect([report.byKind, report.byTerm, report.themes, report.appeals, report.observations.rows]).toEqual([[], [], [], [], []]);
  });

  it('002 §19: themes come from keywords and the Teachers’ Standard a target names, once per person, never the words themselves', () => {
    expect(themesOf(['Improve my questioning', 'more questioning, TS6'])).toEqual(['Teaching and pedagogy', 'Assessment and feedback']);
    expect(themesOf(['Standard 5 for my class'])).toEqual(['Adaptive teaching, SEND and inclusion']);
    expect(themesOf(['Sendai trip'])).toEqual([OTHER_THEME]);
    const report = buildGovernorsReport(school, 2026, figures({ inCycle: Array.from({ length: 6 }, (_, i) => person(i, ['Better questioning by Ann Example'])) }), '2027-08-31');
    expect(report.themes).toEqual([{ name: 'Teaching and pedagogy', count: { shown: 6 } }]);
    expect(JSON.stringify(report)).not.toContain('Ann Example');
  });

  it('002 §39: appeals are counted by outcome, and representations on grounds of discrimination are said plainly not to be recorded', () => {
    expect(['Upheld', 'The appeal is not upheld', 'Upheld in part', 'whatever'].map((outcome) => appealOutcome({ status: 'decided', outcome }))).toEqual(['Upheld', 'Not upheld', 'Partly upheld', 'Decided (outcome not categorised)']);
    expect(appealOutcome({ status: 'lodged' })).toBe('Not yet decided');
    const report = buildGovernorsReport(school, 2026, figures({ appeals: Array.from({ length: 6 }, () => ({ status: 'decided', outcome: 'Not upheld' })) }), '2027-08-31');
    expect(report.appeals.map((r) => `${r.name}: ${'shown' in r.count ? r.count.shown : r.count.hidden}`)).toEqual(['Appeals lodged: 6', 'Not upheld: 6']);
    expect(report.discrimination).toBe(DISCRIMINATION_NOT_RECORDED);
  });

  it('002 §47–51: staff within and over the 180-minute cap are counted, with the cap-exempt apart and a second figure hidden when one is', () => {
    const inCycle = [...Array.from({ length: 7 }, (_, i) => person(i, [], 120)), ...Array.from({ length: 5 }, (_, i) => person(10 + i, [], 200)), { ...person(20, [], 400), flags: ['support-plan'] }];
    const report = buildGovernorsReport(school, 2026, figures({ inCycle }), '2027-08-31');
    expect(report.observations.cap).toMatch(/^The policy caps performance-management observation at 180 minutes a cycle, pro-rated for part-time staff by their FTE \(002 Annex 1 §2–3 .*\) \(002 §47–51, Annex 1\)\.$/);
    // The rows add up to the staff in the cycle, which is shown: one hidden row would be worked out, so the next smallest is hidden too.
    expect(report.observations.rows.map((r) => r.count)).toEqual([{ shown: 7 }, { hidden: 'complement' }, { hidden: 'small' }]);
  });
});

describe('the governors’ report against each person’s own cap (002 Annex 1 §2–3)', () => {
  it('002 Annex 1 §2–3: a 0.6 FTE teacher observed for 120 minutes is over their pro-rated 108-minute cap, not within the full 180', () => {
    const inCycle = [...Array.from({ length: 7 }, (_, i) => person(i, [], 120)), ...Array.from({ length: 6 }, (_, i) => ({ ...person(10 + i, [], 120), flags: ['part-time'], fte: 0.6 }))];
    const report = buildGovernorsReport(school, 2026, figures({ inCycle }), '2027-08-31');
    expect(report.observations.rows.map((r) => [r.name, r.count])).toEqual([
      ['Within the cap', { shown: 7 }],
      ['Over the cap', { shown: 6 }],
      ['Not subject to the cap (e.g. support plans)', { shown: 0 }],
    ]);
  });
});

describe('hidden cells that add up to a small number (002 §37)', () => {
  it('002 §37: two hidden cells summing to 2 would both be 1, so the next smallest is hidden too', () => {
    expect(suppressAgainstTotal([1, 5, 1])).toEqual([{ hidden: 'small' }, { hidden: 'complement' }, { hidden: 'small' }]);
    expect(suppressAgainstTotal([3, 9, 6])).toEqual([{ hidden: 'small' }, { shown: 9 }, { hidden: 'complement' }]);
    expect(suppressAgainstTotal([8, 9, 0])).toEqual([{ shown: 8 }, { shown: 9 }, { shown: 0 }]);
  });
});
