// `/growth my-records` in Slack (002 §44): the reply is ephemeral, and the three files go to the
// person's own DM with Trellis through files.uploadV2, against a fake Slack at its HTTP edge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { whileLocked } from '../../support/lock-table.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { SlackUser, type SlackWorld, startSlackWorld } from './support/slack-harness.ts';

let db: TestDatabase;
let world: SlackWorld;
let slug: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const school = await seedSchool(db.prisma, 'thomas-alleyne', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom <Teacher>', role: 'teacher', lineManager: 'lm' },
  ]);
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: school.schoolId } })).slug;
  world = await startSlackWorld(db, fixedClock('2026-11-30T10:00:00Z'));
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

describe('/growth my-records in Slack (002 §44)', () => {
  it('002 §44: uploads the readable document as a PDF and a web page, and the JSON file, to the person’s own DM, and says so ephemerally', async () => {
    const tom = new SlackUser(world, 'UTOM', `tom@${slug}.example`);
    const ack = await tom.command('my-records');
    expect(ack.status).toBe(200);
    await world.fake.until(() => world.fake.callsOf('files.completeUploadExternal').length === 3);
    const completed = world.fake.callsOf('files.completeUploadExternal');
    expect(completed.map((c) => c.body.channel_id)).toEqual(['DUTOM', 'DUTOM', 'DUTOM']);
    const requested = world.fake.callsOf('files.getUploadURLExternal').map((c) => c.body.filename);
    expect(requested).toEqual(['trellis-records-tom-teacher-2026-11-30.pdf', 'trellis-records-tom-teacher-2026-11-30.html', 'trellis-records-tom-teacher-2026-11-30.json']);
    const [pdf, html, json] = world.fake.uploads;
    expect(pdf?.content.startsWith('%PDF-')).toBe(true);
    expect(html?.content).toContain('Tom &lt;Teacher&gt;');
    expect(JSON.parse(json?.content ?? '{}')).toMatchObject({ format: 'trellis-personal-records/1', subject: { fullName: 'Tom <Teacher>' } });
    expect(world.fake.responses.map((r) => String(r.body.text)).join('\n')).toContain('everything Trellis holds about you');
    expect(world.fake.callsOf('chat.postMessage').filter((c) => String(c.body.text).includes('<!doctype html>'))).toEqual([]);
  });

  it('002 §44: the command is answered at once, before its files are made (Slack waits 3 s for the answer): with the records unreadable the answer comes and no file; once they can be read the files follow', async () => {
    const tom = new SlackUser(world, 'UTOM', `tom@${slug}.example`);
    const uploads = world.fake.callsOf('files.completeUploadExternal').length;
    await whileLocked(db.url, 'diary_entries', async () => {
      expect((await tom.command('my-records')).status).toBe(200);
      // The turn saved a reply naming the files, not carrying them.
      const saved = await db.prisma.nudgeOutbox.findFirstOrThrow({ where: { key: { startsWith: 'reply:' } }, orderBy: { createdAt: 'desc' } });
      expect(JSON.stringify(saved.payload)).toContain('"make":{"kind":"my-records"');
      expect(JSON.stringify(saved.payload)).not.toContain('"attachment"');
      expect(world.fake.callsOf('files.completeUploadExternal').length).toBe(uploads);
    });
    await world.fake.until(() => world.fake.callsOf('files.completeUploadExternal').length === uploads + 3);
  });
});
