// `/growth my-records` and `/growth delete-expired` through the bot, on real PostgreSQL (002 §44:
// access to one's personnel file and "the deletion of time-expired records").
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { growthHelp, parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';
import type { CommandOutcome, TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import type { Effect } from '../../../src/core/bot/turn-flow.ts';
import { attachmentBytes, type OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runTrellisWith } from '../../support/run-cli.ts';
import { seedEveryRecord } from '../../support/seed-every-record.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { recordsBot } from '../../support/records-bot.ts';
import { pdfText } from '../reports/governors-year.ts';

const TERMS = join(import.meta.dirname, '../../../config/terms/england-2026-28.yaml');
let db: TestDatabase;
let bot: TrellisBot;
let actor: Actor;

beforeAll(async () => {
  db = await createTestDatabase();
  const set = await runTrellisWith({ databaseUrl: db.url }, 'school', 'set', 'alleyne', '--policy', 'thomas-alleyne', '--terms', TERMS, '--name', 'Thomas Alleyne');
  if (set.code !== 0) throw new Error(set.stderr);
  const school = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'alleyne' } });
  const head = await db.prisma.person.create({ data: { schoolId: school.id, email: 'head@alleyne.example', fullName: 'Ada Head', role: 'headteacher' } });
  const tia = await db.prisma.person.create({ data: { schoolId: school.id, email: 'tia@alleyne.example', fullName: 'Tia Teacher', role: 'teacher', lineManagerId: head.id } });
  await seedEveryRecord(db.prisma, { schoolId: school.id, personId: tia.id, otherId: head.id, year: 2018, text: 'old diary' });
  await seedEveryRecord(db.prisma, { schoolId: school.id, personId: tia.id, otherId: head.id, year: 2025, text: 'this year’s diary' });
  const clock = fixedClock('2026-11-30T10:00:00Z');
  bot = recordsBot(db.prisma, clock);
  actor = {
    person: { id: tia.id, schoolId: school.id, fullName: tia.fullName, email: tia.email, role: 'teacher', active: true },
    account: { platform: 'local', tenant: 'local', userId: tia.id },
  };
});
afterAll(() => db.drop());

function replies(outcome: CommandOutcome): OutgoingMessage[] {
  if (outcome.kind !== 'reply') throw new Error(`expected a reply, got ${outcome.kind}`);
  return outcome.messages;
}

/** The reply as it is sent: the files it names made (`prepare`). */
async function sent(outcome: CommandOutcome): Promise<OutgoingMessage[]> {
  return bot.prepare(replies(outcome));
}

describe('/growth my-records and delete-expired (002 §44)', () => {
  it('002 §44: the words are parsed in every channel and listed in help', () => {
    expect(parseGrowthCommand('/growth my-records')).toEqual({ kind: 'my-records' });
    expect(parseGrowthCommand('my records')).toEqual({ kind: 'my-records' });
    expect(parseGrowthCommand('delete-expired')).toEqual({ kind: 'delete-expired', confirmed: false });
    expect(parseGrowthCommand('delete-expired yes')).toEqual({ kind: 'delete-expired', confirmed: true });
    const help = growthHelp('/growth ', { leader: false });
    expect(help).toContain('`/growth my-records`');
    expect(help).toContain('`/growth delete-expired`');
  });

  it('002 §44: my-records sends the person the readable document as a PDF and as a web page, and the JSON file, as attachments', async () => {
    const messages = await sent(await bot.command(actor, 'my-records', 'm1'));
    const files = messages.flatMap((m) => (m.type === 'text' && m.attachment !== undefined ? [m.attachment] : []));
    expect(files.map((f) => f.filename)).toEqual(['trellis-records-tia-teacher-2026-11-30.pdf', 'trellis-records-tia-teacher-2026-11-30.html', 'trellis-records-tia-teacher-2026-11-30.json']);
    expect(files[0]).toMatchObject({ contentType: 'application/pdf', encoding: 'base64' });
    expect(await pdfText(new Uint8Array(attachmentBytes(files[0]!)))).toContain('this year’s diary');
    expect(files[1]?.content).toContain('this year’s diary');
    const json = JSON.parse(files[2]?.content ?? '{}') as { subject: { id: string }; tables: { cycles: unknown[] } };
    expect(json.subject.id).toBe(actor.person.id);
    expect(json.tables.cycles).toHaveLength(2);
  });

  it('002 §44, §18: the turn names the files without making them, and they are made only for the person they were named for (the job engine passes whom the reply goes to)', async () => {
    const named = replies(await bot.command(actor, 'my-records', 'm1-named'));
    expect(named).toEqual([expect.objectContaining({ type: 'text', make: { kind: 'my-records', personId: actor.person.id, askedAt: '2026-11-30T10:00:00.000Z' } })]);
    const withFiles = (messages: readonly OutgoingMessage[]) => messages.filter((m) => m.type === 'text' && m.attachment !== undefined).length;
    expect(withFiles(named)).toBe(0);
    expect(withFiles(await bot.prepare(named, 'someone-else'))).toBe(0);
    expect(withFiles(await bot.prepare(named, actor.person.id))).toBe(3);
  });

  it('002 §44: files made the next day (the job engine sending a reply after a crash) are named for the day they were asked for, so a platform look-up finds those already sent', async () => {
    const named = replies(await bot.command(actor, 'my-records', 'm1-next-day'));
    const later = recordsBot(db.prisma, fixedClock('2026-12-01T09:00:00Z'));
    const made = await later.prepare(named, actor.person.id);
    expect(made.flatMap((m) => (m.type === 'text' && m.attachment !== undefined ? [m.attachment.filename] : []))).toEqual(['pdf', 'html', 'json'].map((ext) => `trellis-records-tia-teacher-2026-11-30.${ext}`));
  });

  it('002 §44: in the turn flow each file of my-records is a `file` effect after the reply, carrying the same bytes, and the reply keeps its words', async () => {
    const messages = await sent(await bot.command(actor, 'my-records', 'm1-flow'));
    const named = await bot.commandFlow(actor, 'my-records', 'm1-flow-effects', { openThread: async () => ({ threadKey: 'unused', messageId: 'unused' }) });
    // The turn names the files; they are made as the reply is rendered, after the platform's answer.
    expect(named.map((e) => e.kind)).toEqual(['reply']);
    const effects: Effect[] = [];
    await bot.render(named, { render: async (effect) => void effects.push(effect) });
    expect(effects.map((e) => e.kind)).toEqual(['reply', 'file', 'file', 'file']);
    const [reply, ...files] = effects as [Extract<Effect, { kind: 'reply' }>, ...Extract<Effect, { kind: 'file' }>[]];
    expect(reply.messages.some((m) => m.type === 'text' && m.attachment !== undefined)).toBe(false);
    // Each export is itself recorded (who read the records), so the first line's count moves on by one.
    expect(reply.messages.slice(1).map((m) => m.type === 'text' && m.text)).toEqual(messages.slice(1).map((m) => m.type === 'text' && m.text));
    const expected = messages.flatMap((m) => (m.type === 'text' && m.attachment !== undefined ? [m.attachment] : []));
    expect(files.map((f) => f.file.filename)).toEqual(expected.map((f) => f.filename));
    const json = JSON.parse(files[2]!.file.content) as { subject: { id: string }; tables: { cycles: unknown[] } };
    expect([files[0]!.file.contentType, files[0]!.file.encoding, json.subject.id, json.tables.cycles.length]).toEqual(['application/pdf', 'base64', actor.person.id, 2]);
    expect(await pdfText(new Uint8Array(attachmentBytes(files[0]!.file)))).toContain('this year’s diary');
    expect(files[1]!.file.content).toContain('this year’s diary');
  });

  it('002 §44: delete-expired first says what would go and changes nothing, then deletes only the expired records once confirmed', async () => {
    const asked = replies(await bot.command(actor, 'delete-expired', 'm2'));
    expect(asked[0]?.type === 'text' && asked[0].text).toMatch(/^\d+ of your records have run out their retention period of 6 years after the end of the academic year: .*Type `delete-expired yes`/);
    expect(await db.prisma.cycle.count({ where: { personId: actor.person.id } })).toBe(2);
    const done = replies(await bot.command(actor, 'delete-expired yes', 'm3'));
    expect(done[0]?.type === 'text' && done[0].text).toMatch(/^Deleted \d+ of your time-expired records/);
    expect((await db.prisma.cycle.findMany({ where: { personId: actor.person.id } })).map((c) => c.academicYear)).toEqual([2025]);
    expect(await db.prisma.deletionLog.count({ where: { subjectPersonId: actor.person.id, reason: 'request' } })).toBeGreaterThan(10);
    const again = replies(await bot.command(actor, 'delete-expired', 'm4'));
    expect(again[0]?.type === 'text' && again[0].text).toContain('nothing to delete');
  });
});
