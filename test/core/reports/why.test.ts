import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';
import { TrellisBot, type TrellisBotDeps } from '../../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { SEE_WHO_ACTION } from '../../../src/core/reminders/compose-digest.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { CycleReports } from '../../../src/core/reports/cycle-reports.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson, NOW, seedReportSchools } from './report-fixture.ts';

let db: TestDatabase;
let a: SeededSchool;
let reports: CycleReports;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ a } = await seedReportSchools(db.prisma));
  reports = new CycleReports(new PrismaReportReads(db.prisma), prismaAccess(db.prisma));
});
afterAll(() => db.drop());

describe('`why`: the policy paragraph behind the next item, which other messages leave out', () => {
  it('is a command in every channel', () => {
    expect(parseGrowthCommand('why')).toEqual({ kind: 'why' });
    expect(parseGrowthCommand('/growth why?')).toEqual({ kind: 'why' });
  });

  it('names the teacher’s next item with a readable date, then the paragraph and the rule behind it', async () => {
    const next = await db.prisma.obligation.findFirst({ where: { cycleId: a.cycles.tia!, status: 'open' }, orderBy: { dueOn: 'asc' } });
    const [message, ...rest] = await reports.why(await knownPerson(db.prisma, a.ids.tia!), NOW);
    expect(rest).toEqual([]);
    expect(messageText(message!)).toBe(
      `Your next item is “${next!.label}”, overdue since Fri 30 Oct (24 days). Why: ${next!.rule} of your school’s growth policy, the rule “${next!.label}”. If it doesn’t seem right for you, talk to your reviewer, or press Not applicable on its reminder and say why.`,
    );
  });

  it('gives a manager the rule behind what they owe next for a reviewee, naming whose it is', async () => {
    const [message] = await reports.why(await knownPerson(db.prisma, a.ids.mo!), NOW);
    expect(messageText(message!)).toMatch(/^Your next item is “Autumn check-in” for Sam Scholar, overdue since Fri 20 Nov \(3 days\)\. Why: \S+ of your school’s growth policy, the rule “Autumn check-in”\./);
  });
});

describe('“See who” on a head’s escalation summary (Brief "Who uses it"; names only to those entitled, 002 §18)', () => {
  it('runs `overdue` for the person who pressed it, exactly as typing it does', async () => {
    const bot = new TrellisBot({ reports, dialogs: ALL_DIALOGS, clock: fixedClock(NOW) } as unknown as TrellisBotDeps);
    const head = await knownPerson(db.prisma, a.ids.head!);
    const actor: Actor = { person: head, account: { platform: 'local', tenant: 'T-why', userId: 'head' } };
    const pressed = await bot.act(actor, SEE_WHO_ACTION);
    const typed = await bot.command(actor, 'overdue', 'typed-overdue');
    expect(pressed.kind).toBe('reply');
    expect(typed.kind).toBe('reply');
    if (pressed.kind !== 'reply' || typed.kind !== 'reply') return;
    expect(pressed.messages.map(messageText)).toEqual(typed.messages.map(messageText));
    expect(pressed.messages.map(messageText).join('\n')).toContain('Sam Scholar');
  });
});
