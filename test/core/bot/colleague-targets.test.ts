import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { type DialogTarget, TrellisBot, type TrellisBotDeps } from '../../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { turnCause } from '../../../src/core/notifications/notification-queue.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import type { TurnResult } from '../../../src/core/conversations/engine/run-turn.ts';
import { queuedNotifications } from '../../support/queued-notifications.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { newEngine, OCTOBER } from '../conversations/support/chat.ts';

let db: TestDatabase;
let s: SeededSchool;
let bot: TrellisBot;

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lena', fullName: 'Lena Manager', role: 'leader' },
    { key: 'chloe', fullName: 'Chloe Baker', role: 'teacher', lineManager: 'lena' },
    { key: 'sam1', fullName: 'Sam Hill', role: 'teacher', lineManager: 'lena' },
    { key: 'sam2', fullName: 'Sam Lowe', role: 'teacher', lineManager: 'lena' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lena' },
    { key: 'nina', fullName: 'Nina Other', role: 'teacher' },
  ]);
  // Only the engine is used by startDialog; the rest of the bot is not reached here.
  bot = new TrellisBot({ engine: newEngine(db.prisma), dialogs: ALL_DIALOGS, clock: OCTOBER } as unknown as TrellisBotDeps);
});
afterAll(() => db.drop());

function actor(key: string): Actor {
  return {
    person: { id: s.ids[key]!, schoolId: s.schoolId, fullName: key, email: `${key}@x.example`, role: key === 'lena' ? 'leader' : 'teacher', active: true },
    account: { platform: 'local', tenant: `T-${randomUUID()}`, userId: key },
  };
}

async function start(key: string, words: string): Promise<{ result: TurnResult; text: string; actor: Actor; threadKey: string }> {
  const who = actor(key);
  const outcome = await bot.command(who, words, randomUUID());
  if (outcome.kind !== 'start-dialog') throw new Error(`"${words}" did not start a dialog`);
  const target: DialogTarget | undefined = outcome.target === undefined ? undefined : { text: outcome.target };
  const threadKey = `thread-${randomUUID()}`;
  const result = await bot.startDialog(who, { threadKey, messageId: randomUUID() }, { trigger: outcome.trigger, target });
  return { result, text: result.messages.map(messageText).join('\n'), actor: who, threadKey };
}

async function colleagueOf(threadKey: string): Promise<unknown> {
  const row = await db.prisma.conversation.findFirstOrThrow({ where: { threadKey } });
  return (row.values as { values: Record<string, unknown> }).values.colleague;
}

describe('colleague targets: `checkin @person` and friends act on the named colleague', () => {
  it('`checkin @Chloe` by her line manager records Chloe’s check-in, conducted by the manager (004 §6.7: the appraiser may record it), and tells Chloe', async () => {
    const { result, actor: lena, threadKey } = await start('lena', 'checkin @Chloe');
    expect(result.conversation).toMatchObject({ dialogId: 'check-in', step: 'held-on', status: 'active' });
    expect(await colleagueOf(threadKey)).toBe(s.ids.chloe);
    const say = (text: string, messageId = randomUUID()) => bot.handleMessage(lena, { threadKey, messageId }, { kind: 'text', text });
    for (const answer of ['2 Oct', 'Her behaviour plan for 9X', 'Try a seating plan', 'skip', 'skip']) await say(answer);
    const submitted = randomUUID();
    const done = await say('submit', submitted);
    expect(done.messages.map(messageText).join('\n')).toBe('Saved your check-in with Chloe of Fri 2 Oct.');
    const queued = await queuedNotifications(db.prisma, `notify:${turnCause({ ...lena.account, messageId: submitted })}:`);
    expect(queued.map((n) => n.personId)).toEqual([s.ids.chloe]);
    const saved = await db.prisma.checkIn.findFirstOrThrow({ where: { personId: s.ids.chloe! } });
    expect(saved).toMatchObject({ conductedById: s.ids.lena, discussed: 'Her behaviour plan for 9X' });
    expect(await db.prisma.checkIn.count({ where: { personId: s.ids.lena! } })).toBe(0);
  });

  it('finds the colleague by full name, first name when unique, e-mail or person id (a mention)', async () => {
    expect(await colleagueOf((await start('lena', 'feedback Chloe Baker')).threadKey)).toBe(s.ids.chloe);
    expect(await colleagueOf((await start('lena', 'observe chloe')).threadKey)).toBe(s.ids.chloe);
    const { email } = await db.prisma.person.findUniqueOrThrow({ where: { id: s.ids.chloe! } });
    expect(await colleagueOf((await start('lena', `schedule ${email.toUpperCase()}`)).threadKey)).toBe(s.ids.chloe);
    const grow = await start('lena', `grow ${s.ids.tom}`);
    expect(await colleagueOf(grow.threadKey)).toBe(s.ids.tom);
    expect(grow.result.conversation?.step).not.toBe('colleague');
  });

  it('says plainly why not: a first name two people share, or someone the speaker does not review', async () => {
    const sam = await start('lena', 'checkin @Sam');
    expect(sam.text).toMatch(/More than one person you review is called Sam \(Sam Hill, Sam Lowe\) — which one\? Use their full name\./);
    expect(sam.result.conversation?.step).toBe('colleague');
    const nina = await start('lena', 'feedback @Nina');
    expect(nina.text).toMatch(/“Nina” isn’t someone you review, coach or line-manage, so I can’t do this for them\. You can choose from: Chloe Baker, Sam Hill, Sam Lowe, Tom Teacher\./);
  });

  it('someone who reviews nobody is told so, and nothing is started or recorded as their own', async () => {
    const { text, result } = await start('tom', 'checkin @Chloe');
    expect(text).toBe('I can’t start a check-in record about Chloe: you don’t review, coach or line-manage anyone on your school’s staff list. Say `check-in` on its own for your own.');
    expect(result.conversation).toBeUndefined();
  });

  it('drafts about colleagues are one per colleague: `checkin @Chloe` again resumes Chloe’s, `checkin @Tom` starts Tom’s', async () => {
    const lena = actor('lena');
    const begin = async (words: string) => {
      const outcome = await bot.command(lena, words, randomUUID());
      if (outcome.kind !== 'start-dialog') throw new Error(`"${words}" did not start a dialog`);
      const threadKey = `thread-${randomUUID()}`;
      const result = await bot.startDialog(lena, { threadKey, messageId: randomUUID() }, { trigger: outcome.trigger, target: outcome.target === undefined ? undefined : { text: outcome.target } });
      return { threadKey, result, text: result.messages.map(messageText).join('\n') };
    };
    const first = await begin('checkin @Chloe');
    await bot.handleMessage(lena, { threadKey: first.threadKey, messageId: randomUUID() }, { kind: 'text', text: '2 Oct' });
    const again = await begin('checkin Chloe Baker');
    expect(again.text).toMatch(/You were on question 3 of \d+ of your check-in record; your answers are kept/);
    expect(again.result.conversation?.step).toBe('discussed');
    const tomsCheckIn = await begin('checkin @Tom');
    expect(tomsCheckIn.text).not.toMatch(/You were on question/);
    expect(tomsCheckIn.result.conversation?.step).toBe('held-on');
    const live = await db.prisma.conversation.findMany({ where: { tenant: lena.account.tenant, dialogId: 'check-in', status: { in: ['active', 'paused'] } } });
    expect(live).toHaveLength(2);
  });

  it('`checkin` with no one named lets a reviewer choose their own check-in', async () => {
    const { text, result } = await start('lena', 'checkin');
    expect(text).toMatch(/Whose check-in is this\?/);
    expect(result.conversation?.step).toBe('colleague');
  });
});
