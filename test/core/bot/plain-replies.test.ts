import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessRequests } from '../../../src/core/access/access-requests.ts';
import { ReviewerChanges } from '../../../src/core/access/reviewer-changes.ts';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import type { TrellisBot } from '../../../src/core/bot/trellis-bot.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaPeopleFacts, prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from '../../../src/storage/prisma/prisma-access-requests.ts';
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
});
