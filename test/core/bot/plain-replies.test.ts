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
  bot = storageBot(db.prisma, fixedClock(NOW), {
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

/** What the bot replies to `text` typed by `key`, as plain text (a dialog's first question when it starts one). */
async function replyTo(key: string, text: string): Promise<string> {
  const outcome = await bot.command(await actor(key), text, randomUUID());
  return outcome.kind === 'reply' ? outcome.messages.map(messageText).join('\n') : '';
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
    // The head's decisions read the school's calendar, as the app has it.
    const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
    if (!terms.ok) throw new Error('the term dates fixture does not parse');
    await db.prisma.school.update({ where: { id: a.schoolId }, data: { termDates: terms.value } });
    const typed: [string, string, RegExp][] = [
      ['head', 'restart-cycle', /^Please name the colleague/],
      ['mo', 'keep-cycle Sam Scholar', /^Only the head of Sam Scholar’s school decides whether their cycle begins again\.$/],
      ['head', 'restart-cycle Hugh Head', /^Whether the head’s own cycle begins again is for the governing body to decide, not in Trellis\.$/],
      ['head', 'keep-cycle Sam Scholar', /^Recorded: Sam Scholar’s cycle carries on as it is\. They have been told\.$/],
      ['mo', 'reassign-reviewer Sam Scholar: Lee Leader', /^Only the head of Sam Scholar’s school decides whether to change their reviewer\.$/],
      ['head', 'reassign-reviewer Hugh Head: Lee Leader', /^Whether to change the head’s own reviewers is for the governing body to decide, not in Trellis\.$/],
      ['head', 'reassign-reviewer Sam Scholar: Lee Leader', /^(Recorded: Lee Leader reviews Sam Scholar from|Lee Leader already reviews)/],
      ['mo', 'allow-reviewees Mo Manager', /^Only the head of Mo Manager’s school confirms an exception to the number of reviewees\.$/],
      ['head', 'allow-reviewees Mo Manager', /^Mo Manager (reviews|may review)/],
    ];
    const found: string[] = [];
    for (const [key, text, expected] of typed) {
      const reply = await replyTo(key, text);
      expect(reply, `${key} “${text}”`).toMatch(expected);
      found.push(...internalIn([reply], `${key} “${text}”`));
    }
    expect(found).toEqual([]);
  });
});
