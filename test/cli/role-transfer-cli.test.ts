import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText } from '../../src/core/conversations/engine/outgoing-message.ts';
import { queuedNotifications } from '../support/queued-notifications.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { CycleRestarts } from '../../src/core/roster/cycle-restart.ts';
import { TrellisBot, type TrellisBotDeps } from '../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../src/core/conversations/dialogs/all-dialogs.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaPeopleFacts } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaCycleRestarts } from '../../src/storage/prisma/prisma-cycle-restarts.ts';
import { knownPerson } from '../core/reports/report-fixture.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let dir: string;
/** Thursday 11 February 2027, the week before February half term. */
const trellis = (at: string, ...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at }, ...argv);

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-transfer-'));
});
afterAll(() => db.drop());

async function personId(email: string): Promise<string> {
  return (await db.prisma.person.findFirstOrThrow({ where: { email } })).id;
}

async function moveTara(slug: string, policy: string, extraRows = ''): Promise<{ stdout: string; file: string }> {
  expect((await trellis('2026-09-07T09:00:00Z', 'school', 'set', slug, '--policy', policy, '--terms', TERMS)).stderr).toBe('');
  const roster = ((await readFile(ROSTER, 'utf8')) + extraRows).replaceAll('@school.example', `@${slug}.example`);
  const first = join(dir, `${slug}-1.csv`);
  await writeFile(first, roster);
  expect((await trellis('2026-09-07T09:00:00Z', 'import', 'roster', first, '--school', slug)).code).toBe(0);
  const file = join(dir, `${slug}-2.csv`);
  await writeFile(file, roster.replace(`t1@${slug}.example,Tara One,teacher,hod.maths@${slug}.example`, `t1@${slug}.example,Tara One,teacher,deputy@${slug}.example`));
  const { code, stdout } = await trellis('2027-02-11T09:00:00Z', 'import', 'roster', file, '--school', slug);
  expect(code).toBe(0);
  return { stdout, file };
}

/** Who was told about a move, by e-mail, and what, read back from the durable queue. */
async function toldAbout(slug: string): Promise<{ to: string; text: string }[]> {
  const tara = await personId(`t1@${slug}.example`);
  const people = await db.prisma.person.findMany({ where: { email: { endsWith: `@${slug}.example` } }, select: { id: true, email: true } });
  const emailOf = new Map(people.map((p) => [p.id, p.email]));
  return (await queuedNotifications(db.prisma, `notify:role-transfer:${tara}:`)).map((n) => ({ to: emailOf.get(n.personId) ?? n.personId, text: n.messages.map(messageText).join('\n') }));
}

describe('trellis import roster: a move to a new post part-way through the cycle', () => {
  it('004 §4.4: the original appraiser is asked for a check-in before the new post; the new appraiser takes over the open items; importing again adds nothing', async () => {
    const { stdout, file } = await moveTara('washwood', 'whmat');
    expect(stdout).toContain('Moved to a new post part-way through the cycle: Tara One <t1@washwood.example>. Dev Deputy reviews them from today');
    expect(stdout).toContain('Mo Maths, their reviewer before the move, is asked to hold a check-in with them by Wed 24 Feb');
    const tara = await personId('t1@washwood.example');
    const checkIn = await db.prisma.obligation.findFirstOrThrow({ where: { personId: tara, key: { contains: ':transfer-check-in:' } } });
    expect(checkIn).toMatchObject({ kind: 'check-in', ownerRole: 'reviewer', ownerPersonId: await personId('hod.maths@washwood.example'), status: 'open' });
    expect(checkIn.rule).toMatch(/^004 §4\.4/);
    expect([checkIn.opensOn.toISOString().slice(0, 10), checkIn.dueOn.toISOString().slice(0, 10)]).toEqual(['2027-02-11', '2027-02-24']);
    const summer = await db.prisma.obligation.findFirstOrThrow({ where: { personId: tara, status: 'open', key: { endsWith: ':summer-check-in' } } });
    expect(summer.ownerPersonId).toBe(await personId('deputy@washwood.example'));

    const again = await trellis('2027-02-11T09:00:00Z', 'import', 'roster', file, '--school', 'washwood');
    expect(again.stdout).not.toContain('Moved to a new post');
    expect(await db.prisma.obligation.count({ where: { personId: tara, key: { contains: ':transfer-check-in:' } } })).toBe(1);
  });

  it('004 §4.4: the person, their appraiser before the move and the new one are told through the durable queue, once, and the head is not asked to decide', async () => {
    const told = await toldAbout('washwood');
    expect(told.map((n) => n.to).sort()).toEqual(['deputy@washwood.example', 'hod.maths@washwood.example', 't1@washwood.example']);
    expect(told.find((n) => n.to === 't1@washwood.example')?.text).toBe(
      'The staff list now records your move to a new post (line manager now Dev Deputy), from Thu 11 Feb. Dev Deputy reviews you from today: what was still open passes to them and what is done stays. Mo Maths, your reviewer before the move, is asked to hold a check-in with you by Wed 24 Feb, so feedback is up to date before the new post (004 §4.4 (the original appraiser checks in before the new post; a new appraiser or amended expectations agreed jointly); within 5 school days of the move being recorded).',
    );
    expect(told.find((n) => n.to === 'hod.maths@washwood.example')?.text).toMatch(/^Tara One has moved to a new post \(line manager now Dev Deputy\)\. As their reviewer before the move, please hold a check-in with them by Wed 24 Feb, so feedback is up to date/);
    expect(told.find((n) => n.to === 'deputy@washwood.example')?.text).toMatch(/^Tara One has moved to a new post \(line manager now Dev Deputy\) and you review them from today/);
    // Queued in the import's transaction: one row each, with its delivery job; the import run again queued nothing more.
    const rows = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: `notify:role-transfer:${await personId('t1@washwood.example')}:` } } });
    expect(rows.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
  });

  it('002 §35: the import says the head decides whether the cycle begins again and whether to change the reviewer, and asks for no check-in', async () => {
    const { stdout } = await moveTara('alleyne', 'thomas-alleyne');
    expect(stdout).toContain('The head decides whether their cycle begins again and whether to change the reviewer (002 §35); until then the cycle carries on, reviewed by Dev Deputy.');
    expect(await db.prisma.obligation.count({ where: { personId: await personId('t1@alleyne.example'), key: { contains: ':transfer-check-in:' } } })).toBe(0);
  });

  it('002 §35: the head, who decides whether the cycle begins again, is told with the person and their old and new reviewer', async () => {
    const told = await toldAbout('alleyne');
    expect(told.map((n) => n.to).sort()).toEqual(['deputy@alleyne.example', 'head@alleyne.example', 'hod.maths@alleyne.example', 't1@alleyne.example']);
    expect(told.find((n) => n.to === 'head@alleyne.example')?.text).toBe(
      'Tara One has moved to a new post part-way through the cycle (line manager now Dev Deputy). You decide whether their cycle begins again and whether to change their reviewer (002 §35); until then it carries on, reviewed by Dev Deputy. Say `restart-cycle Tara One` to begin it again from the day you decide, or `keep-cycle Tara One` to record that it carries on; to change their reviewer, say `reassign-reviewer Tara One: NAME`.',
    );
    expect(told.find((n) => n.to === 't1@alleyne.example')?.text).toMatch(/The head decides whether your cycle begins again and whether to change your reviewer \(002 §35\); until then it carries on\.$/);
    expect(told.find((n) => n.to === 'hod.maths@alleyne.example')?.text).toBe('Tara One has moved to a new post (line manager now Dev Deputy); Dev Deputy reviews them from today, and what you still had open for them has passed to Dev Deputy.');
  });

  it('002 §35: a head who is not Tara’s head, and the deputy, cannot decide; the head’s `keep-cycle` is audited and changes nothing', async () => {
    const restarts = new CycleRestarts({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaCycleRestarts(db.prisma) });
    const tara = await personId('t1@alleyne.example');
    const deputy = await knownPerson(db.prisma, await personId('deputy@alleyne.example'));
    const refused = await restarts.decide(deputy, 'restart', 'Tara One', new Date('2027-02-12T10:00:00Z'));
    expect(refused.messages.map(messageText)).toEqual(['Only the head of Tara One’s school decides whether their cycle begins again.']);
    const head = await knownPerson(db.prisma, await personId('head@alleyne.example'));
    const unknown = await restarts.decide(head, 'keep', 'Nobody Here', new Date('2027-02-12T10:00:00Z'));
    expect(unknown.messages.map(messageText)).toEqual(['I can’t find one colleague called “Nobody Here” at your school. Please give their full name.']);
    const before = await db.prisma.obligation.findMany({ where: { personId: tara }, orderBy: { key: 'asc' } });
    const kept = await restarts.decide(head, 'keep', 'Tara One', new Date('2027-02-12T10:00:00Z'));
    expect(kept.messages.map(messageText)).toEqual(['Recorded: Tara One’s cycle carries on as it is. They have been told.']);
    expect(await db.prisma.obligation.findMany({ where: { personId: tara }, orderBy: { key: 'asc' } })).toEqual(before);
    expect((await db.prisma.person.findUniqueOrThrow({ where: { id: tara } })).cycleRestartedOn).toBeNull();
    const audit = await db.prisma.auditEvent.findMany({ where: { subjectId: tara, action: { startsWith: 'cycle.' } } });
    expect(audit.map((a) => [a.action, a.actorId, a.details])).toEqual([['cycle.kept', head.id, { decision: 'keep', on: '2027-02-12', rule: '002 §35' }]]);
    const told = await queuedNotifications(db.prisma, `notify:cycle-restart:${tara}:2027-02-12:keep`);
    expect(told.map((n) => [n.personId, n.messages.map(messageText).join('\n')])).toEqual([[tara, 'Helen Head has decided that, after your move to a new post, your growth cycle carries on as it is.']]);
  });

  it('002 §35, §34: the head’s `restart-cycle` begins Tara’s cycle again from the decision date — planned as a new starter’s by the one planner, audited, and Tara told through the queue', async () => {
    const restarts = new CycleRestarts({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaCycleRestarts(db.prisma) });
    const tara = await personId('t1@alleyne.example');
    const openKeys = async () => (await db.prisma.obligation.findMany({ where: { personId: tara, status: 'open' }, orderBy: { dueOn: 'asc' } })).map((o) => o.key.split(':').slice(2).join(':'));
    expect(await openKeys()).toContain('plan-agreed');
    const head = await knownPerson(db.prisma, await personId('head@alleyne.example'));
    const decided = await restarts.decide(head, 'restart', 'tara one', new Date('2027-02-12T10:00:00Z'));
    expect(decided.messages.map(messageText)).toEqual([
      'Recorded: Tara One’s cycle begins again from Fri 12 Feb, planned as a new starter’s from that day; what they have done stays on their record. They have been told.',
    ]);
    expect((await db.prisma.person.findUniqueOrThrow({ where: { id: tara } })).cycleRestartedOn?.toISOString().slice(0, 10)).toBe('2027-02-12');
    const open = await db.prisma.obligation.findMany({ where: { personId: tara, status: 'open' } });
    const restartedPlan = open.find((o) => o.key.endsWith(':new-starter-plan-agreed'));
    expect(restartedPlan?.opensOn.toISOString().slice(0, 10)).toBe('2027-02-12');
    expect(await openKeys()).not.toContain('plan-agreed');
    expect(open.every((o) => o.opensOn.toISOString().slice(0, 10) >= '2027-02-12' || o.dueOn.toISOString().slice(0, 10) >= '2027-02-12')).toBe(true);
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { subjectId: tara, action: 'cycle.restarted' } });
    expect([audit.actorId, audit.details]).toEqual([head.id, { decision: 'restart', on: '2027-02-12', rule: '002 §35' }]);
    const told = await queuedNotifications(db.prisma, `notify:cycle-restart:${tara}:2027-02-12:restart`);
    expect(told.map((n) => n.personId)).toEqual([tara]);
    expect(told[0]?.messages.map(messageText).join('\n')).toMatch(/^Helen Head has decided that, after your move to a new post, your growth cycle begins again from Fri 12 Feb\./);
    // A later roster import plans the restarted year the same way: nothing moves back.
    const { code } = await trellis('2027-02-15T09:00:00Z', 'import', 'roster', join(dir, 'alleyne-2.csv'), '--school', 'alleyne');
    expect(code).toBe(0);
    expect(await openKeys()).not.toContain('plan-agreed');
    expect(await openKeys()).toContain('new-starter-plan-agreed');
  });

  it('002 §35: under WHMAT, where the head does not decide, `restart-cycle` changes nothing and says so', async () => {
    const restarts = new CycleRestarts({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaCycleRestarts(db.prisma) });
    const head = await knownPerson(db.prisma, await personId('head@washwood.example'));
    // Typed as a command, through the bot, as in any channel.
    const bot = new TrellisBot({ cycleRestarts: restarts, dialogs: ALL_DIALOGS, clock: fixedClock('2027-02-12T10:00:00Z') } as unknown as TrellisBotDeps);
    const outcome = await bot.command({ person: head, account: { platform: 'local', tenant: 'T-restart', userId: 'head' } }, 'restart-cycle Tara One', 'restart-1');
    expect(outcome.kind).toBe('reply');
    if (outcome.kind !== 'reply') return;
    expect(outcome.messages.map(messageText)).toEqual([
      'Your school’s policy does not ask the head to decide whether a cycle begins again after a move to a new post, so there is nothing to decide: the cycle carries on.',
    ]);
    expect((await db.prisma.person.findUniqueOrThrow({ where: { id: await personId('t1@washwood.example') } })).cycleRestartedOn).toBeNull();
  });

  it('002 §35, §28: the head’s `reassign-reviewer` checks the new reviewer’s status like a request, refuses anyone but the head of the school and the head’s own reviewers, then changes the reviewer in one transaction: history kept, audited, the person and the old and new reviewer told', async () => {
    // A second senior leader, so the head can name someone of the line manager's status (002 §28).
    await moveTara('alleyne-lee', 'thomas-alleyne', 'lee@school.example,Lee Leader,leader,head@school.example,SLT,,2017-09-01,permanent,,leadership-scale\n');
    const restarts = new CycleRestarts({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaCycleRestarts(db.prisma) });
    const at = new Date('2027-02-12T10:00:00Z');
    const [tara, dev, lee, mo] = await Promise.all(['t1', 'deputy', 'lee', 'hod.maths'].map((who) => personId(`${who}@alleyne-lee.example`)));
    const head = await knownPerson(db.prisma, await personId('head@alleyne-lee.example'));
    const deputy = await knownPerson(db.prisma, dev!);
    const said = async (who: typeof head, name: string, reviewer: string) => (await restarts.changeReviewer(who, name, reviewer, at)).messages.map(messageText);

    expect(await said(deputy, 'Tara One', 'Lee Leader')).toEqual(['Only the head of Tara One’s school decides whether to change their reviewer.']);
    expect(await said(head, 'Helen Head', 'Lee Leader')).toEqual(['Whether to change the head’s own reviewers is for the governing body to decide, not in Trellis.']);
    expect(await said(head, 'Tara One', '')).toEqual(['Please name the colleague and their new reviewer, e.g. `reassign-reviewer Tara One: Rita Reviewer`.']);
    expect(await said(head, 'Tara One', 'Dev Deputy')).toEqual(['Dev Deputy already reviews Tara One; nothing to change.']);
    // The same 002 §28 check as a granted request: Mo holds a TLR, below Tara's new line manager.
    expect(await said(head, 'Tara One', 'Mo Maths')).toEqual([
      'Mo Maths can’t be Tara One’s reviewer: a replacement reviewer must have an equivalent or higher status in the staffing structure than Tara One’s line manager, Dev Deputy (a senior leader), and the staff list has Mo Maths as a TLR holder. Please name someone of at least that status, the line manager, or the head.',
    ]);
    expect(await db.prisma.auditEvent.count({ where: { subjectId: tara!, action: 'reviewer.changed-by-head' } })).toBe(0);
    const assignmentsBefore = await db.prisma.reviewerAssignment.findMany({ where: { revieweeId: tara!, kind: 'reviewer' }, orderBy: { startsOn: 'asc' } });

    expect(await said(head, 'tara one', 'Lee Leader')).toEqual([
      'Recorded: Lee Leader reviews Tara One from Fri 12 Feb. The cycle carries on: nothing already done is redone, and what was still open passes to the new reviewer. They have been told, and so has Dev Deputy.',
    ]);
    // History kept: every earlier assignment row is still there as it was; the new one starts today.
    const assignments = await db.prisma.reviewerAssignment.findMany({ where: { revieweeId: tara!, kind: 'reviewer' }, orderBy: { startsOn: 'asc' } });
    expect(assignments.slice(0, assignmentsBefore.length)).toEqual(assignmentsBefore);
    expect(assignments.slice(assignmentsBefore.length).map((a) => [a.reviewerId, a.startsOn.toISOString().slice(0, 10), a.endsOn, a.reason])).toEqual([
      [lee, '2027-02-12', null, 'decided by the head after a move to a new post (002 §35)'],
    ]);
    const reviewerOwned = await db.prisma.obligation.findMany({ where: { personId: tara!, ownerRole: 'reviewer', status: 'open' } });
    expect(reviewerOwned.length).toBeGreaterThan(0);
    expect(new Set(reviewerOwned.map((o) => o.ownerPersonId))).toEqual(new Set([lee]));
    const audit = await db.prisma.auditEvent.findMany({ where: { subjectId: tara!, action: 'reviewer.changed-by-head' } });
    expect(audit.map((a) => [a.actorId, a.details])).toEqual([[head.id, { from: dev, to: lee, on: '2027-02-12', rule: '002 §35' }]]);
    const told = await queuedNotifications(db.prisma, `notify:reviewer-change:head:${tara}:2027-02-12:${lee}`);
    expect(told.map((n) => [n.personId, n.messages.map(messageText).join('\n')])).toEqual([
      [tara, 'Helen Head has decided that, after your move to a new post, Lee Leader is your reviewer from Fri 12 Feb. The cycle carries on: nothing already done is redone, and what was still open passes to the new reviewer.'],
      [lee, 'Helen Head has made you Tara One’s reviewer from Fri 12 Feb, after their move to a new post, in place of Dev Deputy. The cycle carries on: nothing already done is redone, and what was still open passes to the new reviewer: say `status` to see what is due.'],
      [dev, 'Helen Head has decided that Lee Leader reviews Tara One from Fri 12 Feb; what you still had open for them has passed to Lee Leader.'],
    ]);
    expect(told.map((n) => n.personId)).not.toContain(mo);
    // A later import keeps the head's choice: the roster's line manager is outranked, not restored.
    const { code } = await trellis('2027-02-15T09:00:00Z', 'import', 'roster', join(dir, 'alleyne-lee-2.csv'), '--school', 'alleyne-lee');
    expect(code).toBe(0);
    const afterImport = await db.prisma.obligation.findMany({ where: { personId: tara!, ownerRole: 'reviewer', status: 'open' } });
    expect(new Set(afterImport.map((o) => o.ownerPersonId))).toEqual(new Set([lee]));
  });

  it('002 §35 (003 §7.4, 004 §4.4): typed under WHMAT, where a change of appraiser after a move is agreed jointly, `reassign-reviewer` changes nothing and points to the staff list and the written request (004 §3.10)', async () => {
    const restarts = new CycleRestarts({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaCycleRestarts(db.prisma) });
    const head = await knownPerson(db.prisma, await personId('head@washwood.example'));
    const tara = await personId('t1@washwood.example');
    const before = await db.prisma.reviewerAssignment.findMany({ where: { revieweeId: tara }, orderBy: { startsOn: 'asc' } });
    const bot = new TrellisBot({ cycleRestarts: restarts, dialogs: ALL_DIALOGS, clock: fixedClock('2027-02-12T10:00:00Z') } as unknown as TrellisBotDeps);
    const outcome = await bot.command({ person: head, account: { platform: 'local', tenant: 'T-restart', userId: 'head' } }, 'reassign-reviewer Tara One: Mo Maths', 'reassign-1');
    expect(outcome.kind).toBe('reply');
    if (outcome.kind !== 'reply') return;
    expect(outcome.messages.map(messageText)).toEqual([
      'Your school’s policy does not give the head the decision to change a colleague’s reviewer after a move to a new post. A new reviewer comes from the staff list, or from the colleague’s own written request (`change-reviewer REASON`).',
    ]);
    expect(await db.prisma.reviewerAssignment.findMany({ where: { revieweeId: tara }, orderBy: { startsOn: 'asc' } })).toEqual(before);
  });
});
