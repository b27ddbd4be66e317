import { describe, expect, it } from 'vitest';
import { composeDigest } from '../../../src/core/reminders/compose-digest.ts';
import { planReminders } from '../../../src/core/reminders/plan-reminders.ts';
import { at, calendar, MANAGER, obligation, people, school, TEACHER } from './reminder-fixtures.ts';

describe('the daily digest (Brief "Who uses it": one digest, not a flood)', () => {
  it('gives a line manager their own items and their reviewees’, overdue first, with the rule and actions', () => {
    const reflection = obligation({ status: 'snoozed', snoozedUntil: '2026-10-20' });
    const checkIn = obligation({ kind: 'check-in', ownerRole: 'reviewer', ownerPersonId: MANAGER, opensOn: '2026-10-01', dueOn: '2026-11-03', label: 'Autumn check-in: agree performance expectations', rule: '004 §5.1, §6.3' });
    const reminders = planReminders({ school, calendar, obligations: [reflection, checkIn], people, now: at('2026-10-20') });
    const digest = composeDigest(MANAGER, '2026-10-20', reminders);
    expect(digest.title).toBe("Your growth cycle and your team's: 2 things (1 overdue)");
    expect(digest.escalations).toEqual([
      {
        label: 'Self-reflection',
        audience: 'reviewer',
        text: 'Tara One is overdue with “Self-reflection” (due Thu 15 Oct)',
        items: [{ obligationKey: reflection.key, label: 'Self-reflection', dueOn: '2026-10-15', dueText: 'overdue since Thu 15 Oct (5 days)', rule: '004 §4.2', state: 'escalated', point: 'escalated-reviewer', about: { personId: TEACHER, fullName: 'Tara One' }, actions: [] }],
        actions: [],
      },
    ]);
    expect(digest.items).toEqual([
      {
        obligationKey: checkIn.key,
        label: 'Autumn check-in: agree performance expectations',
        dueOn: '2026-11-03',
        dueText: 'due Tue 3 Nov',
        rule: '004 §5.1, §6.3',
        state: 'due-soon',
        point: 'due-in-5',
        about: { personId: TEACHER, fullName: 'Tara One' },
        actions: ['start', 'done', 'snooze', 'na'].map((verb) => ({ label: expect.any(String), value: `${verb}:${checkIn.key}` })),
      },
    ]);
    expect(digest.more).toEqual([]);
  });

  it('folds several points of one obligation into one item for its owner, with start, done, snooze and n/a; "due today" only on the due day', () => {
    // Snoozed until its due day, Thu 15 Oct: the held-back points and the due-day point arrive together.
    const reflection = obligation({ status: 'snoozed', snoozedUntil: '2026-10-15' });
    const reminders = planReminders({ school, calendar, obligations: [reflection], people, now: at('2026-10-15') });
    const digest = composeDigest(TEACHER, '2026-10-15', reminders);
    expect(digest.items).toHaveLength(1);
    expect(digest.items[0]).toMatchObject({ state: 'due-today', point: 'due-today', about: undefined });
    expect(digest.items[0]!.actions.map((a) => a.value)).toEqual([`start:${reflection.key}`, `done:${reflection.key}`, `snooze:${reflection.key}`, `na:${reflection.key}`]);
  });

  it('offers no snooze on a deadline that cannot be muted (002 §16)', () => {
    const appeal = obligation({ kind: 'appeal', label: 'Lodge your appeal', rule: '002 §16' });
    const digest = composeDigest(TEACHER, '2026-10-08', planReminders({ school, calendar, obligations: [appeal], people, now: at('2026-10-08') }));
    expect(digest.items[0]!.actions.map((a) => a.label)).toEqual(['Start', 'Done', 'Not applicable']);
    expect(digest.title).toBe('Your growth cycle: 1 thing');
  });
});
