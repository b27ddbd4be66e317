import { describe, expect, it } from 'vitest';
import { policyDiff, presetOf } from '../../../src/core/policy/policy-diff.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import { withReminderWindow } from '../../../src/core/reminders/reminder-window.ts';

describe('a policy compared with another', () => {
  const whmat = getPreset('whmat')!;

  it('is no change against itself, and one change per setting changed', () => {
    expect(policyDiff(whmat, whmat)).toEqual([]);
    expect(policyDiff(whmat, withReminderWindow(whmat, { start: '16:00', end: '17:00' }))).toEqual([{ path: 'reminders.window.start', before: '"15:30"', after: '"16:00"' }]);
  });

  it('matches obligation rules by id, so removing one rule is that rule’s settings only', () => {
    const [first, ...rest] = whmat.obligations;
    const changes = policyDiff(whmat, { ...whmat, obligations: rest });
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((change) => change.path.startsWith(`obligations[${first!.id}]`) && change.after === undefined)).toBe(true);
  });
});

describe('the preset a policy came from', () => {
  it('is the preset its source names, else the preset whose id it keeps, else none', () => {
    expect(presetOf({ id: 'anything' }, 'preset:tpat')).toBe('tpat');
    expect(presetOf({ id: 'whmat' }, 'upload:ours.yaml')).toBe('whmat');
    expect(presetOf({ id: 'our-own' }, 'upload:ours.yaml')).toBeUndefined();
  });
});
