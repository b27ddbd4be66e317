import { describe, expect, it } from 'vitest';
import { choiceWithOther, matchChoice, OTHER, textStep } from '../../../src/core/conversations/engine/step.ts';

const AMOUNTS = [
  { label: '60 minutes', value: '60' },
  { label: '90 minutes', value: '90' },
  { label: 'Another amount', value: OTHER },
];

describe('choices with something else to type (002 Annex 1 §4: the observation arrangements asked quickly)', () => {
  it('002 §47: a number typed at a choice is its place when there is one, else the choice whose value it is (“90” minutes), else nothing', () => {
    expect(matchChoice(AMOUNTS, '2')?.value).toBe('90');
    expect(matchChoice(AMOUNTS, '90')?.value).toBe('90');
    expect(matchChoice(AMOUNTS, '90 minutes')?.value).toBe('90');
    expect(matchChoice(AMOUNTS, '240')).toBeUndefined();
  });

  it('002 §48: the box for something else is optional before the choice is made, required once it is, and gone once a usual answer is picked', () => {
    const steps = (values: Record<string, string>) =>
      choiceWithOther(
        { name: 'observer', label: 'Observer', question: 'Who will conduct them?', choices: [{ label: 'My reviewer', value: 'reviewer' }], otherLabel: 'Someone else' },
        textStep({ name: 'observer-other', label: 'Who else observes', question: 'Who?' }),
        values,
      );
    expect(steps({}).map((s) => [s.name, s.optional, s.detailOf])).toEqual([
      ['observer', false, undefined],
      ['observer-other', true, 'observer'],
    ]);
    expect(steps({})[0]!.field?.choices?.map((c) => c.label)).toEqual(['My reviewer', 'Someone else']);
    expect(steps({ observer: OTHER }).map((s) => [s.name, s.optional])).toEqual([
      ['observer', false],
      ['observer-other', false],
    ]);
    expect(steps({ observer: 'reviewer' }).map((s) => s.name)).toEqual(['observer']);
  });
});
