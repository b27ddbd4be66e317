// `/growth report governors [year]` (002 §36–39) and `/growth moderate [n]` (002 §8) through the bot,
// on real PostgreSQL: who gets the report is the access module's decision, and every plan moderation
// shows is read through the access guard and logged.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';
import { type CommandOutcome, TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { attachmentBytes, type OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { ConversationEngine } from '../../../src/core/conversations/engine/run-turn.ts';
import { ObligationReminderActions } from '../../../src/core/reminders/reminder-actions.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { GOVERNORS_REPORT_REFUSED, GovernorsRequests, MODERATION_REFUSED, sampleOf } from '../../../src/core/reports/governors-requests.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaConversationStore } from '../../../src/storage/prisma/prisma-conversation-store.ts';
import { PrismaGovernorsReads, PrismaGovernorsSchools } from '../../../src/storage/prisma/prisma-governors-reads.ts';
import { PrismaIdentityStore } from '../../../src/storage/prisma/prisma-identity-store.ts';
import { PrismaReminderActionsStore } from '../../../src/storage/prisma/prisma-reminder-actions-store.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { schoolYearRosterCsv, TERMS } from '../reminders/support/school-year.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { liveTheYear } from './governors-year.ts';

let db: TestDatabase;
let bot: TrellisBot;
const actors: Record<string, Actor> = {};
const at = '2027-06-15T09:00:00Z';

beforeAll(async () => {
  db = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'trellis-governors-chat-'));
  for (const [slug, name] of [['oak-a', 'Oak Academy'], ['oak-b', 'Oak Primary']] as const) {
    const set = await runTrellisWith({ databaseUrl: db.url, at: '2026-09-01T08:00:00Z' }, 'school', 'set', slug, '--policy', 'thomas-alleyne', '--terms', TERMS, '--name', name, '--trust', 'oak');
    if (set.code !== 0) throw new Error(set.stderr);
    await writeFile(join(dir, `${slug}.csv`), schoolYearRosterCsv(`${slug}.example`));
    const loaded = await runTrellisWith({ databaseUrl: db.url, at: '2026-09-01T08:00:00Z' }, 'import', 'roster', join(dir, `${slug}.csv`), '--school', slug);
    if (loaded.code !== 0) throw new Error(loaded.stderr);
    await liveTheYear(db.prisma, slug);
  }
  const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'oak-a' } });
  await db.prisma.person.update({ where: { schoolId_email: { schoolId: school.id, email: 'deputy@oak-a.example' } }, data: { flags: ['leadership-scale', 'pm-deputy'] } });
  await db.prisma.person.create({ data: { schoolId: school.id, email: 'ceo@oak.example', fullName: 'Cara Chief', role: 'trust-leader' } });
  await db.prisma.person.create({ data: { schoolId: school.id, email: 'hoy@oak-a.example', fullName: 'Hal Year', role: 'leader' } });
  const clock = fixedClock(at);
  const access = prismaAccess(db.prisma);
  const reportReads = new PrismaReportReads(db.prisma);
  bot = new TrellisBot({
    engine: new ConversationEngine({ store: new PrismaConversationStore(db.prisma), clock, dialogs: ALL_DIALOGS }),
    dialogs: ALL_DIALOGS,
    identities: new PrismaIdentityStore(db.prisma),
    reports: new CycleReports(reportReads, access),
    actions: new ObligationReminderActions(new PrismaReminderActionsStore(db.prisma)),
    clock,
    governors: new GovernorsRequests({ reads: new PrismaGovernorsReads(db.prisma), schools: new PrismaGovernorsSchools(db.prisma), people: reportReads, guard: access.guard, clock, random: () => 0.5 }),
  });
  for (const [key, email] of Object.entries({ head: 'head@oak-a.example', deputy: 'deputy@oak-a.example', leader: 'hoy@oak-a.example', teacher: 't1@oak-a.example', trust: 'ceo@oak.example' })) {
    const p = await db.prisma.person.findUniqueOrThrow({ where: { schoolId_email: { schoolId: school.id, email } } });
    actors[key] = { person: { id: p.id, schoolId: p.schoolId, fullName: p.fullName, email: p.email, role: p.role as Actor['person']['role'], active: true }, account: { platform: 'local', tenant: 'local', userId: p.id } };
  }
}, 120_000);
afterAll(() => db.drop());

function replies(outcome: CommandOutcome): Extract<OutgoingMessage, { type: 'text' }>[] {
  if (outcome.kind !== 'reply') throw new Error(`expected a reply, got ${outcome.kind}`);
  return outcome.messages.filter((m): m is Extract<OutgoingMessage, { type: 'text' }> => m.type === 'text');
}

/** The reply as it is sent: the files it names made (`prepare`). */
async function sent(outcome: CommandOutcome): Promise<Extract<OutgoingMessage, { type: 'text' }>[]> {
  if (outcome.kind !== 'reply') throw new Error(`expected a reply, got ${outcome.kind}`);
  return replies({ kind: 'reply', messages: await bot.prepare(outcome.messages) });
}

const actor = (key: string): Actor => actors[key] ?? (() => { throw new Error(key); })();

describe('report governors in chat (002 §36–39)', () => {
  for (const who of ['head', 'deputy']) {
    it(`002 §37, §18: the ${who === 'head' ? 'head' : 'PM deputy'} gets the school’s report as a PDF, a web page and a CSV, as files`, async () => {
      const messages = await sent(await bot.command(actor(who), 'report governors 2026', `r-${who}`));
      expect(messages.map((m) => m.attachment?.filename)).toEqual(['governors-report-oak-a-2026.pdf', 'governors-report-oak-a-2026.html', 'governors-report-oak-a-2026.csv']);
      const pdf = messages[0]?.attachment;
      expect(pdf?.encoding).toBe('base64');
      expect(pdf === undefined ? '' : attachmentBytes(pdf).subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(messages[0]?.text).toContain('Oak Academy');
    });
  }

  for (const who of ['teacher', 'leader']) {
    it(`002 §37, §18: a ${who === 'teacher' ? 'teacher' : 'middle leader'} is refused the governors’ report and gets no file`, async () => {
      const messages = replies(await bot.command(actor(who), 'report governors', `r-${who}`));
      expect(messages.map((m) => m.text)).toEqual([GOVERNORS_REPORT_REFUSED]);
      expect(messages.some((m) => m.attachment !== undefined)).toBe(false);
    });
  }

  it('002 §36, 003 §4.1: a trust leader gets each of the trust’s schools’ reports, side by side', async () => {
    const messages = await sent(await bot.command(actor('trust'), 'report governors 2026', 'r-trust'));
    expect(messages.flatMap((m) => (m.attachment?.filename.endsWith('.pdf') === true ? [m.attachment.filename] : []))).toEqual(['governors-report-oak-a-2026.pdf', 'governors-report-oak-b-2026.pdf']);
  });

  it('a year that is not one is answered in plain words', async () => {
    expect(parseGrowthCommand('report governors 2025/26')).toEqual({ kind: 'report-governors', year: 2025 });
    expect(replies(await bot.command(actor('head'), 'report governors last', 'r-bad')).map((m) => m.text)).toEqual(['“last” is not a year: say `report governors` for this year, or e.g. `report governors 2025` for 2025/26.']);
  });
});

describe('moderate in chat (002 §8)', () => {
  it('002 §8: the head gets a random sample of planning statements without names, and each read is in its owner’s access log', async () => {
    const head = actor('head');
    const before = await db.prisma.accessLog.count({ where: { viewerId: head.person.id } });
    const messages = replies(await bot.command(head, 'moderate 3', 'm-head'));
    expect(messages).toHaveLength(4);
    expect(messages[0]?.text).toMatch(/^A random sample of 3 of the \d+ planning statements/);
    const people = await db.prisma.person.findMany({ where: { school: { slug: 'oak-a' } }, select: { fullName: true, email: true } });
    const shown = messages.map((m) => m.text).join('\n');
    expect(people.filter((p) => shown.includes(p.fullName) || shown.includes(p.email))).toEqual([]);
    expect(messages.slice(1).map((m) => m.text.split('\n')[0]?.replace(/\(.*\)/, '()'))).toEqual(['*Plan A* ()', '*Plan B* ()', '*Plan C* ()']);
    const logged = await db.prisma.accessLog.findMany({ where: { viewerId: head.person.id, resource: 'growth-plan' }, select: { subjectId: true, reason: true } });
    expect(logged.length - before).toBe(3);
    expect(logged.filter((l) => !['head', 'reviewer'].includes(l.reason))).toEqual([]);
  });

  for (const who of ['deputy', 'teacher']) {
    it(`002 §8: moderation is the head’s; the ${who === 'deputy' ? 'PM deputy' : 'teacher'} is refused and nothing is read`, async () => {
      const messages = replies(await bot.command(actor(who), 'moderate', `m-${who}`));
      expect(messages.map((m) => m.text)).toEqual([MODERATION_REFUSED]);
      expect(await db.prisma.accessLog.count({ where: { viewerId: actor(who).person.id } })).toBe(0);
    });
  }

  it('samples without repeats, never more than there are', () => {
    const sample = sampleOf([1, 2, 3, 4, 5, 6], 4, () => 0.99);
    expect(new Set(sample).size).toBe(4);
    expect(sampleOf([1, 2], 5, () => 0)).toEqual([1, 2]);
  });
});
