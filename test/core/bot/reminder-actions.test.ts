import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, ReminderActionOutcome } from '../../../src/core/bot/bot-ports.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { ALL_OBLIGATION_KINDS, dialogForObligation } from '../../../src/core/obligations/obligation-kinds.ts';
import { ObligationReminderActions } from '../../../src/core/reminders/reminder-actions.ts';
import { PrismaReminderActionsStore } from '../../../src/storage/prisma/prisma-reminder-actions-store.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { asNotifications, queuedNotifications } from '../../support/queued-notifications.ts';
import { knownPerson } from '../reports/report-fixture.ts';

/** Monday 23 November 2026, 10:00 London. */
const NOW = new Date('2026-11-23T10:00:00Z');

let db: TestDatabase;
let s: SeededSchool;
let other: SeededSchool;
let actions: ObligationReminderActions;
const actors: Record<string, Actor> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher', obligations: [] },
    { key: 'mo', fullName: 'Mo Manager', role: 'teacher', lineManager: 'head', obligations: [] },
    { key: 'olly', fullName: 'Olly Other', role: 'teacher', lineManager: 'head', obligations: [] },
    {
      key: 'tia',
      fullName: 'Tia Teacher',
      role: 'teacher',
      lineManager: 'mo',
      obligations: [
        { kind: 'self-reflection', label: 'Reflection', dueOn: '2026-11-30', ownerRole: 'reviewee' },
        { kind: 'plan-agreed', label: 'Plan agreed', dueOn: '2026-11-30', ownerRole: 'reviewee' },
        { kind: 'check-in', label: 'Autumn check-in', dueOn: '2026-12-11', ownerRole: 'reviewer' },
        { kind: 'feedback', label: 'Feedback conversation', dueOn: '2027-01-29', ownerRole: 'reviewer' },
        { kind: 'interim-review', label: 'Interim review', dueOn: '2027-03-26', ownerRole: 'reviewer' },
        { kind: 'peer-observation', label: 'Peer observation', dueOn: '2027-02-12', ownerRole: 'reviewee' },
        { kind: 'appeal', label: 'Appeal window', dueOn: '2026-12-04', ownerRole: 'reviewee' },
        { kind: 'self-reflection', label: 'Old reflection', dueOn: '2026-10-15', ownerRole: 'reviewee', status: 'done' },
      ],
    },
  ]);
  other = await seedSchool(db.prisma, 'thomas-alleyne', [{ key: 'bex', fullName: 'Bex Boss', role: 'headteacher', obligations: [] }]);
  actions = new ObligationReminderActions(new PrismaReminderActionsStore(db.prisma));
  for (const key of ['head', 'mo', 'olly', 'tia']) actors[key] = { person: await knownPerson(db.prisma, s.ids[key]!), account: { platform: 'slack', tenant: 'T1', userId: `U-${key}` } };
  actors.bex = { person: await knownPerson(db.prisma, other.ids.bex!), account: { platform: 'slack', tenant: 'T2', userId: 'U-bex' } };
});
afterAll(() => db.drop());

async function keyOf(label: string): Promise<string> {
  return (await db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.tia!, label } })).key;
}

async function rowOf(label: string) {
  return db.prisma.obligation.findFirstOrThrow({ where: { personId: s.ids.tia!, label } });
}

async function auditsOf(label: string) {
  const row = await rowOf(label);
  return db.prisma.auditEvent.findMany({ where: { subjectType: 'obligation', subjectId: row.id }, orderBy: { at: 'asc' } });
}

function text(outcome: ReminderActionOutcome): string {
  if (outcome.kind === 'reply') return outcome.messages.map(messageText).join('\n');
  if (outcome.kind === 'ask') return messageText(outcome.message);
  return `start ${outcome.dialogId}`;
}

async function act(who: string, verb: string, label: string, detail?: { reason?: string; until?: string }) {
  return actions.act(actors[who]!, `${verb}:${await keyOf(label)}`, NOW, detail);
}

describe('start: from a reminder', () => {
  it('maps each kind to the dialog that fulfils it, for the reviewee or the reviewer', async () => {
    expect(await act('tia', 'start', 'Reflection')).toEqual({ kind: 'start-dialog', dialogId: 'self-reflection', trigger: 'reflect', targetPersonId: undefined });
    expect(await act('tia', 'start', 'Plan agreed')).toEqual({ kind: 'start-dialog', dialogId: 'growth-plan', trigger: 'plan', targetPersonId: undefined });
    expect(await act('mo', 'start', 'Plan agreed')).toEqual({ kind: 'start-dialog', dialogId: 'plan-agreement', trigger: 'review plans', targetPersonId: undefined });
    expect(await act('mo', 'start', 'Feedback conversation')).toEqual({ kind: 'start-dialog', dialogId: 'feedback-conversation', trigger: 'feedback', targetPersonId: s.ids.tia });
    expect(await act('tia', 'start', 'Autumn check-in')).toEqual({ kind: 'start-dialog', dialogId: 'check-in', trigger: 'check-in', targetPersonId: undefined });
  });

  it('gives a helpful reply for a kind with no dialog, or one that is the other person’s to write', async () => {
    expect(text(await act('mo', 'start', 'Interim review'))).toMatch(/no chat form for the interim review.*press Done/);
    expect(text(await act('mo', 'start', 'Autumn check-in'))).toMatch(/^Check-ins are recorded by the person reviewed\. /);
    expect(text(await act('mo', 'start', 'Reflection'))).toMatch(/only they can start it/);
  });

  it('every mapped trigger is one its dialog answers to, for every obligation kind', () => {
    for (const kind of ALL_OBLIGATION_KINDS) {
      for (const asReviewee of [true, false]) {
        const start = dialogForObligation(kind, asReviewee);
        if ('none' in start) continue;
        const dialog = ALL_DIALOGS.find((d) => d.id === start.dialogId);
        expect(dialog?.triggers, `${kind} → ${start.dialogId}`).toContain(start.trigger);
      }
    }
  });
});

describe('done: only where a meeting was held', () => {
  it('marks a check-in done for the reviewer, audits it once, and a second press changes nothing', async () => {
    expect(text(await act('mo', 'done', 'Autumn check-in'))).toBe('Marked done: “Autumn check-in” (Tia Teacher). Thank you.');
    const row = await rowOf('Autumn check-in');
    expect(row.status).toBe('done');
    expect(row.completedAt?.toISOString()).toBe(NOW.toISOString());
    expect(text(await act('mo', 'done', 'Autumn check-in'))).toBe('“Autumn check-in” (Tia Teacher) is already done — nothing to change.');
    const audits = await auditsOf('Autumn check-in');
    expect(audits.map((a) => [a.action, a.actorId, a.schoolId])).toEqual([['obligation.done', s.ids.mo, s.schoolId]]);
  });

  it('two presses at once (a double click, a retried delivery) mark it done once and audit it once, whichever reads first', async () => {
    const outcomes = await Promise.all([act('mo', 'done', 'Feedback conversation'), act('mo', 'done', 'Feedback conversation')]);
    expect(outcomes.map(text).sort()).toEqual(['Marked done: “Feedback conversation” (Tia Teacher). Thank you.', '“Feedback conversation” (Tia Teacher) is already done — nothing to change.']);
    expect((await auditsOf('Feedback conversation')).length).toBe(1);
  });

  it('a plan is marked agreed by the reviewer after the meeting, never by the reviewee themself', async () => {
    expect(text(await act('tia', 'done', 'Plan agreed'))).toMatch(/^Your reviewer agrees your plan, so they mark this done/);
    expect((await rowOf('Plan agreed')).status).not.toBe('done');
    expect(await auditsOf('Plan agreed')).toEqual([]);
  });

  it('a booked check-in meeting is closed by recording it, not by Done (004 §6.6)', async () => {
    await db.prisma.obligation.create({
      data: { key: 'meeting-1', cycleId: s.cycles.tia!, personId: s.ids.tia!, kind: 'check-in-meeting', label: 'Check-in with Mo', opensOn: new Date('2026-11-20'), dueOn: new Date('2026-11-24'), ownerRole: 'reviewee', ownerPersonId: s.ids.tia!, rule: 'test' },
    });
    expect(text(await actions.act(actors.tia!, 'done:meeting-1', NOW))).toMatch(/record the check-in with `checkin`/);
    expect(await actions.act(actors.tia!, 'start:meeting-1', NOW)).toEqual({ kind: 'start-dialog', dialogId: 'check-in', trigger: 'check-in', targetPersonId: undefined });
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { key: 'meeting-1' } })).status).toBe('open');
  });

  it('refuses to tick off a self-reflection, saying why; it stays open', async () => {
    expect(text(await act('tia', 'done', 'Reflection'))).toBe('A self-reflection is done by writing it, so there is a record of it. Press Start to write it now.');
    expect((await rowOf('Reflection')).status).toBe('open');
    expect(await auditsOf('Reflection')).toEqual([]);
  });
});

describe('snooze:', () => {
  it('asks for a date with a date field when none is given', async () => {
    const outcome = await act('tia', 'snooze', 'Plan agreed');
    expect(outcome).toEqual({
      kind: 'ask',
      message: { type: 'form', title: 'Snooze “Plan agreed” (due Mon 30 Nov) until…', fields: [{ id: 'until', label: 'Remind me again on', kind: 'date', required: true }] },
    });
  });

  it('refuses past dates, unreadable dates and dates more than 14 days after the due date; nothing changes', async () => {
    expect(text(await act('tia', 'snooze', 'Plan agreed', { until: '2026-11-23' }))).toMatch(/^Please pick a day after today/);
    expect(text(await act('tia', 'snooze', 'Plan agreed', { until: 'next week' }))).toMatch(/isn’t a date I can read/);
    expect(text(await act('tia', 'snooze', 'Plan agreed', { until: '2026-12-15' }))).toBe('That is too far off: reminders can be put off to Mon 14 Dec at the latest, 14 days after it is due.');
    expect((await rowOf('Plan agreed')).status).toBe('open');
  });

  it('snoozes until the date given, audits it, and the same snooze again changes nothing', async () => {
    expect(text(await act('tia', 'snooze', 'Plan agreed', { until: '2026-12-14' }))).toBe('Snoozed until Mon 14 Dec: “Plan agreed” (Tia Teacher). I’ll remind you again then.');
    const row = await rowOf('Plan agreed');
    expect([row.status, row.snoozedUntil?.toISOString().slice(0, 10)]).toEqual(['snoozed', '2026-12-14']);
    expect(text(await act('tia', 'snooze', 'Plan agreed', { until: '2026-12-14' }))).toMatch(/is already snoozed until Mon 14 Dec/);
    expect((await auditsOf('Plan agreed')).map((a) => [a.action, a.details])).toEqual([['obligation.snoozed', { until: '2026-12-14' }]]);
  });

  it('refuses to snooze or set aside an appeal deadline (002 §16: immutable)', async () => {
    expect(text(await act('tia', 'snooze', 'Appeal window', { until: '2026-11-30' }))).toMatch(/can’t be snoozed: the deadline is fixed by the appeal procedure, and missing it loses the right to appeal\.$/);
    expect(text(await act('tia', 'na', 'Appeal window', { reason: 'not appealing' }))).toMatch(/can’t be set aside/);
    expect((await rowOf('Appeal window')).status).toBe('open');
  });
});

describe('na: not applicable', () => {
  it('asks for a reason with a long-text field when none is given', async () => {
    const outcome = await act('tia', 'na', 'Peer observation');
    expect(outcome.kind === 'ask' && outcome.message).toEqual({
      type: 'form',
      title: 'Why doesn’t “Peer observation” apply? (your reviewer will see this)',
      fields: [{ id: 'reason', label: 'Reason', kind: 'long-text', required: true }],
    });
  });

  it('records the reason, queues the reviewer’s notification with the change, audits it; repeating it is harmless', async () => {
    const outcome = await act('tia', 'na', 'Peer observation', { reason: 'Part-time this term: agreed to skip' });
    expect(outcome).toEqual({
      kind: 'reply',
      messages: [{ type: 'text', text: 'Marked not applicable: “Peer observation” (Tia Teacher). I’ve let Mo Manager know.' }],
      notified: [{ personId: s.ids.mo }],
    });
    const row = await rowOf('Peer observation');
    expect([row.status, row.note]).toEqual(['not-applicable', 'Part-time this term: agreed to skip']);
    const told = [{ personId: s.ids.mo, messages: [{ type: 'text', text: 'Tia Teacher marked “Peer observation” (due Fri 12 Feb 2027) as not applicable. Reason: Part-time this term: agreed to skip' }] }];
    expect(asNotifications(await queuedNotifications(db.prisma, `notify:act:${row.id}:`))).toEqual(told);
    const again = await act('tia', 'na', 'Peer observation', { reason: 'again' });
    expect(asNotifications(await queuedNotifications(db.prisma, `notify:act:${row.id}:`))).toEqual(told);
    expect(again).toEqual({ kind: 'reply', messages: [{ type: 'text', text: '“Peer observation” (Tia Teacher) is already marked not applicable.' }] });
    expect((await rowOf('Peer observation')).note).toBe('Part-time this term: agreed to skip');
    expect((await auditsOf('Peer observation')).map((a) => [a.action, a.actorId])).toEqual([['obligation.not-applicable', s.ids.tia]]);
  });
});

describe('who may act', () => {
  it('refuses a colleague who is neither the owner nor the reviewer; nothing changes', async () => {
    for (const verb of ['done', 'snooze', 'na', 'start']) {
      expect(text(await act('olly', verb, 'Interim review', { until: '2027-03-30', reason: 'x' }))).toMatch(/^Sorry, only the person this item belongs to/);
    }
    const row = await rowOf('Interim review');
    expect([row.status, row.snoozedUntil, row.note]).toEqual(['open', null, null]);
    expect(await auditsOf('Interim review')).toEqual([]);
  });

  it('the reviewee cannot close an item their reviewer owes', async () => {
    expect(text(await act('tia', 'done', 'Interim review'))).toMatch(/^Sorry, only the person this item belongs to/);
  });

  it('someone in another school is told the item is not found, and unknown buttons get a plain answer', async () => {
    expect(text(await act('bex', 'done', 'Interim review'))).toMatch(/^I can’t find that item any more/);
    expect(text(await actions.act(actors.tia!, 'done:no-such-key', NOW))).toMatch(/^I can’t find that item any more/);
    expect(text(await actions.act(actors.tia!, 'explode:now', NOW))).toBe('I don’t recognise that button (“explode:now”). Try `status` to see what is due.');
    expect((await rowOf('Interim review')).status).toBe('open');
  });

  it('the reviewer marking an item not applicable tells the reviewee', async () => {
    await act('mo', 'na', 'Interim review', { reason: 'Covered by the capability process' });
    const queued = await queuedNotifications(db.prisma, `notify:act:${(await rowOf('Interim review')).id}:`);
    expect(queued.map((n) => [n.personId, messageText(n.messages[0]!)])).toEqual([
      [s.ids.tia, 'Mo Manager marked “Interim review” for Tia Teacher (due Fri 26 Mar 2027) as not applicable. Reason: Covered by the capability process'],
    ]);
  });
});
