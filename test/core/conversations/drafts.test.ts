import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_STEP } from '../../../src/core/conversations/engine/dialog-state.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { Chat, newEngine } from './support/chat.ts';

let db: TestDatabase;
let s: SeededSchool;

beforeAll(async () => {
  db = await createTestDatabase();
  s = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
    // Uses Slack and Teams (both linked); nobody else's drafts are on another platform.
    { key: 'sam', fullName: 'Sam Both', role: 'teacher', lineManager: 'lm' },
  ]);
});
afterAll(() => db.drop());

/** Several threads of one person in one workspace, as a channel opens a new thread per start. */
function workspace(clock = fixedClock('2026-10-05T09:00:00Z')) {
  const tenant = `T-${randomUUID()}`;
  const engine = newEngine(db.prisma, clock);
  return { tenant, thread: () => new Chat(engine, s.ids.tom!, `thread-${randomUUID()}`, tenant) };
}

async function liveReflections(tenant: string): Promise<number> {
  return db.prisma.conversation.count({ where: { tenant, dialogId: 'self-reflection', status: { in: ['active', 'paused'] } } });
}

describe('drafts that never get lost', () => {
  it('starting a reflection again resumes the draft in the new thread at the first unanswered question, so only one is live', async () => {
    const ws = workspace();
    const first = ws.thread();
    await first.user('reflect');
    await first.answers('fully', 'Cold calling', 'mostly');
    expect(first.step()).toBe('ts2-next');

    const second = ws.thread();
    await second.user('reflect');
    expect(second.lastBot()).toMatch(/^You were on question 4 of \d+ of your self-reflection; your answers are kept — carry on, or say `restart`\./);
    expect(second.lastBot()).toMatch(/What might you do next/);
    expect(second.step()).toBe('ts2-next');
    expect(await liveReflections(ws.tenant)).toBe(1);

    // The old thread knows where its draft went; nothing can be submitted from there.
    await first.user('Retrieval practice');
    expect(first.lastBot()).toMatch(/^Your self-reflection carries on in the thread where you last started it — reply there\./);
    expect(first.last?.conversation).toBeUndefined();

    await second.user('Retrieval practice');
    expect(second.step()).toBe('ts3-rating');
  });

  it('a reflection begun in Slack and started again in Teams by the same (linked) person resumes there at the first unanswered question; the Slack thread points to it', async () => {
    const engine = newEngine(db.prisma, fixedClock('2026-10-05T09:00:00Z'));
    const slack = new Chat(engine, s.ids.sam!, `slack-${randomUUID()}`, `T-slack-${randomUUID()}`, 'slack');
    const teams = new Chat(engine, s.ids.sam!, `teams-${randomUUID()}`, `tenant-${randomUUID()}`, 'teams');
    await slack.user('reflect');
    await slack.answers('fully', 'Cold calling', 'mostly');
    expect(slack.step()).toBe('ts2-next');

    await teams.user('reflect');
    expect(teams.lastBot()).toMatch(/^_You started this self-reflection in Slack; it carries on here\._\nYou were on question 4 of \d+ of your self-reflection; your answers are kept/);
    expect(teams.step()).toBe('ts2-next');
    const live = await db.prisma.conversation.findMany({ where: { personId: s.ids.sam!, dialogId: 'self-reflection', status: { in: ['active', 'paused'] }, tenant: { in: [slack.tenant, teams.tenant] } }, select: { platform: true } });
    expect(live).toEqual([{ platform: 'teams' }]);

    await slack.user('Retrieval practice');
    expect(slack.lastBot()).toMatch(/^Your self-reflection carries on in the thread where you last started it — reply there\./);
    await teams.user('Retrieval practice');
    expect(teams.step()).toBe('ts3-rating');
    // The earlier answers came with it: the answer typed in Slack sits with the one typed in Teams.
    const row = await db.prisma.conversation.findUnique({ where: { tenant_threadKey: { tenant: teams.tenant, threadKey: teams.threadKey } }, select: { values: true } });
    expect((row?.values as { values?: Record<string, unknown> } | null)?.values).toMatchObject({ 'ts1-next': 'Cold calling', 'ts2-next': 'Retrieval practice' });
  });

  it('typing `plan` again after a pause carries on with the paused draft instead of starting over', async () => {
    const ws = workspace();
    const first = ws.thread();
    await first.user('plan');
    const firstStep = first.step();
    await first.user('By July I am using retrieval practice weekly so that pupils remember more');
    const secondStep = first.step();
    expect(secondStep).not.toBe(firstStep);
    await first.user('pause');
    expect(first.last?.conversation?.status).toBe('paused');

    const again = ws.thread();
    await again.user('plan');
    expect(again.lastBot()).toMatch(/^You were on question 2 of \d+ of your growth plan/);
    expect(again.last?.conversation).toMatchObject({ dialogId: 'growth-plan', status: 'active', step: secondStep });
  });

  it('keeps the answers when someone wanders off for a week', async () => {
    const ws = workspace(fixedClock('2026-10-05T09:00:00Z'));
    const monday = ws.thread();
    await monday.user('reflect');
    await monday.answers('fully', 'Cold calling');

    const weekLater = new Chat(newEngine(db.prisma, fixedClock('2026-10-12T15:30:00Z')), s.ids.tom!, `thread-${randomUUID()}`, ws.tenant);
    await weekLater.user('reflect');
    expect(weekLater.lastBot()).toMatch(/^You were on question 3 of/);
    await weekLater.user('edit standard 1');
    expect(weekLater.lastBot()).toMatch(/Your answer so far: /);
  });

  it('typing the same dialog’s word inside it says where you were instead of taking it as an answer', async () => {
    const ws = workspace();
    const chat = ws.thread();
    await chat.user('reflect');
    await chat.answers('fully');
    await chat.user('reflect');
    expect(chat.lastBot()).toMatch(/^You were on question 2 of/);
    expect(chat.step()).toBe('ts1-next');
  });

  it('`cancel` asks before discarding more than one answer; `no` keeps them, `yes` cancels', async () => {
    const ws = workspace();
    const chat = ws.thread();
    await chat.user('reflect');
    await chat.answers('fully', 'Cold calling');
    await chat.user('cancel');
    expect(chat.lastBot()).toMatch(/^You’ve given 2 answers so far\. Discard them and cancel your self-reflection\?/);
    expect(chat.last?.conversation?.status).toBe('active');
    await chat.press('no');
    expect(chat.lastBot()).toMatch(/^Kept — your answers are all still here\./);
    expect(chat.step()).toBe('ts2-rating');
    await chat.user('cancel');
    await chat.user('yes');
    expect(chat.lastBot()).toBe('Cancelled your self-reflection. Nothing was submitted.');
    expect(chat.last?.conversation?.status).toBe('cancelled');
  });

  it('`cancel` after one answer cancels at once, and an answer instead of yes/no is taken as an answer', async () => {
    const ws = workspace();
    const chat = ws.thread();
    await chat.user('reflect');
    await chat.answers('fully', 'Cold calling');
    await chat.user('cancel');
    await chat.user('mostly');
    expect(chat.step()).toBe('ts2-next');

    const other = ws.thread();
    await other.user('cancel'); // not this thread's to cancel: one line says where the dialog is
    expect(other.lastBot()).toBe('You have 1 conversation waiting (self-reflection) — please reply in its thread, or say `help` for what I can do.');
    expect(other.last?.conversation).toBeUndefined();
    await chat.user('restart');
    await chat.user('yes');
    expect(chat.lastBot()).toMatch(/^Starting your self-reflection again from the first question\./);
    await chat.answers('fully');
    await chat.user('cancel');
    expect(chat.lastBot()).toBe('Cancelled your self-reflection. Nothing was submitted.');
  });

  it('an answer over the limit is refused with the limit stated and its start quoted back, and the draft stays where it was', async () => {
    const ws = workspace();
    const chat = ws.thread();
    await chat.user('reflect');
    await chat.answers('fully');
    const long = `Cold calling every lesson.\n${'More detail. '.repeat(800)}`;
    await chat.user(long);
    expect(chat.lastBot()).toMatch(/^That answer is 10,426 characters; the limit is 4,000\. Please shorten it and send it again — it began:\n> Cold calling every lesson\.\n> More detail\./);
    expect(chat.step()).toBe('ts1-next');
    await chat.user(long.slice(0, 4000));
    expect(chat.step()).toBe('ts2-rating');
  });

  it('a reply in a thread with no dialog goes to the one dialog waiting for an answer, which carries on there', async () => {
    const ws = workspace();
    const reflection = ws.thread();
    await reflection.user('reflect');
    const elsewhere = ws.thread();
    await elsewhere.user('most of the time');
    expect(elsewhere.lastBot()).toMatch(/^_Carrying on with your self-reflection here\._\nWhat might you do next/);
    expect(elsewhere.last?.conversation).toMatchObject({ dialogId: 'self-reflection', step: 'ts1-next', status: 'active' });
    expect(await liveReflections(ws.tenant)).toBe(1);
  });

  it('with two dialogs waiting, a reply in another thread gets one line saying so, not the menu', async () => {
    const ws = workspace();
    await ws.thread().user('reflect');
    await ws.thread().user('plan');
    const elsewhere = ws.thread();
    await elsewhere.user('fully');
    expect(elsewhere.lastBot()).toBe('You have 2 conversations waiting (growth plan, self-reflection) — please reply in the thread of the one you mean, or say `help` for what I can do.');
    expect(elsewhere.last?.conversation).toBeUndefined();
  });

  it('with only a paused dialog, other words say how to resume it, and `resume` anywhere brings it back', async () => {
    const ws = workspace();
    const reflection = ws.thread();
    await reflection.user('reflect');
    await reflection.answers('fully');
    await reflection.user('pause');
    const elsewhere = ws.thread();
    await elsewhere.user('fully');
    expect(elsewhere.lastBot()).toBe('Your self-reflection is paused — say `resume` in its thread to carry on, or `help` for what I can do.');
    await elsewhere.user('resume');
    expect(elsewhere.lastBot()).toMatch(/^_Carrying on with your self-reflection here\._\nWelcome back — carrying on with your self-reflection\./);
    expect(elsewhere.last?.conversation).toMatchObject({ step: 'ts1-next', status: 'active' });
  });

  it('a draft that is all answered resumes at its summary, ready to submit', async () => {
    const ws = workspace();
    const chat = ws.thread();
    await chat.user('reflect');
    await chat.answers('fully', 'Cold calling', 'mostly');
    for (let i = 0; i < 8; i++) await chat.answers(i === 0 ? 'More retrieval practice' : 'skip', ...(i < 7 ? ['fully'] : []));
    await chat.answers('Warmth', 'Assessment', 'Retrieval practice');
    expect(chat.step()).toBe(SUMMARY_STEP);

    const again = ws.thread();
    await again.user('reflect');
    expect(again.lastBot()).toMatch(/^Your self-reflection is all answered and kept — check it and submit, or say `restart`\./);
    await again.user('submit');
    expect(again.last?.conversation?.status).toBe('completed');
  });
});
