import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { afterReplyGrace, makeWaitingJobsDue } from '../../core/reminders/support/job-runs.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import type { RecordedCall } from './support/fake-slack.ts';
import { settle, SlackUser, type SlackWorld, startSlackWorld } from './support/slack-harness.ts';

/**
 * `my-records` typed in the DM (002 §44): its reply's words are numbered parts and its three files
 * are uploaded after the last of them. An upload carries no metadata, so the last part names the
 * files that follow it, and the job engine's look-up finds which of them Slack shows after it: a
 * file Slack never took is uploaded by the job engine, once; one it took is not uploaded again.
 */
let db: TestDatabase;
let world: SlackWorld;
let school: SeededSchool;
const MOMENT = '2026-11-30T10:00:00Z';
const FILES = ['pdf', 'html', 'json'].map((ext) => `trellis-records-tom-teacher-2026-11-30.${ext}`);

beforeAll(async () => {
  db = await createTestDatabase();
  school = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
    { key: 'tia', fullName: 'Tia Teacher', role: 'teacher', lineManager: 'lm' },
    { key: 'ann', fullName: 'Ann Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  world = await startSlackWorld(db, fixedClock(MOMENT));
  world.fake.startTsAt(new Date(MOMENT));
});
afterAll(async () => {
  await world?.close();
  await db.drop();
});

const partOf = (call: RecordedCall) => (call.body.metadata as { event_payload?: { key?: string; part?: number; of?: number; files?: { name: string }[] } } | undefined)?.event_payload;
/** The names of the files Slack took (asked for an upload URL and completed), from the call at `from` on. */
const uploadedSince = (from: number) => {
  const names = new Map(world.fake.calls.filter((call) => call.method === 'files.getUploadURLExternal' && call.response.ok === true).map((call) => [String(call.response.file_id), String(call.body.filename)]));
  return world.fake.calls.slice(from).flatMap((call) => (call.method === 'files.completeUploadExternal' && call.response.ok === true ? (call.body.files as { id: string }[]).map((file) => names.get(file.id)) : []));
};
const engineRun = async () => {
  await makeWaitingJobsDue(db.prisma);
  await runDueJobs(db.url, afterReplyGrace(world.app.jobs));
};
const emailOf = async (key: string) => (await db.prisma.person.findUniqueOrThrow({ where: { id: school.ids[key]! } })).email;

describe('a reply’s uploaded files are parts of its delivery in Slack (002 §44 my-records)', () => {
  it('002 §44: Slack refuses the first upload once, so the reply’s words are in Slack and no file is; a delivery run uploads the three files once each, marks the reply sent, and a second run sends nothing', async () => {
    const tom = new SlackUser(world, 'UTOM', await emailOf('tom'));
    world.fake.refuseWhen = (call) => (call.method === 'files.getUploadURLExternal' ? 'fatal_error' : undefined);
    const before = world.fake.calls.length;
    expect((await tom.say('my-records')).post.status).toBe(200);
    await settle(world);
    world.fake.refuseWhen = undefined;

    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'reply:' }, recipientId: school.ids.tom! }, orderBy: { createdAt: 'desc' } });
    const words = world.fake.calls.slice(before).filter((call) => call.method === 'chat.postMessage' && call.response.ok === true && partOf(call)?.key === row.key);
    expect(words.length).toBeGreaterThan(0);
    // The last part names the files uploaded after it; the others name none.
    expect(words.map((call) => partOf(call)?.files?.map((file) => file.name) ?? [])).toEqual(words.map((_, i) => (i === words.length - 1 ? FILES : [])));
    expect(uploadedSince(before)).toEqual([]);
    expect(row.status).toBe('pending');

    const engineFrom = world.fake.calls.length;
    await engineRun();
    expect(uploadedSince(engineFrom)).toEqual(FILES);
    expect(world.fake.calls.slice(engineFrom).filter((call) => call.method === 'chat.postMessage')).toEqual([]);
    expect(world.fake.sharedFiles.filter((share) => share.channel === tom.dm).flatMap((share) => share.files.map((file) => file.name))).toEqual(FILES);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });

    const again = world.fake.calls.length;
    await engineRun();
    expect(world.fake.calls.slice(again).filter((call) => call.method === 'chat.postMessage' || call.method.startsWith('files.'))).toEqual([]);
  });

  it('002 §44: the first attempt stops after the PDF (Slack refuses the web page once); a delivery run uploads only the web page and the JSON file: each file is in the DM once', async () => {
    const lena = new SlackUser(world, 'ULENA', await emailOf('lm'));
    const names = FILES.map((name) => name.replace('tom-teacher', 'lena-manager'));
    world.fake.refuseWhen = (call) => (call.method === 'files.getUploadURLExternal' && String(call.body.filename).endsWith('.html') ? 'fatal_error' : undefined);
    const before = world.fake.calls.length;
    expect((await lena.say('my-records')).post.status).toBe(200);
    await settle(world);
    world.fake.refuseWhen = undefined;
    expect(uploadedSince(before)).toEqual([names[0]]);
    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'reply:' }, recipientId: school.ids.lm! }, orderBy: { createdAt: 'desc' } });
    expect(row.status).toBe('pending');

    const engineFrom = world.fake.calls.length;
    await engineRun();
    expect(uploadedSince(engineFrom)).toEqual(names.slice(1));
    expect(world.fake.sharedFiles.filter((share) => share.channel === lena.dm).flatMap((share) => share.files.map((file) => file.name))).toEqual(names);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });

    const again = world.fake.calls.length;
    await engineRun();
    expect(world.fake.calls.slice(again).filter((call) => call.method === 'chat.postMessage' || call.method.startsWith('files.'))).toEqual([]);
  });

  it('002 §44: when Slack gives the shared files without their names, each file after the reply’s last part counts for one: the PDF went, so a delivery run uploads the web page and the JSON file only', async () => {
    const tia = new SlackUser(world, 'UTIA', await emailOf('tia'));
    const names = FILES.map((name) => name.replace('tom-teacher', 'tia-teacher'));
    world.fake.refuseWhen = (call) => (call.method === 'files.getUploadURLExternal' && String(call.body.filename).endsWith('.html') ? 'fatal_error' : undefined);
    const before = world.fake.calls.length;
    expect((await tia.say('my-records')).post.status).toBe(200);
    await settle(world);
    world.fake.refuseWhen = undefined;
    expect(uploadedSince(before)).toEqual([names[0]]);

    world.fake.hideFileNames = true;
    try {
      const engineFrom = world.fake.calls.length;
      await engineRun();
      expect(uploadedSince(engineFrom)).toEqual(names.slice(1));
      expect(world.fake.sharedFiles.filter((share) => share.channel === tia.dm).flatMap((share) => share.files.map((file) => file.name))).toEqual(names);
      const again = world.fake.calls.length;
      await engineRun();
      expect(world.fake.calls.slice(again).filter((call) => call.method === 'chat.postMessage' || call.method.startsWith('files.'))).toEqual([]);
    } finally {
      world.fake.hideFileNames = false;
    }
  });

  it('002 §44: `/growth my-records` whose web page Slack refuses once: the answer is ephemeral and the files go to the DM with no numbered part before them; a delivery run shows the answer again (the ephemeral floor, until Slack’s five posts to the response_url are used, then in the DM) and uploads only the web page and the JSON file, found missing from the DM since the command', async () => {
    const ann = new SlackUser(world, 'UANN', await emailOf('ann'));
    const names = FILES.map((name) => name.replace('tom-teacher', 'ann-teacher'));
    world.fake.refuseWhen = (call) => (call.method === 'files.getUploadURLExternal' && String(call.body.filename).endsWith('.html') ? 'fatal_error' : undefined);
    const before = world.fake.calls.length;
    const answersBefore = world.fake.responses.length;
    expect((await ann.command('my-records')).status).toBe(200);
    await settle(world);
    world.fake.refuseWhen = undefined;
    expect(uploadedSince(before)).toEqual([names[0]]);
    const row = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'reply:' }, recipientId: school.ids.ann! }, orderBy: { createdAt: 'desc' } });
    expect(row.status).toBe('pending');

    const engineFrom = world.fake.calls.length;
    await engineRun();
    expect(uploadedSince(engineFrom)).toEqual(names.slice(1));
    expect(world.fake.sharedFiles.filter((share) => share.channel === ann.dm).flatMap((share) => share.files.map((file) => file.name))).toEqual(names);
    // The ephemeral answer cannot be looked up: its first message shown once by the channel and once more by the job engine.
    expect(world.fake.responses.slice(answersBefore).filter((shown) => String(shown.body.text).includes('everything Trellis holds about you'))).toHaveLength(2);
    expect(await db.prisma.nudgeOutbox.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: 'sent' });

    const again = world.fake.calls.length;
    await engineRun();
    expect(world.fake.calls.slice(again).filter((call) => call.method === 'chat.postMessage' || call.method.startsWith('files.'))).toEqual([]);
  });
});
