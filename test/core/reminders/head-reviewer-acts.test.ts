import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import type { ReminderActionOutcome } from '../../../src/core/bot/bot-ports.ts';
import { ObligationReminderActions } from '../../../src/core/reminders/reminder-actions.ts';
import { sweepSchool } from '../../../src/core/reminders/run-sweep.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaRecordReads } from '../../../src/storage/prisma/prisma-dialog-records.ts';
import { PrismaNotificationQueue } from '../../../src/storage/prisma/prisma-notification-queue.ts';
import { PrismaReminderActionsStore } from '../../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { PrismaReminderStore } from '../../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../../config/terms/england-2026-28.yaml');
/** Mon 7 June 2027, 16:00 in London: the head's annual review opens (002 §31, after the summer half term). */
const OPENS = '2027-06-07T15:00:00Z';
const NOW = new Date(OPENS);
const NOT_YOURS = 'Sorry, only the person this item belongs to, or their reviewer, can change it. Nothing has been changed.';

let db: TestDatabase;
let dir: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);

/** The small roster on a preset, with a trust leader (the CEO) and a second one; with `ceoManagesHead`, the CEO is the head's line manager. */
async function rosteredSchool(slug: string, policy: string, ceoManagesHead = false): Promise<void> {
  expect((await trellis('school', 'set', slug, '--policy', policy, '--terms', TERMS)).stderr).toBe('');
  let staff = (await readFile(ROSTER, 'utf8')).replaceAll('@school.example', `@${slug}.example`).trimEnd();
  if (ceoManagesHead) staff = staff.replace(`head@${slug}.example,Helen Head,headteacher,,`, `head@${slug}.example,Helen Head,headteacher,ceo@${slug}.example,`);
  const roster = `${staff}\nceo@${slug}.example,Cas Ceo,trust-leader,,Trust,,2015-09-01,permanent,,\n`;
  const file = join(dir, `${slug}.csv`);
  await writeFile(file, roster);
  expect((await trellis('import', 'roster', file, '--school', slug)).code).toBe(0);
  // The second trust leader joins the roster later, so the CEO is the trust's first (the one the policy's CEO resolves to).
  await writeFile(file, `${roster}coo@${slug}.example,Cory Coo,trust-leader,,Trust,,2016-09-01,permanent,,\n`);
  expect((await trellis('import', 'roster', file, '--school', slug)).code).toBe(0);
}

async function actor(email: string): Promise<Actor> {
  const p = await db.prisma.person.findFirstOrThrow({ where: { email } });
  return { person: { id: p.id, schoolId: p.schoolId, fullName: p.fullName, email: p.email, role: 'teacher', active: true }, account: { platform: 'local', tenant: 'local', userId: p.id } };
}

async function headItem(slug: string, id: string) {
  const head = await db.prisma.person.findFirstOrThrow({ where: { email: `head@${slug}.example` } });
  return db.prisma.obligation.findFirstOrThrow({ where: { personId: head.id, key: { endsWith: `:${id}` } } });
}

function said(outcome: ReminderActionOutcome): string {
  return outcome.kind === 'reply' ? outcome.messages.map(messageText).join('\n') : outcome.kind;
}

const actions = () => new ObligationReminderActions(new PrismaReminderActionsStore(db.prisma));

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-head-reviewer-acts-'));
});
afterAll(async () => {
  await db.drop();
});

describe('the head’s reviewer on the roster acts on the head’s items from their digest (002 §22–24, 003 §6.3, 004 §9.1)', () => {
  it('002 §22–24: the CEO, who chairs the head’s panel, marks the head’s plan agreed with Done and starts the final report on the head’s annual review from their digest; the deputy, a teacher, a second trust leader and the head are refused and nothing changes', async () => {
    await rosteredSchool('alleyne', 'thomas-alleyne');
    const ceo = await actor('ceo@alleyne.example');
    const head = await actor('head@alleyne.example');
    const found = await new PrismaSchoolRepository(db.prisma).findSchool('alleyne');
    if (found === undefined) throw new Error('no school');
    // The head's annual review reaches the CEO's digest when it opens.
    const headReviewers = { facts: new PrismaPeopleFacts(db.prisma), queue: new PrismaNotificationQueue(db.prisma), emailEnabled: false };
    await sweepSchool({ reminders: new PrismaReminderStore(db.prisma), clock: fixedClock(OPENS), headReviewers }, found);
    const review = await headItem('alleyne', 'head-end-of-cycle-review');
    const inCeoDigest = await db.prisma.queuedReminder.findMany({ where: { recipientId: ceo.person.id, key: { startsWith: `${review.key}:` } } });
    expect(inCeoDigest).toHaveLength(1);

    const refused = [head, ...(await Promise.all(['deputy@alleyne.example', 't1@alleyne.example', 'coo@alleyne.example'].map(actor)))];
    const plan = await headItem('alleyne', 'head-plan-agreed');
    expect(plan.status).toBe('open');
    for (const someone of refused) {
      expect(said(await actions().act(someone, `done:${plan.key}`, NOW))).toBe(NOT_YOURS);
      if (someone.person.id !== head.person.id) expect(said(await actions().act(someone, `start:${review.key}`, NOW))).toBe(NOT_YOURS);
    }
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe('open');

    expect(said(await actions().act(ceo, `done:${plan.key}`, NOW))).toBe(`Marked done: “${plan.label}” (Helen Head). Thank you.`);
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe('done');
    expect(await db.prisma.auditEvent.count({ where: { actorId: ceo.person.id, action: 'obligation.done' } })).toBe(1);

    // Recording the review: Start opens the reviewer's final report about the head (002 §14, §16), and the head is one of those the CEO may report on.
    expect(await actions().act(ceo, `start:${review.key}`, NOW)).toEqual({ kind: 'start-dialog', dialogId: 'final-report', trigger: 'final report', targetPersonId: head.person.id });
    const reviewees = await new PrismaRecordReads(db.prisma).revieweesOf(ceo.person.id, '2027-06-07');
    expect(reviewees.map((c) => [c.fullName, c.relation])).toEqual([['Helen Head', 'reviewer']]);
    const second = await actor('coo@alleyne.example');
    expect(await new PrismaRecordReads(db.prisma).revieweesOf(second.person.id, '2027-06-07')).toEqual([]);
  });

  it('003 §6.3: a TPAT head’s check-in owed by the head’s coach is marked done by the CEO; a second trust leader and the deputy are refused', async () => {
    await rosteredSchool('tpat-school', 'tpat');
    const ceo = await actor('ceo@tpat-school.example');
    const head = await db.prisma.person.findFirstOrThrow({ where: { email: 'head@tpat-school.example' } });
    const items = await db.prisma.obligation.findMany({ where: { personId: head.id, ownerRole: { in: ['coach', 'reviewer'] }, status: 'open' }, orderBy: { dueOn: 'asc' } });
    const checkIn = items.find((o) => o.kind === 'check-in');
    expect(checkIn).toBeDefined();
    expect(said(await actions().act(await actor('coo@tpat-school.example'), `done:${checkIn!.key}`, NOW))).toBe(NOT_YOURS);
    expect(said(await actions().act(await actor('deputy@tpat-school.example'), `done:${checkIn!.key}`, NOW))).toBe(NOT_YOURS);
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { id: checkIn!.id } })).status).toBe('open');
    expect(said(await actions().act(ceo, `done:${checkIn!.key}`, NOW))).toBe(`Marked done: “${checkIn!.label}” (Helen Head). Thank you.`);
    expect((await db.prisma.obligation.findUniqueOrThrow({ where: { id: checkIn!.id } })).status).toBe('done');
  });

  it('004 §9.1: the external adviser is not on the roster, so a trust leader who is not the head’s line manager cannot act on the head’s spring check-in; where the CEO is the head’s line manager they can', async () => {
    await rosteredSchool('washwood', 'whmat');
    const spring = await headItem('washwood', 'spring-check-in');
    expect(said(await actions().act(await actor('ceo@washwood.example'), `snooze:${spring.key}`, new Date('2027-01-05T16:00:00Z'), { until: '2027-01-12' }))).toBe(NOT_YOURS);
    expect(await new PrismaRecordReads(db.prisma).revieweesOf((await actor('ceo@washwood.example')).person.id, '2027-01-05')).toEqual([]);

    await rosteredSchool('washwood-managed', 'whmat', true);
    const managed = await headItem('washwood-managed', 'spring-check-in');
    expect(said(await actions().act(await actor('ceo@washwood-managed.example'), `snooze:${managed.key}`, new Date('2027-01-05T16:00:00Z'), { until: '2027-01-12' }))).toMatch(/^Snoozed until /);
    expect(said(await actions().act(await actor('coo@washwood-managed.example'), `snooze:${managed.key}`, new Date('2027-01-05T16:00:00Z'), { until: '2027-01-12' }))).toBe(NOT_YOURS);
  });
});
