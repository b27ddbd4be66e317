import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessRequests } from '../../../src/core/access/access-requests.ts';
import type { Actor, KnownPerson, PlatformAccount } from '../../../src/core/bot/bot-ports.ts';
import { growthHelp, parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { messageText, type OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import type { Deliverer, DigestRecipient, MessageSender } from '../../../src/core/reminders/reminder-ports.ts';
import type { Clock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from '../../../src/storage/prisma/prisma-access-requests.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { storageBot } from '../../support/records-bot.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { jobDepsFor } from '../reminders/support/job-runs.ts';
import { knownPerson } from '../reports/report-fixture.ts';

let db: TestDatabase;
let s: SeededSchool;
let bot: TrellisBot;
let current = new Date('2026-11-23T10:00:00Z');
const clock: Clock = { now: () => new Date(current) };
const sent: { personId: string; text: string }[] = [];
/** The job engine's end of the router: what each queued notification delivered said, and to whom. */
const messenger: MessageSender = {
  sendMessages: async (recipient: DigestRecipient, messages: readonly OutgoingMessage[]) => {
    sent.push({ personId: recipient.id, text: messages.map(messageText).join('\n') });
    return { ok: true };
  },
  sendToAccount: async (personId: string, _account: PlatformAccount, messages: readonly OutgoingMessage[]) => {
    sent.push({ personId, text: messages.map(messageText).join('\n') });
    return { ok: true };
  },
};
const nothingElse: Deliverer = { deliver: () => Promise.reject(new Error('no digests in these tests')) };
const people: Record<string, KnownPerson> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'hana', fullName: 'Hana Head', role: 'headteacher', obligations: [] },
    { key: 'dev', fullName: 'Dev Deputy', role: 'leader', flags: ['pm-deputy'], lineManager: 'hana', obligations: [] },
    { key: 'max', fullName: 'Max Manager', role: 'teacher', lineManager: 'hana', obligations: [] },
    { key: 'rita', fullName: 'Rita Reviewer', role: 'teacher', lineManager: 'hana', obligations: [] },
    { key: 'pia', fullName: 'Pia Peer', role: 'teacher', lineManager: 'hana', obligations: [] },
    { key: 'tess', fullName: 'Tess Teacher', role: 'teacher', lineManager: 'max', obligations: [] },
  ]);
  await db.prisma.reviewerAssignment.create({ data: { revieweeId: s.ids.tess!, reviewerId: s.ids.rita!, kind: 'reviewer', startsOn: new Date('2026-09-01'), reason: 'delegated by the head (002 §25)' } });
  const plan = await db.prisma.growthPlan.create({ data: { cycleId: s.cycles.tess!, personId: s.ids.tess!, status: 'agreed' } });
  await db.prisma.planGoal.create({ data: { planId: plan.id, position: 0, kind: 'smart-target', title: 'Raise Year 9 practical scores' } });
  const reads = new PrismaReportReads(db.prisma);
  const access = prismaAccess(db.prisma);
  bot = storageBot(db.prisma, clock, { access: new AccessRequests({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaAccessRequestStore(db.prisma), guard: access.guard, reads }) });
  for (const key of Object.keys(s.ids)) people[key] = await knownPerson(db.prisma, s.ids[key]!);
});
afterAll(() => db.drop());

let turn = 0;
async function say(who: string, text: string): Promise<string> {
  const actor: Actor = { person: people[who]!, account: { platform: 'local', tenant: 'local', userId: people[who]!.id } };
  const outcome = await bot.command(actor, text, `m-${turn++}`);
  // What the server's job worker does next: deliver whatever the command queued for other people.
  await runDueJobs(db.url, jobDepsFor(db.prisma, nothingElse, clock, messenger));
  return outcome.kind === 'reply' ? outcome.messages.map(messageText).join('\n') : `(dialog ${outcome.dialogId})`;
}

function codeIn(text: string): string {
  const code = /`grant ([0-9A-F]{6})`/.exec(text)?.[1];
  if (code === undefined) throw new Error(`no request code in: ${text}`);
  return code;
}

describe('access on request (002 §18)', () => {
  it('002 §18: a line manager who is not the reviewer cannot read the plan, asks with a reason, the head grants it for a period, both are told, the read is logged and the grant expires', async () => {
    expect(await say('max', 'see-plan Tess Teacher')).toMatch(/^You can’t see Tess Teacher’s plan: only the person, their reviewer and the head/);
    expect(await say('max', 'request-access Tess Teacher')).toMatch(/^Please say whose plan and why/);
    sent.length = 0;
    expect(await say('max', 'request-access Tess Teacher: to plan her timetable support')).toMatch(/has gone to the head to decide\. /);
    expect(sent.map((n) => n.personId).sort()).toEqual([s.ids.hana!, s.ids.dev!].sort());
    const code = codeIn(sent[0]!.text);
    expect(sent[0]!.text).toMatch(/^Max Manager \(line manager\) asks to see Tess Teacher’s growth plan, because: “to plan her timetable support”/);
    expect(await say('pia', `grant ${code}`)).toMatch(/^There is no request `[0-9A-F]{6}` waiting for you/);
    expect(await say('hana', 'access-requests')).toContain(`\`${code}\` — Max Manager asks to see Tess Teacher’s plan: “to plan her timetable support”`);
    sent.length = 0;
    expect(await say('hana', `grant ${code} 10`)).toBe('Granted until Thu 3 Dec. Max Manager and Tess Teacher have been told.');
    expect(sent.find((n) => n.personId === s.ids.max)?.text).toMatch(/^Hana Head granted you access to Tess Teacher’s growth plan until Thu 3 Dec/);
    expect(sent.find((n) => n.personId === s.ids.tess)?.text).toMatch(/^Max Manager, your line manager, asked to see your growth plan, because: “to plan her timetable support”\. Hana Head granted it until Thu 3 Dec\. /);
    expect(await db.prisma.accessGrant.findFirstOrThrow({ where: { subjectId: s.ids.tess! } })).toMatchObject({ status: 'granted', grantedById: s.ids.hana, notifiedAt: current });
    expect(await say('hana', `grant ${code}`)).toMatch(/^There is no request/);

    const plan = await say('max', 'see-plan Tess');
    expect(plan).toContain('Goal 1: Raise Year 9 practical scores');
    const log = await db.prisma.accessLog.findFirstOrThrow({ where: { viewerId: s.ids.max!, subjectId: s.ids.tess! } });
    expect(log).toMatchObject({ resource: 'growth-plan', reason: 'access-grant' });
    expect(log.grantId).not.toBeNull();
    expect(await say('tess', 'who-has-seen')).toContain('Max Manager saw your growth plan with access the head granted on request');
    expect((await bot.home(people.tess!)).seenBy?.map((l) => l.text)).toContain('Max Manager saw your growth plan with access the head granted on request');

    current = new Date('2026-12-04T10:00:00Z');
    expect(await say('max', 'see-plan Tess')).toMatch(/^You can’t see Tess Teacher’s plan: only the person, their reviewer and the head/);
    current = new Date('2026-11-23T10:00:00Z');
  });

  it('002 §18: the PM deputy refuses with a reason; the line manager is told the reason and the reviewee who asked and what was decided', async () => {
    sent.length = 0;
    await say('max', 'request-access Tess Teacher: to cover her classes');
    const code = codeIn(sent[0]!.text);
    expect(await say('dev', `refuse ${code}`)).toMatch(/^Please give the reason for refusing/);
    sent.length = 0;
    expect(await say('dev', `refuse ${code} her reviewer can share what is needed`)).toBe('Refused. Max Manager and Tess Teacher have been told.');
    expect(sent.find((n) => n.personId === s.ids.max)?.text).toBe('Dev Deputy refused your request to see Tess Teacher’s growth plan: “her reviewer can share what is needed”.');
    expect(sent.find((n) => n.personId === s.ids.tess)?.text).toMatch(/^Max Manager, your line manager, asked to see your growth plan, because: “to cover her classes”\. Dev Deputy refused it/);
  });

  it('002 §18: only a line manager asks, never the reviewer (who already reads it) or a colleague', async () => {
    expect(await say('rita', 'request-access Tess Teacher: curious')).toMatch(/^I can’t find “Tess Teacher” among the people you line-manage/);
    expect(await say('pia', 'request-access Tess Teacher: curious')).toMatch(/^I can’t find “Tess Teacher” among the people you line-manage/);
    expect(await say('rita', 'see-plan Tess Teacher')).toContain('Goal 1: Raise Year 9 practical scores');
  });

  it('a policy without access on request (001, 003, 004) says so rather than sending a request', async () => {
    const k = await seedSchool(db.prisma, 'kingsmead', [
      { key: 'kh', fullName: 'Kay Head', role: 'headteacher', obligations: [] },
      { key: 'km', fullName: 'Ken Manager', role: 'teacher', lineManager: 'kh', obligations: [] },
      { key: 'kt', fullName: 'Kit Teacher', role: 'teacher', lineManager: 'km', obligations: [] },
    ]);
    await db.prisma.reviewerAssignment.create({ data: { revieweeId: k.ids.kt!, reviewerId: k.ids.kh!, kind: 'reviewer', startsOn: new Date('2026-09-01'), reason: 'delegated' } });
    people.km = await knownPerson(db.prisma, k.ids.km!);
    expect(await say('km', 'request-access Kit Teacher: to plan')).toBe('Your school’s policy does not provide for line managers to see plans on request, so there is nothing to ask for.');
  });

  it('the commands are parsed the same in every channel and listed in help', () => {
    expect(parseGrowthCommand('/growth who-has-seen')).toEqual({ kind: 'who-has-seen' });
    expect(parseGrowthCommand('who has seen my records?')).toEqual({ kind: 'who-has-seen' });
    expect(parseGrowthCommand('grant AB12CD 10')).toEqual({ kind: 'decide-access', decision: 'granted', code: 'AB12CD', rest: '10' });
    expect(parseGrowthCommand('request-access Tess: because')).toEqual({ kind: 'request-access', text: 'Tess: because' });
    const help = growthHelp('/growth ', { leader: false });
    expect(help).toContain('`/growth who-has-seen`');
    expect(help).toContain('`/growth request-access NAME: REASON`');
  });
});
