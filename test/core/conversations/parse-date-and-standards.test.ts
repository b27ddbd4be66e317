import { describe, expect, it } from 'vitest';
import { parseDate, showDate } from '../../../src/core/conversations/engine/parse-date.ts';
import { hasQuantity } from '../../../src/core/conversations/dialogs/plan/smart-targets-shape.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { standardsForRole } from '../../../src/core/standards/standards-for-role.ts';
import { TEACHERS_STANDARDS } from '../../../src/core/standards/teachers-standards.ts';

describe('parseDate', () => {
  const today = '2026-10-05';
  it.each([
    ['today', '2026-10-05'],
    ['Tomorrow', '2026-10-06'],
    ['2026-11-20', '2026-11-20'],
    ['20/11/2026', '2026-11-20'],
    ['20/11/26', '2026-11-20'],
    ['20 Nov', '2026-11-20'],
    ['3 March', '2027-03-03'],
    ['30 September', '2026-09-30'],
    ['Friday 2nd October', '2026-10-02'],
    ['November 20, 2026', '2026-11-20'],
  ])('reads %s', (text, expected) => {
    expect(parseDate(text, today)).toBe(expected);
  });

  it.each(['31/02/2027', '31 Floptember', 'soon', '13/13/2026'])('refuses %s', (text) => {
    expect(parseDate(text, today)).toBeUndefined();
  });

  it('writes dates back with the year only when it is not this year', () => {
    expect(showDate('2026-11-20', today)).toBe('Fri 20 Nov');
    expect(showDate('2027-03-03', today)).toBe('Wed 3 Mar 2027');
    expect(showDate('2025-09-30', today)).toBe('Tue 30 Sep 2025');
  });
});

describe('standards', () => {
  it('carries the eight Teachers’ Standards with sub-points 1a…8d, and part two', () => {
    expect(TEACHERS_STANDARDS.standards.map((s) => s.short)).toEqual(['Standard 1', 'Standard 2', 'Standard 3', 'Standard 4', 'Standard 5', 'Standard 6', 'Standard 7', 'Standard 8', 'Part two']);
    const codes = TEACHERS_STANDARDS.standards.slice(0, 8).flatMap((s) => s.points.map((p) => p.slice(0, 2)));
    expect(codes[0]).toBe('1a');
    expect(codes.at(-1)).toBe('8d');
    expect(codes).toHaveLength(34);
  });

  it('picks the set for a role from the policy', () => {
    const whmat = getPreset('whmat')!;
    expect(standardsForRole(whmat, 'teaching-assistant')).toMatchObject({ kind: 'framework', framework: { set: 'ta-standards' } });
    expect(standardsForRole(whmat, 'support')).toEqual({ kind: 'job-description' });
    expect(standardsForRole(getPreset('tpat')!, 'headteacher')).toMatchObject({ framework: { set: 'headteachers-standards' } });
    expect(standardsForRole(getPreset('kingsmead')!, 'support')).toEqual({ kind: 'job-description' });
  });
});

describe('a quantitative target (002 §10)', () => {
  it.each([
    ['80% of 11X reach grade 5+', true],
    ['Reduce persistent absence in Year 9 by 3 percentage points', true],
    ['Improve maths outcomes for Year 11', false],
    ['Better questioning in 9X2 and KS3', false],
  ])('%s → %s', (text, expected) => {
    expect(hasQuantity(text)).toBe(expected);
  });
});
