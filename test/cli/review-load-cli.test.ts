import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrellisBot, type TrellisBotDeps } from '../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../src/core/conversations/dialogs/all-dialogs.ts';
import { messageText } from '../../src/core/conversations/engine/outgoing-message.ts';
import { ReviewLoadExceptions } from '../../src/core/roster/review-load-exceptions.ts';
import { describeReviewLoadWarning } from '../../src/core/roster/review-load.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { PrismaPeopleFacts } from '../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReviewLoadExceptions } from '../../src/storage/prisma/prisma-review-load-exceptions.ts';
import { knownPerson } from '../core/reports/report-fixture.ts';
import { previewRoster } from '../../src/core/roster/preview-roster.ts';
import { readRosterCsv } from '../../src/core/roster/roster-table.ts';
import { PrismaRosterRepository } from '../../src/storage/prisma/prisma-roster-repository.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const TERMS = join(import.meta.dirname, '../../config/terms/england-2026-28.yaml');

let db: TestDatabase;
let roster: string;
let dir: string;
const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: '2026-09-07T09:00:00Z' }, ...argv);
const trellisAt = (at: string, ...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at }, ...argv);

/** A head, a deputy on the leadership scale and a head of maths, each line-managing six teachers (`maths` of them for Mo), and a PM deputy. */
function rosterCsv(maths = 6): string {
  const lines = [
    'email,full_name,role,line_manager_email,flags',
    'head@s.example,Helen Head,headteacher,,',
    'deputy@s.example,Dev Deputy,leader,head@s.example,leadership-scale',
    'hod@s.example,Mo Maths,teacher,head@s.example,tlr',
    'pm@s.example,Pat Deputy,leader,head@s.example,pm-deputy',
  ];
  for (let i = 1; i <= maths; i++) lines.push(`m${i}@s.example,Maths Teacher ${i},teacher,hod@s.example,`);
  for (let i = 1; i <= 6; i++) lines.push(`e${i}@s.example,English Teacher ${i},teacher,deputy@s.example,`);
  lines.push('ta@s.example,Tia Assistant,teaching-assistant,hod@s.example,');
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-review-load-'));
  roster = join(dir, 'staff.csv');
  await writeFile(roster, rosterCsv());
});
afterAll(() => db.drop());

describe('import roster: how many people one reviewer reviews', () => {
  it('002 §25: names a line manager with more than five reviewees and who they are, but not one on the leadership scale, and still loads everyone', async () => {
    expect((await trellis('school', 'set', 'alleyne', '--policy', 'thomas-alleyne', '--terms', TERMS)).code).toBe(0);
    const { code, stdout } = await trellis('import', 'roster', roster, '--school', 'alleyne');
    expect(code).toBe(0);
    expect(stdout).toMatch(/Loaded 17 of 17 staff/);
    const notes = stdout.split('\n').filter((line) => line.startsWith('Note:'));
    expect(notes).toEqual([
      'Note: Mo Maths reviews 6 people (Maths Teacher 1, Maths Teacher 2, Maths Teacher 3, Maths Teacher 4, Maths Teacher 5, Maths Teacher 6); the policy expects at most 5 (002 §25). Ask the head to confirm the exception or to name another reviewer.',
    ]);
  });

  it('says nothing under a policy with no such limit (004 §3.9)', async () => {
    expect((await trellis('school', 'set', 'washwood', '--policy', 'whmat', '--terms', TERMS)).code).toBe(0);
    const { code, stdout } = await trellis('import', 'roster', roster, '--school', 'washwood');
    expect(code).toBe(0);
    expect(stdout).not.toMatch(/^Note:/m);
  });

  it('002 §25: only the head of Mo’s school confirms an exception — not the PM deputy, not Mo; nobody within the limit or on the leadership scale has one to confirm', async () => {
    const exceptions = new ReviewLoadExceptions({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaReviewLoadExceptions(db.prisma) });
    const at = new Date('2026-09-10T10:00:00Z');
    const said = async (email: string, name: string) => (await exceptions.confirm(await person('alleyne', email), name, undefined, at)).messages.map(messageText);
    expect(await said('pm@s.example', 'Mo Maths')).toEqual(['Only the head of Mo Maths’s school confirms an exception to the number of reviewees.']);
    expect(await said('hod@s.example', 'Mo Maths')).toEqual(['Only the head of Mo Maths’s school confirms an exception to the number of reviewees.']);
    expect(await said('head@s.example', 'Dev Deputy')).toEqual(['Dev Deputy may review any number of people under your policy (those flagged leadership-scale are not held to the limit), so there is no exception to confirm.']);
    expect(await said('head@s.example', 'English Teacher 1')).toEqual(['English Teacher 1 reviews 0 people, within the policy’s 5, so there is no exception to confirm.']);
    expect(await said('head@s.example', 'Nobody Here')).toEqual(['I can’t find one colleague called “Nobody Here” at your school. Please give their full name.']);
    expect(await said('head@s.example', ' ')).toEqual(['Please name the line manager, e.g. `allow-reviewees Mo Maths: a large department this year`.']);
    expect(await db.prisma.auditEvent.count({ where: { action: 'review-load.exception-confirmed' } })).toBe(0);
  });

  it('002 §25: the head’s `allow-reviewees` is audited with who, when, for whom and the count; the next import says who confirmed it and when instead of asking', async () => {
    const head = await person('alleyne', 'head@s.example');
    const reply = await bot('2026-09-10T10:00:00Z').command({ person: head, account: { platform: 'local', tenant: 'T-load', userId: 'head' } }, 'allow-reviewees Mo Maths: a large department this year', 'allow-1');
    expect(reply.kind === 'reply' ? reply.messages.map(messageText) : reply.kind).toEqual([
      'Recorded: Mo Maths may review 6 people this cycle, more than the policy’s 5. Roster imports now say you confirmed it, and say so again if the number grows.',
    ]);
    const mo = await person('alleyne', 'hod@s.example');
    const audit = await db.prisma.auditEvent.findMany({ where: { action: 'review-load.exception-confirmed' } });
    expect(audit.map((a) => [a.actorId, a.subjectType, a.subjectId, a.at.toISOString(), a.details])).toEqual([
      [head.id, 'person', mo.id, '2026-09-10T10:00:00.000Z', { reviewerEmail: 'hod@s.example', count: 6, max: 5, rule: '002 §25', reason: 'a large department this year' }],
    ]);
    const { code, stdout } = await trellisAt('2026-09-14T09:00:00Z', 'import', 'roster', roster, '--school', 'alleyne');
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((line) => line.startsWith('Note:'))).toEqual([
      'Note: Mo Maths reviews 6 people (Maths Teacher 1, Maths Teacher 2, Maths Teacher 3, Maths Teacher 4, Maths Teacher 5, Maths Teacher 6); the policy expects at most 5 (002 §25). Helen Head confirmed the exception on Thu 10 Sep 2026, for up to 6 (“a large department this year”).',
    ]);
  });

  it('002 §25: a seventh reviewee after the head confirmed six brings the question back, in the import and the admin console’s preview, until the head confirms again', async () => {
    const bigger = join(dir, 'staff-7.csv');
    await writeFile(bigger, rosterCsv(7));
    const school = await new PrismaSchoolRepository(db.prisma).findSchool('alleyne');
    if (school === undefined) throw new Error('no school');
    const table = readRosterCsv(rosterCsv(7));
    if (!table.ok) throw new Error(table.fileProblem);
    const preview = await previewRoster({ roster: new PrismaRosterRepository(db.prisma), clock: fixedClock('2026-09-21T09:00:00Z') }, school, table.table, undefined);
    expect(preview.ok && preview.reviewLoad.map((w) => describeReviewLoadWarning(w, 'would review'))).toEqual([
      'Mo Maths would review 7 people (Maths Teacher 1, Maths Teacher 2, Maths Teacher 3, Maths Teacher 4, Maths Teacher 5, Maths Teacher 6, Maths Teacher 7); the policy expects at most 5 (002 §25). Helen Head confirmed the exception on Thu 10 Sep 2026 for 6, and it is now more: ask the head to confirm it again or to name another reviewer.',
    ]);
    const grown = await trellisAt('2026-09-21T09:00:00Z', 'import', 'roster', bigger, '--school', 'alleyne');
    expect(grown.stdout).toContain('the policy expects at most 5 (002 §25). Helen Head confirmed the exception on Thu 10 Sep 2026 for 6, and it is now more: ask the head to confirm it again or to name another reviewer.');
    const head = await person('alleyne', 'head@s.example');
    await bot('2026-09-22T10:00:00Z').command({ person: head, account: { platform: 'local', tenant: 'T-load', userId: 'head' } }, 'allow-reviewees mo maths', 'allow-2');
    const again = await trellisAt('2026-09-23T09:00:00Z', 'import', 'roster', bigger, '--school', 'alleyne');
    expect(again.stdout.split('\n').filter((line) => line.startsWith('Note:'))).toEqual([
      'Note: Mo Maths reviews 7 people (Maths Teacher 1, Maths Teacher 2, Maths Teacher 3, Maths Teacher 4, Maths Teacher 5, Maths Teacher 6, Maths Teacher 7); the policy expects at most 5 (002 §25). Helen Head confirmed the exception on Tue 22 Sep 2026, for up to 7.',
    ]);
  });

  it('002 §25: an exception is confirmed per cycle — the first import of the next academic year asks the head again', async () => {
    const { code, stdout } = await trellisAt('2027-09-13T09:00:00Z', 'import', 'roster', join(dir, 'staff-7.csv'), '--school', 'alleyne');
    expect(code).toBe(0);
    expect(stdout.split('\n').filter((line) => line.startsWith('Note:'))).toEqual([
      'Note: Mo Maths reviews 7 people (Maths Teacher 1, Maths Teacher 2, Maths Teacher 3, Maths Teacher 4, Maths Teacher 5, Maths Teacher 6, Maths Teacher 7); the policy expects at most 5 (002 §25). Ask the head to confirm the exception or to name another reviewer.',
    ]);
  });

  it('004 §3.9, 002 §25: under a policy with no limit on reviewees, `allow-reviewees` is refused plainly and nothing is recorded', async () => {
    const before = await db.prisma.auditEvent.count({ where: { action: 'review-load.exception-confirmed' } });
    const head = await person('washwood', 'head@s.example');
    const reply = await bot('2026-09-10T10:00:00Z').command({ person: head, account: { platform: 'local', tenant: 'T-load', userId: 'head-w' } }, 'allow-reviewees Mo Maths', 'allow-w');
    expect(reply.kind === 'reply' ? reply.messages.map(messageText) : reply.kind).toEqual(['Your school’s policy sets no limit on how many people one line manager reviews, so there is no exception to confirm.']);
    expect(await db.prisma.auditEvent.count({ where: { action: 'review-load.exception-confirmed' } })).toBe(before);
  });
});

/** Someone of the school by e-mail, as the bot knows them. */
async function person(slug: string, email: string) {
  const row = await db.prisma.person.findFirstOrThrow({ where: { email, school: { slug } } });
  return knownPerson(db.prisma, row.id);
}

/** The bot as a channel drives it, with only the head's exceptions wired (002 §25). */
function bot(at: string): TrellisBot {
  const reviewLoadExceptions = new ReviewLoadExceptions({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaReviewLoadExceptions(db.prisma) });
  return new TrellisBot({ reviewLoadExceptions, dialogs: ALL_DIALOGS, clock: fixedClock(at) } as unknown as TrellisBotDeps);
}
