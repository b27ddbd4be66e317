import { describe, expect, it } from 'vitest';
import { DEADLINE_KINDS } from '../../../src/core/deadlines/event-deadlines.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { ALL_OBLIGATION_KINDS, compareKinds, dialogForObligation, isAdjustableKind, isKnownKind, kindInfo, lapses, OBLIGATION_KINDS } from '../../../src/core/obligations/obligation-kinds.ts';
import { PRESET_NAMES, getPreset } from '../../../src/core/policy/presets/index.ts';
import { CHECK_IN_MEETING_KIND } from '../../../src/core/scheduling/meeting-reminders.ts';
import { internalIn } from '../conversations/support/plain-words.ts';

describe('the obligation kind registry', () => {
  it('knows every kind a preset names and every kind an event makes', () => {
    const used = new Set<string>([...PRESET_NAMES.flatMap((name) => getPreset(name)!.obligations.map((rule) => rule.kind)), ...Object.values(DEADLINE_KINDS), CHECK_IN_MEETING_KIND]);
    expect([...used].filter((kind) => !isKnownKind(kind))).toEqual([]);
    expect(OBLIGATION_KINDS).not.toContain(CHECK_IN_MEETING_KIND);
  });

  it('names only dialogs that exist, by a trigger each dialog answers to', () => {
    for (const kind of ALL_OBLIGATION_KINDS) {
      const { reviewee, reviewer } = kindInfo(kind).dialogs;
      for (const start of [reviewee, reviewer]) {
        if (start === undefined) continue;
        expect(ALL_DIALOGS.find((d) => d.id === start.dialogId)?.triggers, `${kind} → ${start.dialogId}`).toContain(start.trigger);
      }
    }
  });

  it('keeps appeal deadlines fixed and lets the appeal window lapse rather than fall overdue (002 §16–17)', () => {
    for (const kind of ['appeal', 'appeal-window', 'appeal-meeting', 'appeal-outcome']) expect(isAdjustableKind(kind), kind).toBe(false);
    expect(ALL_OBLIGATION_KINDS.filter(lapses)).toEqual(['appeal-window']);
    expect(isAdjustableKind('check-in')).toBe(true);
  });

  it('sends a booked check-in to the check-in record, as the appraisee records it (004 §6.6)', () => {
    expect(kindInfo(CHECK_IN_MEETING_KIND).done).toMatchObject({ honest: false, by: 'reviewee' });
    expect(dialogForObligation(CHECK_IN_MEETING_KIND, true)).toMatchObject({ dialogId: 'check-in' });
  });

  it('shows a kind it does not know under its own name, last, with Done and no dialog', () => {
    expect(kindInfo('mentor-meeting')).toMatchObject({ label: 'Mentor meeting', stage: 'In year', done: { honest: true }, adjustable: true, lapses: false });
    expect(dialogForObligation('mentor-meeting', true)).toEqual({ none: expect.stringMatching(/no chat form/) });
    expect(['mentor-meeting', 'appeal-outcome', 'self-reflection'].sort(compareKinds)).toEqual(['self-reflection', 'appeal-outcome', 'mentor-meeting']);
  });
});

describe('what the Start and Done buttons say, in plain words (002 §47–48, 004 Appendix A)', () => {
  it('002 §47–48, 004 Appendix A: no kind’s “no dialog for you” or “done by doing it” answer names a policy paragraph — `why` names it', () => {
    const said = ALL_OBLIGATION_KINDS.flatMap((kind) => {
      const info = kindInfo(kind);
      return [`${kind} (start): ${info.dialogs.otherwise}`, ...(info.done.honest ? [] : [`${kind} (done): ${info.done.why}`])];
    });
    expect(said.length).toBeGreaterThan(ALL_OBLIGATION_KINDS.length);
    expect(said.flatMap((line) => internalIn([line], line.slice(0, line.indexOf(':'))))).toEqual([]);
  });
});
