import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/core/bot/bot-ports.ts';
import { TrellisBot, type TrellisBotDeps } from '../../../src/core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from '../../../src/core/conversations/dialogs/all-dialogs.ts';
import { messageText } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { PrismaActiveThreads } from '../../../src/storage/prisma/prisma-active-threads.ts';
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
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lena' },
  ]);
  // Reports and reminder actions are not reached by these words.
  bot = new TrellisBot({ engine: newEngine(db.prisma), dialogs: ALL_DIALOGS, clock: OCTOBER, threads: new PrismaActiveThreads(db.prisma) } as unknown as TrellisBotDeps);
});
afterAll(() => db.drop());

function tom(): Actor {
  return {
    person: { id: s.ids.tom!, schoolId: s.schoolId, fullName: 'Tom Teacher', email: 'tom@x.example', role: 'teacher', active: true },
    account: { platform: 'local', tenant: `T-${randomUUID()}`, userId: 'tom' },
  };
}

async function typedInDm(actor: Actor, text: string): Promise<string> {
  const outcome = await bot.command(actor, text, randomUUID());
  if (outcome.kind !== 'reply') throw new Error(`"${text}" started a dialog`);
  return outcome.messages.map(messageText).join('\n');
}

async function startIn(actor: Actor, trigger: string): Promise<string> {
  const threadKey = `thread-${randomUUID()}`;
  await bot.startDialog(actor, { threadKey, messageId: randomUUID() }, { trigger });
  return threadKey;
}

describe('typing in the DM while a dialog waits in a thread', () => {
  it('001 Appendix A: `why` in the DM with the reflection waiting explains the question it waits on, quoting the seed, and answers nothing', async () => {
    const actor = tom();
    const threadKey = await startIn(actor, 'reflect');
    const reply = await typedInDm(actor, 'why');
    expect(reply).toMatch(/^_About the question your self-reflection waits on \(its thread has the whole conversation\):_\nYou’re on “Standard 1 — rating” in your self-reflection\./);
    expect(reply).toContain('This is not a graded scale but just simply a mechanism to personally reflect on your strengths');
    const row = await db.prisma.conversation.findFirstOrThrow({ where: { threadKey } });
    expect(row.step).toBe('ts1-rating');
  });

  it('with nothing waiting, unknown words get the help as before', async () => {
    expect(await typedInDm(tom(), 'fully')).toMatch(/^I don’t know “fully”\. Here’s what I can do:/);
  });

  it('with one dialog waiting for an answer, the words are its answer', async () => {
    const actor = tom();
    const threadKey = await startIn(actor, 'reflect');
    const reply = await typedInDm(actor, 'most of the time');
    expect(reply).toMatch(/^_Taken as your answer in your self-reflection \(its thread has the whole conversation\):_\nWhat might you do next/);
    const row = await db.prisma.conversation.findFirstOrThrow({ where: { threadKey } });
    expect(row.step).toBe('ts1-next');
    expect(reply).not.toMatch(/Here’s what I can do/);
  });

  it('with two dialogs waiting, one line points to the threads instead of the long help', async () => {
    const actor = tom();
    await startIn(actor, 'reflect');
    await startIn(actor, 'plan');
    const reply = await typedInDm(actor, 'mostly');
    expect(reply).toBe('You have 2 conversations waiting (growth plan, self-reflection) — please reply in the thread of the one you mean, or type `help` for what I can do.');
  });

  it('with only a paused dialog, one line says how to resume it', async () => {
    const actor = tom();
    const threadKey = await startIn(actor, 'reflect');
    await bot.handleMessage(actor, { threadKey, messageId: randomUUID() }, { kind: 'text', text: 'pause' });
    expect(await typedInDm(actor, 'fully')).toBe('Your self-reflection is paused in its thread — say `resume` there to carry on, or type `help` for what I can do.');
    expect(await typedInDm(actor, 'help')).toMatch(/^\*Trellis\* — your professional growth cycle/);
  });
});
