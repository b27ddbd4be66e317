// Leavers, returners and reused e-mails through `trellis import roster`, on real PostgreSQL. The
// seeds say a change of reviewer never restarts a cycle and the history of who reviewed whom is
// kept (002 §29), and records are kept until retention ends them (003 §14.3, 004 §11.2).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/bot/bot-ports.ts';
import type { CommandOutcome, } from '../../src/core/bot/trellis-bot.ts';
import { isNewPersonForReusedEmail } from '../../src/core/roster/reused-email.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaRosterRepository } from '../../src/storage/prisma/prisma-roster-repository.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { recordsBot } from '../support/records-bot.ts';

const ROSTER = join(import.meta.dirname, '../fixtures/rosters/small-school.csv');
const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let dir: string;
let full: string;
let schoolId: string;
const trellis = (at: string, ...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at }, ...argv);

async function person(email: string) {
  return db.prisma.person.findFirstOrThrow({ where: { email } });
}

async function rosterFile(name: string, edit: (lines: string[]) => string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${edit(full.trim().split('\n')).join('\n')}\n`);
  return path;
}

async function reviewerOn(email: string, on: string): Promise<string | undefined> {
  const staff = await new PrismaRosterRepository(db.prisma).findStaff(schoolId, on);
  return staff.find((s) => s.email === email)?.reviewerId;
}

async function link(email: string, userId: string): Promise<void> {
  await db.prisma.platformIdentity.create({ data: { personId: (await person(email)).id, platform: 'slack', tenantId: 'T1', platformUserId: userId } });
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-leavers-'));
  full = await readFile(ROSTER, 'utf8');
  expect((await trellis('2026-09-07T09:00:00Z', 'school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS)).code).toBe(0);
  expect((await trellis('2026-09-07T09:00:00Z', 'import', 'roster', ROSTER, '--school', 'washwood')).code).toBe(0);
  schoolId = (await db.prisma.school.findUniqueOrThrow({ where: { slug: 'washwood' } })).id;
  await link('hod.maths@school.example', 'U-HOD');
  await link('t1@school.example', 'U-T1');
});
afterAll(() => db.drop());

describe('leavers: people missing from a later roster file', () => {
  let withoutHod: string;

  beforeAll(async () => {
    // Mo Maths leaves: the file gives his team the deputy as line manager, except Ann Assistant,
    // whose line still names him (a bad line: she is in the file, so never taken for a leaver).
    withoutHod = await rosterFile('without-hod.csv', (lines) =>
      lines.filter((l) => !l.startsWith('hod.maths@')).map((l) => (l.startsWith('ta1@') ? l : l.replace(',hod.maths@school.example,', ',deputy@school.example,'))),
    );
    // The head delegated reviewing the deputy to Mo Maths (002 §27).
    const deputy = await person('deputy@school.example');
    const hod = await person('hod.maths@school.example');
    await db.prisma.reviewerAssignment.create({ data: { revieweeId: deputy.id, reviewerId: hod.id, kind: 'reviewer', startsOn: new Date('2026-09-08T00:00:00Z'), reason: 'delegated by the head (002 §27)' } });
  });

  it('lists the people not in the file and says how to mark them, changing nothing about them', async () => {
    const { stdout } = await trellis('2026-10-01T09:00:00Z', 'import', 'roster', withoutHod, '--school', 'washwood');
    expect(stdout).toContain('1 person is not in this file: Mo Maths <hod.maths@school.example>. Run again with `--leavers mark` to mark them as leavers');
    const hod = await person('hod.maths@school.example');
    expect(hod).toMatchObject({ active: true, leftOn: null });
    expect(await db.prisma.platformIdentity.count({ where: { personId: hod.id } })).toBe(1);
  });

  it('--leavers keep says nothing more and leaves them as they are', async () => {
    const { stdout } = await trellis('2026-10-01T09:00:00Z', 'import', 'roster', withoutHod, '--school', 'washwood', '--leavers', 'keep');
    expect(stdout).not.toContain('not in this file');
    expect((await person('hod.maths@school.example')).active).toBe(true);
  });

  it('refuses a --leavers word it does not know, or a leaving day still to come, in plain words', async () => {
    const { code, stderr } = await trellis('2026-10-01T09:00:00Z', 'import', 'roster', withoutHod, '--school', 'washwood', '--leavers', 'delete');
    expect(code).toBe(1);
    expect(stderr).toMatch(/--leavers is "mark" or "keep", not "delete"/);
    const future = await trellis('2026-10-01T09:00:00Z', 'import', 'roster', withoutHod, '--school', 'washwood', '--leavers', 'mark', '--left-on', '2026-10-02');
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/--left-on 2026-10-02 is after today/);
    expect((await person('hod.maths@school.example')).active).toBe(true);
  });

  it('--leavers mark makes a leaver: inactive from the day given, assignments ended as reviewee and reviewer, chat links cut, open obligations closed, records kept (002 §29, 004 §11.2)', async () => {
    const hod = await person('hod.maths@school.example');
    const done = await db.prisma.obligation.findFirstOrThrow({ where: { personId: hod.id, status: 'open' }, orderBy: { dueOn: 'asc' } });
    await db.prisma.obligation.update({ where: { id: done.id }, data: { status: 'done', completedAt: new Date('2026-09-20T10:00:00Z') } });
    const overdue = await db.prisma.obligation.findFirstOrThrow({ where: { personId: hod.id, status: 'open' }, orderBy: { dueOn: 'asc' } });
    await db.prisma.obligation.update({ where: { id: overdue.id }, data: { dueOn: new Date('2026-09-25T00:00:00Z') } });
    const cyclesBefore = await db.prisma.cycle.count({ where: { personId: hod.id } });

    const { stdout, code } = await trellis('2026-10-01T09:00:00Z', 'import', 'roster', withoutHod, '--school', 'washwood', '--leavers', 'mark', '--left-on', '2026-09-30');
    expect(code).toBe(1); // Ann Assistant's line still names him
    expect(stdout).toContain('Marked 1 leaver: Mo Maths <hod.maths@school.example>.');
    expect(stdout).toContain('No line manager now (theirs has left; give them one in the file): Ann Assistant <ta1@school.example>.');

    const after = await person('hod.maths@school.example');
    expect(after.active).toBe(false);
    expect(after.leftOn?.toISOString().slice(0, 10)).toBe('2026-09-30');
    expect(await db.prisma.reviewerAssignment.count({ where: { endsOn: null, OR: [{ revieweeId: hod.id }, { reviewerId: hod.id }] } })).toBe(0);
    expect(await db.prisma.platformIdentity.count({ where: { personId: hod.id } })).toBe(0);
    expect(await db.prisma.platformIdentity.count({ where: { platformUserId: 'U-T1' } })).toBe(1);
    expect(await db.prisma.obligation.count({ where: { personId: hod.id, status: 'open' } })).toBe(0);
    expect(await db.prisma.obligation.findUniqueOrThrow({ where: { id: done.id } })).toMatchObject({ status: 'done' });
    expect(await db.prisma.obligation.findUniqueOrThrow({ where: { id: overdue.id } })).toMatchObject({ status: 'not-applicable', note: 'Left on 2026-09-30' });
    expect(await db.prisma.cycle.count({ where: { personId: hod.id } })).toBe(cyclesBefore);
  });

  it('a leaver’s reviewees fall back by the one relationships rule: to the line manager the file gives, a delegated reviewee to their line manager, or to no one when their line still names the leaver (002 §27, §29)', async () => {
    const hod = await person('hod.maths@school.example');
    const deputy = await person('deputy@school.example');
    expect(await reviewerOn('t1@school.example', '2026-09-20')).toBe(hod.id);
    expect(await reviewerOn('t1@school.example', '2026-10-01')).toBe(deputy.id);
    expect(await reviewerOn('ta1@school.example', '2026-10-01')).toBeUndefined();
    // A reviewer delegated for a reason who leaves: the reviewee falls back to their line manager.
    expect(await reviewerOn('deputy@school.example', '2026-09-20')).toBe(hod.id);
    expect(await reviewerOn('deputy@school.example', '2026-10-01')).toBe((await person('head@school.example')).id);
    // t1's open obligations that the reviewer owns follow the new reviewer.
    const owned = await db.prisma.obligation.findMany({ where: { personId: (await person('t1@school.example')).id, status: 'open', ownerRole: 'reviewer' } });
    expect(owned.length).toBeGreaterThan(0);
    expect(owned.every((o) => o.ownerPersonId === deputy.id)).toBe(true);
  });

  it('a leaver who re-appears in a later file is active again, with the reviewer and reviewees the file gives from that day (002 §29)', async () => {
    const { stdout } = await trellis('2026-11-02T09:00:00Z', 'import', 'roster', ROSTER, '--school', 'washwood');
    expect(stdout).toContain('Back from leaving, active again: Mo Maths <hod.maths@school.example>.');
    const hod = await person('hod.maths@school.example');
    expect(hod).toMatchObject({ active: true, leftOn: null });
    expect(await reviewerOn('hod.maths@school.example', '2026-11-02')).toBe((await person('deputy@school.example')).id);
    expect(await reviewerOn('t1@school.example', '2026-11-02')).toBe(hod.id);
    expect(await reviewerOn('t1@school.example', '2026-10-15')).toBe((await person('deputy@school.example')).id);
    expect(await db.prisma.obligation.count({ where: { personId: hod.id, status: 'open' } })).toBeGreaterThan(0);
  });
});

describe('a reused e-mail and a change of name', () => {
  it('decides a new person only when the name differs and the start date differs, or the earlier holder left before the row starts', () => {
    const tara = { fullName: 'Tara One', startDate: '2020-09-01', active: true };
    expect(isNewPersonForReusedEmail(tara, { fullName: 'Zoe New', startDate: '2027-01-04' })).toBe(true);
    expect(isNewPersonForReusedEmail(tara, { fullName: 'Tara Smith', startDate: '2020-09-01' })).toBe(false);
    expect(isNewPersonForReusedEmail(tara, { fullName: 'tara  one', startDate: '2027-01-04' })).toBe(false);
    expect(isNewPersonForReusedEmail({ fullName: 'Tara One', active: false, leftOn: '2026-12-18' }, { fullName: 'Zoe New', startDate: '2027-01-04' })).toBe(true);
    expect(isNewPersonForReusedEmail({ fullName: 'Tara One', active: true }, { fullName: 'Zoe New', startDate: '2027-01-04' })).toBe(false);
  });

  it('a reused e-mail for a new person makes a new person with none of the old records; the earlier holder keeps them under a released address (004 §11.2)', async () => {
    const tara = await person('t1@school.example');
    await db.prisma.obligation.updateMany({ where: { personId: tara.id, kind: 'self-reflection' }, data: { status: 'done', note: 'Tara’s reflection' } });
    const file = await rosterFile('reused.csv', (lines) => lines.map((l) => (l.startsWith('t1@') ? 't1@school.example,Zoe New,teacher,hod.maths@school.example,Maths,,2027-01-04,permanent,,' : l)));
    const { stdout } = await trellis('2027-01-04T09:00:00Z', 'import', 'roster', file, '--school', 'washwood');
    expect(stdout).toContain('t1@school.example now belongs to a new person, Zoe New: added as someone new with no earlier records.');

    const zoe = await person('t1@school.example');
    expect(zoe.id).not.toBe(tara.id);
    expect(zoe).toMatchObject({ fullName: 'Zoe New', active: true, releasedEmail: null });
    const old = await db.prisma.person.findUniqueOrThrow({ where: { id: tara.id } });
    expect(old).toMatchObject({ fullName: 'Tara One', active: false, releasedEmail: 't1@school.example' });
    expect(old.email).not.toBe('t1@school.example');
    expect(old.leftOn?.toISOString().slice(0, 10)).toBe('2027-01-04');
    expect(await db.prisma.obligation.count({ where: { personId: tara.id, status: 'done' } })).toBeGreaterThan(0);
    expect(await db.prisma.platformIdentity.count({ where: { personId: tara.id } })).toBe(0);
    expect(await db.prisma.obligation.count({ where: { personId: zoe.id, status: 'done' } })).toBe(0);

    // Zoe, in chat: her status and her records show nothing of Tara's.
    const clock = fixedClock('2027-01-04T10:00:00Z');
    const bot = recordsBot(db.prisma, clock);
    const actor: Actor = {
      person: { id: zoe.id, schoolId: zoe.schoolId, fullName: zoe.fullName, email: zoe.email, role: 'teacher', active: true },
      account: { platform: 'local', tenant: 'local', userId: zoe.id },
    };
    const texts = (outcome: CommandOutcome) => (outcome.kind === 'reply' ? outcome.messages : []).map((m) => JSON.stringify(m)).join('\n');
    const status = texts(await bot.command(actor, 'status', 's1'));
    expect(status).toContain('Self-reflection (new starter)');
    expect(status).not.toMatch(/Tara|done/i);
    const records = texts(await bot.command(actor, 'my-records', 'r1'));
    expect(records).toContain(zoe.id);
    expect(records).not.toContain('Tara');
    expect(records).not.toContain(tara.id);

    // The earlier holder's records are still exported, under the address they had.
    const out = join(dir, 'export');
    const exported = await trellis('2027-01-04T10:00:00Z', 'export', 'person', old.email, '--school', 'washwood', '--out', out);
    expect(exported.stdout).toMatch(/Tara One \(.*\): \d+ records/);
    const json = JSON.parse(await readFile(join(out, 'trellis-records-tara-one-2027-01-04.json'), 'utf8')) as { subject: { id: string; email: string } };
    expect(json.subject).toMatchObject({ id: tara.id, email: 't1@school.example' });
  });

  it('a new name with the same start date is the same person: an update, records kept', async () => {
    const ann = await person('ta1@school.example');
    const file = await rosterFile('renamed.csv', (lines) => lines.map((l) => l.replace('ta1@school.example,Ann Assistant,', 'ta1@school.example,Ann Smith,')));
    const { stdout } = await trellis('2027-01-05T09:00:00Z', 'import', 'roster', file, '--school', 'washwood');
    expect(stdout).toContain('ta1@school.example: Ann Assistant is now called Ann Smith (the same person, records kept).');
    expect(await person('ta1@school.example')).toMatchObject({ id: ann.id, fullName: 'Ann Smith', active: true });
  });
});
