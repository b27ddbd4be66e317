import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../src/core/policy/presets/index.ts';
import { citationsIn, sameCitation } from '../../scripts/policy-docs/citations.ts';
import { policyDocs } from '../../scripts/policy-docs/generate.ts';
import { dateText } from '../../scripts/policy-docs/rule-table.ts';

describe('the generated policy tables in docs/policies', () => {
  it('are exactly what the generator makes from the presets and test names now (run `npm run docs:policies` after changing either)', () => {
    const docs = policyDocs(process.cwd());
    expect(docs.map((doc) => doc.path)).toEqual(['docs/policies/kingsmead.md', 'docs/policies/thomas-alleyne.md', 'docs/policies/tpat.md', 'docs/policies/whmat.md']);
    for (const doc of docs) expect(readFileSync(doc.path, 'utf8'), `${doc.path} is stale: run npm run docs:policies`).toBe(doc.text);
  });

  it('list every obligation rule of a preset with its citation and any interpretation', () => {
    const policy = getPreset('whmat')!;
    const whmat = policyDocs(process.cwd()).find((doc) => doc.path.endsWith('whmat.md'))!.text;
    for (const rule of policy.obligations) expect(whmat).toContain(`| \`${rule.id}\`: ${rule.label} | ${rule.rule} |`);
    expect(whmat).toContain('**Interpretation:** “Mid-October” is read as 15 October.');
  });
});

describe('reading paragraph references', () => {
  it('splits ranges and lists, keeps the seed they follow, and reads appendices and quoted headings', () => {
    expect(citationsIn('009 §31–32, §5 (reviews by 31 October); Appendix A')).toEqual(['009 §31', '009 §32', '009 §5', '009 Appendix A']);
    expect(citationsIn('009 Annex 1 §9–10')).toEqual(['009 Annex 1 §9', '009 Annex 1 §10']);
    expect(citationsIn('records it (009 "Observation": ungraded)')).toEqual(['009 "Observation"']);
    expect(citationsIn('009 Appendix A/B')).toEqual(['009 Appendix A', '009 Appendix B']);
    expect(citationsIn('no reference here, 3 §4 either')).toEqual([]);
  });

  it('matches a paragraph with its sub-paragraphs, never with a different number', () => {
    expect(sameCitation('009 §2.1', '009 §2.1.2')).toBe(true);
    expect(sameCitation('009 Annex 1', '009 Annex 1 §9')).toBe(true);
    expect(sameCitation('009 §1', '009 §16')).toBe(false);
  });

  it('says a date rule the way a policy would', () => {
    const policy = getPreset('whmat')!;
    expect(dateText({ from: 'term', term: 'spring', point: 'half-term-start', offset: { amount: -1, unit: 'working-days' }, adjust: 'none' }, policy)).toBe('1 working day before the first day of the spring half term');
    expect(dateText({ from: 'month-day', monthDay: '09-15', yearsAfter: 1, adjust: 'working-day-on-or-before' }, policy)).toBe('15 September of the next academic year, or the working day before if it is not a working day');
    expect(dateText({ from: 'start-date', offset: { amount: 9, unit: 'school-days' }, adjust: 'none' }, policy)).toBe('9 school days after their first day');
  });
});
