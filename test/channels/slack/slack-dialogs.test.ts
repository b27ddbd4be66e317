import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool, type SeededSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { buttonsOf, deliverQueued, nextReplies, type SlackUser as User, SlackUser, type SlackWorld, settle, startSlackWorld, textOf, threadMessages } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
let slug: string;

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  world = await startSlackWorld(db, fixedClock('2026-10-05T09:00:00Z'));
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

/** Answers the thread's latest question (a button press when `reply` is one of its buttons, else a reply); returns what the bot said. */
async function answer(user: User, threadTs: string, reply: string): Promise<string> {
  const before = threadMessages(world.fake, threadTs);
  const last = before.at(-1)!;
  const post = buttonsOf(last).includes(reply) ? await user.press(last, reply) : (await user.say(reply, threadTs)).post;
  expect(post.status).toBe(200);
  return (await nextReplies(world, threadTs, before.length)).map(textOf).join('\n');
}

const HEADINGS = 9;

describe('a self-reflection in a Slack DM thread (001 Kingsmead: three levels per Teachers’ Standard)', () => {
  it('starts from /growth reflect, asks in a thread, takes button presses and replies, and saves the reflection', async () => {
    const tom = new SlackUser(world, 'UTOM', `tom@${slug}.example`);
    new SlackUser(world, 'ULENA', `lm@${slug}.example`);
    const ack = await tom.command('reflect');
    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    await world.fake.until(() => world.fake.responses.length === 1);
    await settle(world);

    const parent = world.fake.callsOf('chat.postMessage').find((c) => c.body.thread_ts === undefined && c.body.channel === tom.dm)!;
    expect(parent.body.text).toMatch(/Self-reflection · 2026\/27 — reply in this thread/);
    const threadTs = String(parent.response.ts);
    expect(threadMessages(world.fake, threadTs).map(textOf).join('\n')).toMatch(/1b\. Set goals that stretch and challenge/);
    expect(buttonsOf(threadMessages(world.fake, threadTs).at(-1))).toContain('mostly');
    expect(JSON.stringify(world.fake.responses[0]!.body)).toMatch(/in a thread in our direct messages/);

    for (let i = 0; i < HEADINGS; i++) {
      const rated = threadMessages(world.fake, threadTs).at(-1)!;
      await answer(tom, threadTs, 'mostly');
      // The pressed question is updated to show the answer, with its buttons gone; the first
      // question shares its post with the offer of the form, whose button stays.
      const update = world.fake.callsOf('chat.update').find((c) => c.body.ts === rated.response.ts)!;
      expect(buttonsOf(update)).toEqual(i === 0 ? ['form', 'Answer in a form'] : []);
      expect(JSON.stringify(update.body.blocks)).toMatch(/You chose: \*I am confident/);
      await answer(tom, threadTs, `Next step ${i + 1}`);
    }
    await answer(tom, threadTs, 'Relationships with pupils');
    await answer(tom, threadTs, 'Adaptive teaching for SEND');
    const summary = await answer(tom, threadTs, 'Questioning');
    expect(summary).toMatch(/Is this ready to submit\?/);
    const done = await answer(tom, threadTs, 'submit');
    expect(done).toMatch(/your self-reflection is saved and Lena can see it/);

    const saved = await db.prisma.selfReflection.findUniqueOrThrow({ where: { cycleId: school.cycles.tom! } });
    expect(saved).toMatchObject({ status: 'submitted', strengths: 'Relationships with pupils', areasForGrowth: 'Adaptive teaching for SEND' });
    const entries = saved.entries as { kind: string; rating?: string; nextSteps?: string }[];
    expect(entries.filter((e) => e.kind === 'standard')).toHaveLength(HEADINGS);
    expect(entries[0]).toMatchObject({ rating: 'mostly', nextSteps: 'Next step 1' });
    // Lena is told in her own DM, found by her roster e-mail, by the job worker delivering what the turn queued.
    expect(world.fake.callsOf('chat.postMessage').some((c) => c.body.channel === 'DULENA')).toBe(false);
    await deliverQueued(world);
    await world.fake.until(() => world.fake.callsOf('chat.postMessage').some((c) => c.body.channel === 'DULENA'));
    expect(world.fake.callsOf('users.lookupByEmail').map((c) => c.body.email)).toContain(`lm@${slug}.example`);
    expect(textOf(world.fake.callsOf('chat.postMessage').find((c) => c.body.channel === 'DULENA'))).toBe('Tom Teacher has completed their self-reflection.');
  });
});

describe('a growth plan through a Slack thread, agreed by the reviewer in hers (001 Appendix B)', () => {
  it('Tom writes and submits his plan; Lena agrees it from a DM; both are recorded', async () => {
    const tom = new SlackUser(world, 'UTOM', `tom@${slug}.example`);
    const lena = new SlackUser(world, 'ULENA', `lm@${slug}.example`);
    // A top-level DM works like /growth: the dialog starts in the thread of Tom's own message.
    const started = await tom.say('plan');
    expect(started.post.status).toBe(200);
    const opening = await nextReplies(world, started.ts, 0);
    expect(textOf(opening[0])).toMatch(/Growth plan · 2026\/27/);
    expect(textOf(opening.at(-1))).toMatch(/When I’m at my best, what are my strengths\?/);
    for (const text of ['Relationships', 'Questioning', 'Low participation in 9X', 'Everyone in 9X answers', 'Positive behaviour for learning', 'Hands-down responses rise', 'Some cold calling already', 'Read Lemov; practise weekly']) {
      await answer(tom, started.ts, text);
    }
    const summary = await answer(tom, started.ts, 'By July I am cold-calling in every lesson so that all of 9X answer questions');
    expect(summary).toMatch(/Your growth plan/);
    expect(await answer(tom, started.ts, 'submit')).toMatch(/submitted to Lena for agreement/);
    expect(await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: school.cycles.tom! } })).toMatchObject({ status: 'submitted' });

    const review = await lena.say('agree');
    const waiting = await nextReplies(world, review.ts, 0);
    expect(textOf(waiting.at(-1))).toMatch(/This plan is waiting for your agreement/);
    await answer(lena, review.ts, 'Tom Teacher');
    await answer(lena, review.ts, 'agreed');
    await answer(lena, review.ts, 'skip');
    expect(await answer(lena, review.ts, 'submit')).toMatch(/^Agreed — I’ve told Tom\.$/);
    const plan = await db.prisma.growthPlan.findUniqueOrThrow({ where: { cycleId: school.cycles.tom! } });
    expect(plan).toMatchObject({ status: 'agreed', agreedById: school.ids.lm });
    const goals = await db.prisma.planGoal.findMany({ where: { planId: plan.id } });
    expect(goals.map((g) => g.title)).toContain('Everyone in 9X answers');
  });
});

describe('/growth checkin @person', () => {
  it('opens a check-in thread in the reviewer’s DM at its first real question, not “who with?”', async () => {
    new SlackUser(world, 'UTOM', `tom@${slug}.example`);
    const lena = new SlackUser(world, 'ULENA', `lm@${slug}.example`);
    const posted = world.fake.callsOf('chat.postMessage').length;
    const ack = await lena.command('checkin <@UTOM|tom>');
    expect(ack.status).toBe(200);
    await world.fake.until(() => world.fake.callsOf('chat.postMessage').slice(posted).some((c) => c.body.thread_ts !== undefined));
    await settle(world);
    const parent = world.fake.callsOf('chat.postMessage').slice(posted).find((c) => c.body.thread_ts === undefined && c.body.channel === lena.dm)!;
    expect(parent.body.text).toMatch(/Check-in record · 2026\/27/);
    const thread = threadMessages(world.fake, String(parent.response.ts)).map(textOf).join('\n');
    expect(thread).toMatch(/When was the check-in\?/);
    const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { personId: school.ids.lm!, dialogId: 'check-in' } });
    expect(conversation.step).not.toBe('colleague');
  });
});

describe('an answer over the limit in Slack', () => {
  it('is refused with the limit stated and its first lines quoted back in the thread, so the 10,000 characters are not lost, and the question stays open', async () => {
    const lena = new SlackUser(world, 'ULENA', `lm@${slug}.example`);
    const started = await lena.say('reflect');
    expect(started.post.status).toBe(200);
    await nextReplies(world, started.ts, 0);
    await answer(lena, started.ts, 'mostly');
    const long = `Cold calling in every lesson.\nHinge questions before practice.\n${'More detail. '.repeat(770)}`;
    expect(long.length).toBeGreaterThan(10_000);
    const refused = await answer(lena, started.ts, long);
    // The first lines come back quoted, escaped for mrkdwn like every text Trellis sends to Slack.
    expect(refused).toMatch(/^That answer is 10,\d{3} characters; the limit is 4,000\. Please shorten it and send it again — it began:\n&gt; Cold calling in every lesson\.\n&gt; Hinge questions before practice\./);
    const conversation = await db.prisma.conversation.findFirstOrThrow({ where: { personId: school.ids.lm!, dialogId: 'self-reflection' } });
    expect(conversation.step).toBe('ts1-next');
    await answer(lena, started.ts, long.slice(0, 4000));
    expect((await db.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).step).toBe('ts2-rating');
  });
});
