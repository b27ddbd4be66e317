import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { addObligation } from '../../core/conversations/support/extra-obligations.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import type { RecordedCall } from './support/fake-slack.ts';
import { settle, SlackUser, type SlackWorld, startSlackWorld, textOf } from './support/slack-harness.ts';

/**
 * A notification a turn queued for someone else (004 §8.2: a teacher's upper pay range business
 * case goes to the head), delivered by the job engine through the real Slack channel while Slack
 * answers 500 for a while.
 */
let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;

const EVIDENCE = [
  'Observations, work scrutiny and pupil voice all show consistently strong teaching across the standards.',
  'Led two CPD sessions on retrieval practice and completed the NPQ in curriculum and assessment.',
  'Ran the Year 9 reading intervention for two years: reading ages rose by 14 months on average.',
];

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'whmat', [
    { key: 'head', fullName: 'Hugh Head', role: 'headteacher' },
    { key: 'amy', fullName: 'Amy Teacher', role: 'teacher', lineManager: 'head' },
    { key: 'ben', fullName: 'Ben Teacher', role: 'teacher', lineManager: 'head' },
  ]);
  await addObligation(db.prisma, school.cycles.amy!, school.ids.amy!, 'upr-application', '2026-10-23');
  await addObligation(db.prisma, school.cycles.ben!, school.ids.ben!, 'upr-application', '2026-10-23');
  world = await startSlackWorld(db, fixedClock('2026-10-05T09:00:00Z'));
});
afterAll(async () => {
  await world?.close();
  await db.drop();
});

const toHead = (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.channel === 'DUHEAD';
const accepted = () => world.fake.callsOf('chat.postMessage').filter((call) => toHead(call) && call.response.ok === true);
const emailOf = async (key: string) => (await db.prisma.person.findUniqueOrThrow({ where: { id: school.ids[key]! } })).email;
const runJobs = () => runDueJobs(db.url, world.app.jobs);

describe('a turn’s notification through the job queue (004 §8.2: the head is told of an upper pay range application)', () => {
  it('004 §8.2: Slack answering 500 to the head’s notification for three attempts: the head gets it once, on the fourth', async () => {
    const amy = new SlackUser(world, 'UAMY', await emailOf('amy'));
    new SlackUser(world, 'UHEAD', await emailOf('head'));
    const { ts } = await amy.say('threshold');
    for (const answer of [...EVIDENCE, 'submit']) expect((await amy.say(answer, ts)).post.status).toBe(200);
    await settle(world);
    expect(await db.prisma.payThresholdApplication.count({ where: { personId: school.ids.amy! } })).toBe(1);
    // Queued with the turn, not sent by the channel.
    expect(accepted()).toEqual([]);
    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { recipientId: school.ids.head!, key: { startsWith: 'notify:slack:' } } });
    expect(row.status).toBe('pending');

    world.fake.failWhen = toHead;
    for (let attempt = 1; attempt <= 3; attempt++) {
      await runJobs();
      expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'pending', attempts: attempt, lastError: expect.stringMatching(/\S/) });
      // Time passing for the job engine: the back-off is over.
      expect(await makeWaitingJobsDue(db.prisma)).toBe(1);
    }
    expect(world.fake.callsOf('chat.postMessage').filter(toHead)).toHaveLength(3);
    expect(accepted()).toEqual([]);

    world.fake.failWhen = undefined;
    await runJobs();
    expect(accepted()).toHaveLength(1);
    expect(textOf(accepted()[0])).toBe('Amy Teacher has applied to cross the threshold to the upper pay range.');
    expect(accepted()[0]!.body.metadata).toMatchObject({ event_type: 'trellis_delivery', event_payload: { key: row.key } });
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent', sendingSince: null });
    // Nothing is left to run, and running again sends nothing.
    expect(await makeWaitingJobsDue(db.prisma)).toBe(0);
    await runJobs();
    expect(accepted()).toHaveLength(1);
  });

  it('004 §8.2: a notification nobody can reach is a dead letter the head is told about, listed by `trellis outbox`, and delivered once when re-sent', async () => {
    // Ben applies, and the head's notification is queued as above.
    const ben = new SlackUser(world, 'UBEN', await emailOf('ben'));
    const { ts } = await ben.say('threshold');
    for (const answer of [...EVIDENCE, 'submit']) expect((await ben.say(answer, ts)).post.status).toBe(200);
    await settle(world);
    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { recipientId: school.ids.head!, key: { startsWith: 'notify:slack:' }, status: 'pending' } });
    // Now the head leaves Slack: no channel can reach them, which retrying cannot fix.
    world.fake.users.delete('UHEAD');
    await db.prisma.platformIdentity.deleteMany({ where: { personId: school.ids.head! } });
    await runJobs();
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^no channel can reach them/) });
    const failed = await world.app.services.outbox.list({ schoolSlug: (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug, failedOnly: true });
    expect(failed.map((entry) => [entry.kind, entry.key])).toEqual([['notification', row.key]]);
    // The dead-letter notice is queued for the head (ten minutes later); it counts the notification.
    expect(await db.prisma.nudgeOutbox.count({ where: { key: { startsWith: 'notice:dead-letters:' }, recipientId: school.ids.head! } })).toBe(1);

    // Back on Slack, the failed notification is re-sent by hand and delivered once.
    new SlackUser(world, 'UHEAD', await emailOf('head'));
    const before = accepted().length;
    expect((await world.app.services.outbox.resend({ ids: [row.key] })).map((entry) => entry.status)).toEqual(['pending']);
    await runJobs();
    expect(accepted().slice(before).map(textOf)).toEqual(['Ben Teacher has applied to cross the threshold to the upper pay range.']);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });
  });
});
