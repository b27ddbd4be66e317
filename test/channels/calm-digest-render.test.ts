import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../src/channels/slack/render-views.ts';
import { digestCards } from '../../src/channels/teams/adaptive-cards.ts';
import { composeDigest } from '../../src/core/reminders/compose-digest.ts';
import { planReminders } from '../../src/core/reminders/plan-reminders.ts';
import type { ReminderPerson } from '../../src/core/reminders/reminder-types.ts';
import { at, calendar, HEAD, MANAGER, obligation, people, school, TEACHER } from '../core/reminders/reminder-fixtures.ts';

const team: ReminderPerson[] = Array.from({ length: 13 }, (_, i) => ({ id: `00000000-0000-7000-8000-0000000008${String(i).padStart(2, '0')}`, email: `x${i}@school.example`, fullName: `Colleague ${i}`, role: 'teacher', lineManagerId: MANAGER, reviewerId: MANAGER, active: true }));

/** Tara's year opening at once (eight items), as in the first digest of a cycle (004 §4.2, §5.1). */
function teacherDigest() {
  const dues = ['2026-10-15', '2026-10-23', '2026-12-11', '2027-02-12', '2027-03-26', '2027-05-21', '2027-06-25', '2027-07-16'];
  const year = dues.map((dueOn, i) => obligation({ opensOn: '2026-10-01', dueOn, label: `Item ${i + 1}` }));
  return composeDigest(TEACHER, '2026-10-01', planReminders({ school, calendar, obligations: year, people, now: at('2026-10-01') }));
}

/** Fourteen overdue self-reflections reaching the head (004 §4.2, 10 school days overdue on Thu 5 Nov, told on the weekly chase day, Mon 9 Nov). */
function headDigest() {
  const reflections = [TEACHER, ...team.map((p) => p.id)].map((personId) => obligation({ personId, ownerPersonId: personId, key: `${personId}:2026:reflection` }));
  return composeDigest(HEAD, '2026-11-09', planReminders({ school, calendar, obligations: reflections, people: [...people, ...team], now: at('2026-11-09') }));
}

// A Teams button is an Action.Execute with an Action.Submit fallback: one button, counted once.
const buttonsIn = (value: unknown): number => (JSON.stringify(value).match(/"type":"(button|Action\.Execute)"/g) ?? []).length;

describe('calm digests as Slack and Teams show them', () => {
  it('Slack: five items with their buttons, “and 3 more — say `status`”, readable dates, no ISO dates or paragraph numbers', () => {
    const json = JSON.stringify(renderDigest(teacherDigest()));
    expect(buttonsIn(renderDigest(teacherDigest()))).toBe(20);
    expect(json).toContain('and 3 more — say `status`');
    expect(json).toContain('Due Thu 15 Oct');
    expect(json).toContain('Due Fri 26 Mar 2027');
    expect(json).not.toMatch(/§|\d{4}-\d\d-\d\d/);
  });

  it('Teams: the same five items, the count of the rest, no ISO dates or paragraph numbers', () => {
    const cards = digestCards(teacherDigest());
    const json = JSON.stringify(cards);
    expect(buttonsIn(cards)).toBe(20);
    expect(json).toContain('and 3 more — say `status`');
    expect(json).toContain('Due Thu 15 Oct');
    expect(json).not.toMatch(/§|\d{4}-\d\d-\d\d/);
  });

  it('a head told of fourteen overdue self-reflections gets one line and one “See who” button in both channels (004 §4.2)', () => {
    const digest = headDigest();
    for (const rendered of [renderDigest(digest), digestCards(digest)]) {
      const json = JSON.stringify(rendered);
      expect(buttonsIn(rendered)).toBe(1);
      expect(json).toContain('14 people are overdue with “Self-reflection” (due Thu 15 Oct)');
      expect(json).toContain('See who');
      expect(json).not.toContain('Colleague 3');
    }
  });
});
