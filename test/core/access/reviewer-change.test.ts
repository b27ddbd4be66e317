import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relationshipsOn } from '../../../src/core/access/relationships.ts';
import { ReviewerChanges } from '../../../src/core/access/reviewer-changes.ts';
import type { Actor, KnownPerson } from '../../../src/core/bot/bot-ports.ts';
import { growthHelp, parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { staffingStatus } from '../../../src/core/people/staffing-status.ts';
import { PolicySchema } from '../../../src/core/policy/policy-schema.ts';
import { getPreset } from '../../../src/core/policy/presets/index.ts';
import type { Clock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { PrismaReviewerChangeStore } from '../../../src/storage/prisma/prisma-reviewer-changes.ts';
import { queuedNotifications } from '../../support/queued-notifications.ts';
import { storageBot } from '../../support/records-bot.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { knownPerson } from '../reports/report-fixture.ts';

let db: TestDatabase;
let bot: TrellisBot;
const current = new Date('2026-11-23T10:00:00Z');
const clock: Clock = { now: () => new Date(current) };
/** Who was told what, read back from the notifications queued in the outbox after each command. */
const sent: { personId: string; text: string }[] = [];
const seenKeys = new Set<string>();
const people: Record<string, KnownPerson> = {};
const ids: Record<string, string> = {};

async function seed(preset: string, prefix: string, withReviewerHead = false): Promise<void> {
  const s = await seedSchool(db.prisma, preset, [
    { key: `${prefix}hana`, fullName: `${prefix} Hana Head`, role: 'headteacher', obligations: [] },
    { key: `${prefix}dev`, fullName: `${prefix} Dev Deputy`, role: 'leader', flags: ['pm-deputy'], lineManager: `${prefix}hana`, obligations: [] },
    { key: `${prefix}max`, fullName: `${prefix} Max Manager`, role: 'leader', lineManager: `${prefix}hana`, obligations: [] },
    { key: `${prefix}rita`, fullName: `${prefix} Rita Reviewer`, role: 'leader', lineManager: `${prefix}hana`, obligations: [] },
    { key: `${prefix}tom`, fullName: `${prefix} Tom Tlr`, role: 'teacher', flags: ['tlr'], lineManager: `${prefix}max`, obligations: [] },
    {
      key: `${prefix}tess`,
      fullName: `${prefix} Tess Teacher`,
      role: 'teacher',
      lineManager: withReviewerHead ? `${prefix}hana` : `${prefix}max`,
      obligations: [
        { kind: 'plan-agreed', dueOn: '2026-10-30', ownerRole: 'reviewer', status: 'done' },
        { kind: 'check-in', dueOn: '2027-02-12', ownerRole: 'reviewer' },
        { kind: 'self-reflection', dueOn: '2026-10-15', ownerRole: 'reviewee', status: 'done' },
      ],
    },
  ]);
  for (const [key, id] of Object.entries(s.ids)) {
    ids[key] = id;
    people[key] = await knownPerson(db.prisma, id);
  }
  const manager = withReviewerHead ? `${prefix}hana` : `${prefix}max`;
  // What `import roster` writes for the line manager column.
  await db.prisma.reviewerAssignment.create({ data: { revieweeId: ids[`${prefix}tess`]!, reviewerId: ids[manager]!, kind: 'reviewer', startsOn: new Date('2026-09-01'), reason: 'roster' } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await seed('thomas-alleyne', 'A');
  await seed('whmat', 'W');
  await seed('kingsmead', 'K');
  await seed('thomas-alleyne', 'H', true);
  await seed('thomas-alleyne', 'S');
  await seed('whmat', 'V');
  const _reads = new PrismaReportReads(db.prisma);
  const _access = prismaAccess(db.prisma);
  bot = storageBot(db.prisma, clock, { reviewerChanges: new ReviewerChanges({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaReviewerChangeStore(db.prisma) }) });
});
afterAll(() => db.drop());

let turn = 0;
async function say(who: string, text: string): Promise<string> {
  const actor: Actor = { person: people[who]!, account: { platform: 'local', tenant: 'local', userId: people[who]!.id } };
  const outcome = await bot.command(actor, text, `m-${turn++}`);
  for (const queued of await queuedNotifications(db.prisma, 'notify:reviewer-change:')) {
    if (seenKeys.has(queued.key)) continue;
    seenKeys.add(queued.key);
    sent.push({ personId: queued.personId, text: queued.messages.map(messageText).join('\n') });
  }
  return outcome.kind === 'reply' ? outcome.messages.map(messageText).join('\n') : `(dialog ${outcome.dialogId})`;
}

function codeIn(text: string): string {
  const code = /`replace-reviewer ([0-9A-F]{6}) NAME`/.exec(text)?.[1];
  if (code === undefined) throw new Error(`no request code in: ${text}`);
  return code;
}

async function reviewerOf(key: string): Promise<{ id: string; basis: string } | undefined> {
  const [facts] = await new PrismaPeopleFacts(db.prisma).factsOf([ids[key]!]);
  return relationshipsOn(facts!, '2026-11-23').reviewer;
}

describe('asking for another reviewer (002 §27–29, 004 §3.10)', () => {
  it('002 §27–29: a teacher asks the head in writing with reasons; the head names a replacement; the reviewee, the new and the old reviewer are told; the cycle does not begin again', async () => {
    expect(await say('Atess', 'change-reviewer')).toMatch(/^Please give your reasons, e\.g\. `change-reviewer/);
    sent.length = 0;
    expect(await say('Atess', 'change-reviewer we teach different key stages')).toMatch(/^Your request for a different reviewer has gone to the head to decide\. You will be told what is decided/);
    // The head and the PM deputy are asked; the reviewer it is about is not, nor told the reasons.
    expect(sent.map((n) => n.personId).sort()).toEqual([ids.Ahana!, ids.Adev!].sort());
    expect(sent[0]!.text).toMatch(/^A Tess Teacher asks for their reviewer, A Max Manager, to be replaced, because: “we teach different key stages”/);
    const code = codeIn(sent[0]!.text);
    expect(await say('Amax', `replace-reviewer ${code} A Rita Reviewer`)).toMatch(/^There is no request `[0-9A-F]{6}` waiting for you/);
    expect(await say('Ahana', 'reviewer-requests')).toContain(`\`${code}\` — A Tess Teacher asks to replace A Max Manager: “we teach different key stages”`);
    expect(await say('Ahana', `replace-reviewer ${code} A Tess Teacher`)).toBe('A Tess Teacher cannot review themselves; please name someone else.');
    sent.length = 0;
    expect(await say('Ahana', `replace-reviewer ${code} A Rita Reviewer`)).toMatch(/^Done: A Rita Reviewer reviews A Tess Teacher from today\. The cycle carries on/);
    expect(sent.find((n) => n.personId === ids.Atess)?.text).toMatch(/^A Hana Head agreed to your request: A Rita Reviewer is your reviewer from Mon 23 Nov\. The cycle carries on/);
    expect(sent.find((n) => n.personId === ids.Arita)?.text).toMatch(/^A Hana Head has made you A Tess Teacher’s reviewer from Mon 23 Nov, in place of A Max Manager/);
    expect(sent.find((n) => n.personId === ids.Amax)?.text).toMatch(/^A Rita Reviewer is A Tess Teacher’s reviewer from Mon 23 Nov/);
    expect(sent.find((n) => n.personId === ids.Amax)?.text).not.toContain('key stages');

    // Recorded as a replacement reviewer assignment, which the one relationships rule ranks first.
    expect(await reviewerOf('Atess')).toEqual({ id: ids.Arita, basis: 'delegated' });
    const rows = await db.prisma.reviewerAssignment.findMany({ where: { revieweeId: ids.Atess! }, orderBy: { startsOn: 'asc' } });
    expect(rows.map((r) => [r.reviewerId, r.reason, r.endsOn])).toEqual([
      [ids.Amax, 'roster', null],
      [ids.Arita, 'replacement on request (002 §25–29)', null],
    ]);
    // 002 §29: nothing begins again — the done items stay done and owned as they were; the open one passes to the new reviewer.
    const obligations = await db.prisma.obligation.findMany({ where: { personId: ids.Atess! }, orderBy: { dueOn: 'asc' } });
    expect(obligations.map((o) => [o.kind, o.status, o.ownerPersonId])).toEqual([
      ['self-reflection', 'done', ids.Atess],
      ['plan-agreed', 'done', ids.Amax],
      ['check-in', 'open', ids.Arita],
    ]);
    expect(await db.prisma.cycle.count({ where: { personId: ids.Atess! } })).toBe(1);
    expect(await say('Ahana', `replace-reviewer ${code} A Rita Reviewer`)).toMatch(/^There is no request/);
  });

  it('004 §3.10: the nominated officer declines a request and the reasons are explained to the colleague in writing; the appraiser stays', async () => {
    sent.length = 0;
    expect(await say('Wtess', 'change-reviewer I have raised a grievance about my appraiser')).toMatch(/^Your request for a different reviewer has gone to the head to decide\. /);
    const code = codeIn(sent[0]!.text);
    expect(await say('Wdev', `keep-reviewer ${code}`)).toMatch(/^Please give the reason for declining/);
    sent.length = 0;
    expect(await say('Wdev', `keep-reviewer ${code} the grievance was resolved and a second observer will join each check-in`)).toBe('Declined. W Tess Teacher has been told your reason.');
    expect(sent).toEqual([
      {
        personId: ids.Wtess,
        text: 'W Dev Deputy considered your request for a different reviewer and did not uphold it, because: “the grievance was resolved and a second observer will join each check-in”.',
      },
    ]);
    expect(await reviewerOf('Wtess')).toEqual({ id: ids.Wmax, basis: 'line-manager' });
    expect(await db.prisma.reviewerChangeRequest.findFirstOrThrow({ where: { revieweeId: ids.Wtess! } })).toMatchObject({ status: 'declined', decidedById: ids.Wdev, decisionNote: 'the grievance was resolved and a second observer will join each check-in' });
  });

  it('002 §27: a request never goes to the reviewer it is about — with the head as reviewer, only the PM deputy decides', async () => {
    sent.length = 0;
    await say('Htess', 'change-reviewer we have a conflict of interest');
    expect(sent.map((n) => n.personId)).toEqual([ids.Hdev]);
    expect(await say('Hhana', 'reviewer-requests')).toBe('No requests for a different reviewer are waiting for you.');
  });

  it('002 §28: a replacement who is not the line manager must have an equivalent or higher status than the line manager; a TLR holder under a senior-leader line manager is refused plainly, a senior leader is accepted', async () => {
    sent.length = 0;
    await say('Stess', 'change-reviewer we teach different key stages');
    const code = codeIn(sent[0]!.text);
    expect(await say('Shana', `replace-reviewer ${code} S Tom Tlr`)).toBe(
      'S Tom Tlr can’t be S Tess Teacher’s reviewer: a replacement reviewer must have an equivalent or higher status in the staffing structure than S Tess Teacher’s line manager, S Max Manager (a senior leader), and the staff list has S Tom Tlr as a TLR holder. Please name someone of at least that status, the line manager, or the head.',
    );
    // Refused before anything is stored: the request still waits and the reviewer is unchanged.
    expect(await reviewerOf('Stess')).toEqual({ id: ids.Smax, basis: 'line-manager' });
    expect(await say('Shana', 'reviewer-requests')).toContain(`\`${code}\``);
    expect(await say('Shana', `replace-reviewer ${code} S Rita Reviewer`)).toMatch(/^Done: S Rita Reviewer reviews S Tess Teacher from today/);
    expect(await reviewerOf('Stess')).toEqual({ id: ids.Srita, basis: 'delegated' });
  });

  it('004 §3.10 has no status rule (unlike 002 §28): the nominated officer may name a TLR holder', async () => {
    sent.length = 0;
    await say('Vtess', 'change-reviewer we teach different key stages');
    const code = codeIn(sent[0]!.text);
    expect(await say('Vdev', `replace-reviewer ${code} V Tom Tlr`)).toMatch(/^Done: V Tom Tlr reviews V Tess Teacher from today/);
    expect(await reviewerOf('Vtess')).toEqual({ id: ids.Vtom, basis: 'delegated' });
  });

  it('002 §28: status in the staffing structure is read from the roster’s role and flags, support staff lowest and trust leaders highest', () => {
    const ranks = [
      staffingStatus({ role: 'support', flags: [] }),
      staffingStatus({ role: 'teaching-assistant', flags: [] }),
      staffingStatus({ role: 'teacher', flags: [] }),
      staffingStatus({ role: 'teacher', flags: ['tlr'] }),
      staffingStatus({ role: 'teacher', flags: ['leadership-scale'] }),
      staffingStatus({ role: 'leader', flags: [] }),
      staffingStatus({ role: 'headteacher', flags: [] }),
      staffingStatus({ role: 'trust-leader', flags: [] }),
    ];
    expect(ranks.map((s) => [s.rank, s.name])).toEqual([
      [0, 'support staff'],
      [0, 'support staff'],
      [1, 'a teacher'],
      [2, 'a TLR holder'],
      [3, 'a senior leader'],
      [3, 'a senior leader'],
      [4, 'the head'],
      [5, 'a trust leader'],
    ]);
  });

  it('001 makes no provision for asking for another reviewer, so the request is refused plainly and nothing is stored', async () => {
    expect(await say('Ktess', 'change-reviewer personal reasons')).toBe('Your school’s policy does not provide for asking for a different reviewer, so there is nothing to ask for. Please talk to your line manager.');
    expect(await db.prisma.reviewerChangeRequest.count({ where: { revieweeId: ids.Ktess! } })).toBe(0);
  });

  it('002 §29: a policy that says a change of reviewer restarts the cycle is refused, named at its path', () => {
    const policy = structuredClone(getPreset('thomas-alleyne')!);
    const result = PolicySchema.safeParse({ ...policy, reviewers: { ...policy.reviewers, changingReviewerRestartsCycle: true } });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['reviewers.changingReviewerRestartsCycle', 'Trellis never restarts a cycle when the reviewer changes (002 §29: "a performance management cycle will not begin again"); set it to false'],
    ]);
  });

  it('002 §27, 004 §3.10: the commands parse alike in every channel and are in help', () => {
    expect(parseGrowthCommand('/growth change-reviewer we clash')).toEqual({ kind: 'change-reviewer', reason: 'we clash' });
    expect(parseGrowthCommand('reviewer-requests')).toEqual({ kind: 'reviewer-requests' });
    expect(parseGrowthCommand('replace-reviewer AB12CD Rita Reviewer')).toEqual({ kind: 'decide-reviewer', decision: 'replace', code: 'AB12CD', rest: 'Rita Reviewer' });
    expect(parseGrowthCommand('keep-reviewer AB12CD no reason to')).toEqual({ kind: 'decide-reviewer', decision: 'keep', code: 'AB12CD', rest: 'no reason to' });
    expect(growthHelp('', { leader: false })).toContain('`change-reviewer REASONS`');
    expect(growthHelp('', { leader: true })).toContain('`replace-reviewer CODE NAME`');
  });
});
