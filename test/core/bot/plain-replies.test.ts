import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Before the other storage modules: it extends the staff reads, which reach it again through the roster repository.
import { PrismaReviewLoadExceptions } from '../../../src/storage/prisma/prisma-review-load-exceptions.ts';
import { AccessRequests } from '../../../src/core/access/access-requests.ts';
import { ReviewerChanges } from '../../../src/core/access/reviewer-changes.ts';
import { CycleRestarts } from '../../../src/core/roster/cycle-restart.ts';
import { ReviewLoadExceptions } from '../../../src/core/roster/review-load-exceptions.ts';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { TERMS } from '../reminders/support/school-year.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from '../../../src/storage/prisma/prisma-access-requests.ts';
import { PrismaCycleRestarts } from '../../../src/storage/prisma/prisma-cycle-restarts.ts';
import { PrismaReportReads } from '../../../src/storage/prisma/prisma-report-reads.ts';
import { PrismaReviewerChangeStore } from '../../../src/storage/prisma/prisma-reviewer-changes.ts';
import { PersonalRecordsRequests } from '../../../src/core/records/my-records.ts';
import { GovernorsRequests } from '../../../src/core/reports/governors-requests.ts';
import { PrismaGovernorsReads, PrismaGovernorsSchools } from '../../../src/storage/prisma/prisma-governors-reads.ts';
import { PrismaRecordsStore } from '../../../src/storage/prisma/prisma-records-store.ts';
import { PrismaRetentionStore } from '../../../src/storage/prisma/prisma-retention-store.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { storageBot } from '../../support/records-bot.ts';
import type { SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { internalIn } from '../conversations/support/plain-words.ts';
import { knownPerson, NOW, seedReportSchools } from '../reports/report-fixture.ts';

let db: TestDatabase;
let a: SeededSchool;
let bot: TrellisBot;

beforeAll(async () => {
  db = await createTestDatabase();
  ({ a } = await seedReportSchools(db.prisma));
  const access = prismaAccess(db.prisma);
  const clock = fixedClock(NOW);
  bot = storageBot(db.prisma, clock, {
    records: new PersonalRecordsRequests(new PrismaRecordsStore(db.prisma), { store: new PrismaRetentionStore(db.prisma), findSchool: (slug) => new PrismaSchoolRepository(db.prisma).findSchool(slug), clock }),
    governors: new GovernorsRequests({ reads: new PrismaGovernorsReads(db.prisma), schools: new PrismaGovernorsSchools(db.prisma), people: new PrismaReportReads(db.prisma), guard: access.guard, clock, random: () => 0.5 }),
    access: new AccessRequests({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaAccessRequestStore(db.prisma), guard: access.guard, reads: new PrismaReportReads(db.prisma) }),
    reviewerChanges: new ReviewerChanges({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaReviewerChangeStore(db.prisma) }),
    cycleRestarts: new CycleRestarts({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaCycleRestarts(db.prisma) }),
    reviewLoadExceptions: new ReviewLoadExceptions({ facts: new PrismaPeopleFacts(db.prisma), store: new PrismaReviewLoadExceptions(db.prisma) }),
  });
});
afterAll(() => db.drop());

async function actor(key: string): Promise<Actor> {
  return { person: await knownPerson(db.prisma, a.ids[key]!), account: { platform: 'local', tenant: `T-${randomUUID()}`, userId: key } };
}

/** The head's decisions and the governors' report read the school's calendar, as the app has it. */
async function withTermDates(): Promise<void> {
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('the term dates fixture does not parse');
  await db.prisma.school.update({ where: { id: a.schoolId }, data: { termDates: terms.value } });
}

/** What the bot replies to `text` typed by `key`, as plain text (a dialog's first question when it starts one). */
async function replyTo(key: string, text: string): Promise<string> {
  const outcome = await bot.command(await actor(key), text, randomUUID());
  // As sent: files a reply names (my-records, the governors' report) made.
  return outcome.kind === 'reply' ? (await bot.prepare(outcome.messages)).map(messageText).join('\n') : '';
}

/** Each typed command's reply matches its expected words, and none names a policy paragraph, an ISO date or a step name. */
async function expectPlainReplies(typed: readonly [string, string, RegExp][]): Promise<void> {
  const found: string[] = [];
  for (const [key, text, expected] of typed) {
    const reply = await replyTo(key, text);
    expect(reply, `${key} “${text}”`).toMatch(expected);
    found.push(...internalIn([reply], `${key} “${text}”`));
  }
  expect(found).toEqual([]);
}

describe('dates and words people use in the report replies and common refusals (002 §18)', () => {
  it('no reply to status, overdue, summary, request-access, change-reviewer or a refusal shows a policy paragraph, an ISO date or a step name', async () => {
    const typed: [string, string][] = [
      ['tia', 'status'],
      ['mo', 'status'],
      ['head', 'status'],
      ['mo', 'overdue'],
      ['head', 'overdue'],
      ['tia', 'overdue'],
      ['lee', 'summary'],
      ['head', 'summary'],
      ['tia', 'summary'],
      ['mo', 'request-access'],
      ['mo', 'request-access Nobody Here: to plan support'],
      ['tia', 'request-access Sam Scholar: to plan support'],
      ['head', 'access-requests'],
      ['tia', 'see-plan Sam Scholar'],
      ['tia', 'grant ZZZZ'],
      ['tia', 'change-reviewer'],
      ['tia', 'change-reviewer we teach different key stages'],
      ['tia', 'change-reviewer we teach different key stages'],
      ['head', 'keep-reviewer ZZZZ the reasons were heard'],
    ];
    const found: string[] = [];
    let replies = 0;
    for (const [key, text] of typed) {
      const reply = await replyTo(key, text);
      if (reply !== '') replies++;
      found.push(...internalIn([reply], `${key} “${text}”`));
    }
    expect(replies).toBe(typed.length);
    expect(found).toEqual([]);
  });

  it('002 §25, §35: no reply to the head-only restart-cycle, keep-cycle, reassign-reviewer or allow-reviewees, or their refusals, shows a policy paragraph', async () => {
    await withTermDates();
    const typed: [string, string, RegExp][] = [
      ['head', 'restart-cycle', /^Please name the colleague/],
      ['mo', 'keep-cycle Sam Scholar', /^Only the head of Sam Scholar’s school decides whether their cycle begins again\.$/],
      ['head', 'restart-cycle Hugh Head', /^Whether the head’s own cycle begins again is for the governing body to decide, not in Trellis\.$/],
      ['head', 'keep-cycle Sam Scholar', /^Recorded: Sam Scholar’s cycle carries on as it is\. They have been told\.$/],
      ['mo', 'reassign-reviewer Sam Scholar: Lee Leader', /^Only the head of Sam Scholar’s school decides whether to change their reviewer\.$/],
      ['head', 'reassign-reviewer Hugh Head: Lee Leader', /^Whether to change the head’s own reviewers is for the governing body to decide, not in Trellis\.$/],
      [
        'head',
        'reassign-reviewer Sam Scholar: Lee Leader',
        /^Recorded: Lee Leader reviews Sam Scholar from Mon 23 Nov\. The cycle carries on: nothing already done is redone, and what was still open passes to the new reviewer\. They have been told, and so has Mo Manager\.$/,
      ],
      ['mo', 'allow-reviewees Mo Manager', /^Only the head of Mo Manager’s school confirms an exception to the number of reviewees\.$/],
      ['head', 'allow-reviewees Mo Manager', /^Mo Manager reviews 2 people, within the policy’s 5, so there is no exception to confirm\.$/],
    ];
    await expectPlainReplies(typed);
  });

  it('002 §18, §44, §36–39, §8: what a person is told of their own records and who read them, and the governors’ report and moderation as chat shows them, name no policy paragraph (the documents keep theirs)', async () => {
    await withTermDates();
    // An administrator's export from the command line is in Sam's log (002 §44), as `trellis export person` leaves it.
    const store = new PrismaRecordsStore(db.prisma);
    const sam = await store.findById(a.ids.sam!);
    if (sam === undefined) throw new Error('Sam is not in the records store');
    await store.noteExport(sam, { via: 'cli' }, new Date('2026-11-20T10:00:00Z'));
    const typed: [string, string, RegExp][] = [
      ['tia', 'my-records', /^Here is everything Trellis holds about you: 14 records of 8 kinds, including the reminders sent to you and who has read your records\. The PDF is to read, keep or print; only you have been sent it\.\nThe same document as a web page \(HTML\), to open in a browser\.\nThe same data as a machine-readable file \(JSON\), if you want to take it elsewhere\.$/],
      ['tia', 'delete-expired', /^None of your records has run out its retention period of 6 years after the end of the academic year, so there is nothing to delete\.$/],
      ['sam', 'who-has-seen', /^Who has seen my records\n {2}• Mon 23 Nov: Mo Manager saw what is due and overdue in your cycle as your reviewer\n {2}• Mon 23 Nov: Hugh Head saw what is due and overdue in your cycle as your head\n {2}• Fri 20 Nov: An administrator exported everything Trellis holds about you, from the command line, to answer a subject access request\nEveryone other than you who reads your records — your plan, reflection, check-ins, observations, reviews, appeal, or what is due in your cycle — is recorded here, with the reason they were allowed to\. The same reader on the same day is listed once\.$/],
      ['tia', 'report governors', /^The governors’ report is for the head teacher and the deputy the head delegated performance management to; a trust leader gets each school’s\. If you think you should have it, please ask your Trellis administrator\.$/],
      ['head', 'report governors', /^thomas-alleyne school: the annual report to governors on performance management, 2026\/27, as a PDF to circulate\. It names nobody, and figures from 1 to 4 are not shown\.\nThe same report as a web page\.\nIts figures as a spreadsheet \(CSV\)\.$/],
      ['mo', 'moderate', /^Moderating a sample of planning statements is for the head teacher\.$/],
      ['head', 'moderate', /^A random sample of 1 of the 1 planning statements written down for 2026\/27, without names, to check they are consistent between colleagues with similar experience and responsibility and comply with the policy\. Each one you see is recorded in its owner’s access log\.\n\*Plan A\* \(teacher; submitted\)\n1\. Raise Year 9 practical scores — SECRET-REFLECTION-ANSWER\n2\. Lead the KS3 science club\n3\. Dropped idea$/],
    ];
    await expectPlainReplies(typed);
  });
});
