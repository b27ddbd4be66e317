import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/core/conversations/engine/commands.ts';
import { resolveStep, SUMMARY_STEP } from '../../../src/core/conversations/engine/dialog-state.ts';
import { createPrismaClient } from '../../../src/storage/db/create-prisma-client.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from './support/chat.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';

let db: TestDatabase;
let s: SeededSchool;

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
});
afterAll(() => db.drop());

const tomChat = () => new Chat(newEngine(db.prisma), s.ids.tom!);

describe('commands', () => {
  it('are whole messages in any case, never words inside an answer', () => {
    expect(parseCommand({ kind: 'text', text: '  BACK ' })).toEqual({ kind: 'back' });
    expect(parseCommand({ kind: 'text', text: 'Skip.' })).toEqual({ kind: 'skip' });
    expect(parseCommand({ kind: 'text', text: 'edit Standard 3' })).toEqual({ kind: 'edit', target: 'standard 3' });
    expect(parseCommand({ kind: 'choice', value: 'submit' })).toEqual({ kind: 'submit' });
    expect(parseCommand({ kind: 'text', text: 'Back to basics with 9X seating plans' })).toBeUndefined();
    expect(parseCommand({ kind: 'text', text: 'cancel the detention culture' })).toBeUndefined();
  });

  it('treats "Back …" inside a longer answer as the answer', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    await chat.user('fully');
    await chat.user('Back to basics: seating plans and routines');
    expect(chat.step()).toBe('ts2-rating');
    await chat.user('back');
    expect(chat.lastBot()).toMatch(/Your answer so far: Back to basics: seating plans and routines\nWhat might you do next/);
  });
});

describe('the engine', () => {
  it('greets an unknown message with the menu, and `help` lists what it can do', async () => {
    const chat = tomChat();
    await chat.user('hello?');
    expect(chat.lastBot()).toMatch(/^I didn’t catch that\.\nHere’s what I can help with:\n• `reflect` — Self-reflection\n• `plan` — Growth plan/);
    await chat.user('HELP');
    expect(chat.lastBot()).toMatch(/^Here’s what I can help with/);
    expect(chat.last?.conversation).toBeUndefined();
  });

  it('goes back and forward, edits from the summary, and refuses to skip what is required', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    await chat.user('back');
    expect(chat.lastBot()).toMatch(/^This is the first question\./);
    await chat.user('skip');
    expect(chat.lastBot()).toMatch(/^This one can’t be skipped — a short answer is fine\.\n\*1 Set high/);
    await chat.answers('fully', 'Try think-pair-share', 'mostly');
    expect(chat.step()).toBe('ts2-next');
    await chat.user('back');
    expect(chat.step()).toBe('ts2-rating');
    expect(chat.lastBot()).toMatch(/Your answer so far: I am confident that I am meeting this expectation most of the time/);
    await chat.user('back');
    expect(chat.step()).toBe('ts1-next');
    await chat.user('Try cold calling');
    // after correcting an earlier answer, carry on where we were
    expect(chat.step()).toBe('ts2-next');
    for (let i = 0; i < 8; i++) await chat.answers(i === 0 ? 'More retrieval practice' : 'skip', ...(i < 7 ? ['fully'] : []));
    await chat.answers('Warmth', 'Assessment', 'Retrieval practice');
    expect(chat.step()).toBe(SUMMARY_STEP);
    expect(chat.lastBot()).toMatch(/Standard 1 — next step: Try cold calling/);

    await chat.user('edit standard 7');
    expect(chat.step()).toBe('ts7-rating');
    await chat.user('not-always');
    expect(chat.step()).toBe(SUMMARY_STEP);
    expect(chat.lastBot()).toMatch(/Standard 7 — rating: I am not always meeting this expectation/);
    await chat.user('edit the weather');
    // The answers are named as the summary names them, never by their internal step names.
    expect(chat.lastBot()).toMatch(/I can’t find “the weather” among your answers\. You can edit: “Standard 1 — rating”, “Standard 1 — next step”/);
    expect(chat.lastBot()).not.toMatch(/ts\d-/);
    await chat.user('edit closing-suggested-focus');
    await chat.user('Retrieval practice in KS3');
    await chat.user('what?');
    expect(chat.lastBot()).toMatch(/Say `submit` to send it/);
    await chat.user('yes');
    expect(chat.lastBot()).toMatch(/your self-reflection is saved/);
    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: s.cycles.tom! } });
    const entries = saved.entries as { standard?: string; rating?: string; answer?: string }[];
    expect(entries.find((e) => e.standard === 'ts7')?.rating).toBe('not-always');
    expect(entries.at(-1)?.answer).toBe('Retrieval practice in KS3');
  });

  it('pauses and resumes, and keeps one active dialog per thread', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    await chat.user('fully');
    await chat.user('Pause');
    expect(chat.lastBot()).toMatch(/^Paused — your answers so far are saved\. Say `resume`/);
    expect(chat.last?.conversation?.status).toBe('paused');
    await chat.user('plan');
    expect(chat.lastBot()).toBe('Your self-reflection is paused in this thread. Say `resume` to carry on, or `cancel` to discard it.');
    await chat.user('resume');
    expect(chat.lastBot()).toMatch(/^Welcome back — carrying on with your self-reflection\.\nYou can answer the rest of “Reflection: the standards” \(18 questions\) in one form[^\n]*\n {2}1\. Answer in a form\nWhat might you do next/);
    expect(chat.step()).toBe('ts1-next');
    // a trigger word typed mid-dialog is an answer, not a second dialog
    await chat.user('plan');
    expect(chat.step()).toBe('ts2-rating');
    await chat.user('cancel');
    expect(chat.lastBot()).toMatch(/^You’ve given 2 answers so far\. Discard them and cancel your self-reflection\?/);
    await chat.press('yes');
    expect(chat.lastBot()).toBe('Cancelled your self-reflection. Nothing was submitted.');
    await chat.user('check-in');
    expect(chat.last?.conversation).toMatchObject({ dialogId: 'check-in', status: 'active' });
  });

  it('survives a restart: a new engine and a new database connection carry on mid-dialog', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    await chat.answers('fully', 'Cold calling');
    const second = createPrismaClient(db.url);
    try {
      chat.engine = newEngine(second);
      await chat.user('mostly');
      expect(chat.step()).toBe('ts2-next');
      expect(chat.lastBot()).toMatch(/What might you do next/);
    } finally {
      await second.$disconnect();
    }
  });

  it('applies a duplicated inbound message once', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    const id = randomUUID();
    await chat.user('fully', id);
    expect(chat.step()).toBe('ts1-next');
    const retry = await chat.user('fully', id);
    expect(retry).toEqual({ messages: [], notifications: [], duplicate: true });
    await chat.user('Next step one');
    expect(chat.step()).toBe('ts2-rating');
    const row = await db.prisma.conversation.findUniqueOrThrow({ where: { tenant_threadKey: { tenant: chat.tenant, threadKey: chat.threadKey } } });
    expect((row.values as { trail: string[] }).trail).toEqual(['ts1-rating', 'ts1-next']);
    expect(await db.prisma.processedInbound.count({ where: { messageId: id } })).toBe(1);
  });

  it('handles the same message delivered twice at once', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    const id = randomUUID();
    const input = { tenant: chat.tenant, platform: 'slack' as const, threadKey: chat.threadKey, personId: chat.personId, messageId: id, input: { kind: 'text' as const, text: 'fully' } };
    const results = await Promise.all([chat.engine.handle(input), newEngine(db.prisma).handle(input)]);
    expect(results.filter((r) => r.duplicate)).toHaveLength(1);
    await chat.user('A next step');
    expect(chat.step()).toBe('ts2-rating');
  });

  it('maps a step that a deploy renamed or removed to the nearest valid step', async () => {
    expect(resolveStep('old-name', ['a', 'b', 'c'], { a: 'x' }, { 'old-name': 'c' })).toBe('c');
    expect(resolveStep('gone', ['a', 'b', 'c'], { a: 'x' }, {})).toBe('b');
    expect(resolveStep('gone', ['a'], { a: 'x' }, {})).toBe(SUMMARY_STEP);

    const chat = tomChat();
    await chat.user('reflect');
    await chat.answers('fully', 'Cold calling');
    await db.prisma.conversation.update({
      where: { tenant_threadKey: { tenant: chat.tenant, threadKey: chat.threadKey } },
      data: { step: 'ts2-confidence', dialogVersion: 0 + 1 },
    });
    await chat.user('mostly');
    expect(chat.step()).toBe('ts2-next');
  });

  it('starts afresh when the stored state is corrupt rather than failing forever', async () => {
    const chat = tomChat();
    await chat.user('reflect');
    await db.prisma.conversation.update({ where: { tenant_threadKey: { tenant: chat.tenant, threadKey: chat.threadKey } }, data: { values: { nonsense: true } } });
    await chat.user('reflect');
    expect(chat.step()).toBe('ts1-rating');
  });

  it('rolls the whole turn back when writing records fails, so the retry works', async () => {
    const chat = tomChat();
    await chat.user('log');
    const id = randomUUID();
    await db.prisma.$executeRawUnsafe('ALTER TABLE diary_entries ADD CONSTRAINT no_bananas CHECK (body NOT LIKE \'%banana%\')');
    try {
      await expect(chat.user('banana bread for the department', id)).rejects.toThrow();
    } finally {
      await db.prisma.$executeRawUnsafe('ALTER TABLE diary_entries DROP CONSTRAINT no_bananas');
    }
    expect(await db.prisma.processedInbound.count({ where: { messageId: id } })).toBe(0);
    await chat.user('banana bread for the department', id);
    expect(chat.lastBot()).toMatch(/Noted in your growth diary/);
  });

  it('tells someone not on the roster that it cannot find them', async () => {
    const chat = new Chat(newEngine(db.prisma), randomUUID());
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/can’t find you on your school’s staff list/);
  });
});
