// `/growth report governors` in Slack (002 §37): the head gets the PDF, the web page and the CSV as
// files in their own DM, through the composed app against a fake Slack at its HTTP edge; a middle
// leader gets a refusal and no file.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { GOVERNORS_REPORT_REFUSED } from '../../../src/core/reports/governors-requests.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { TERMS } from '../../core/reminders/support/school-year.ts';
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
    { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'lm', fullName: 'Lena Leader', role: 'leader', lineManager: 'head' },
    ...Array.from({ length: 6 }, (_, i) => ({ key: `t${i}`, fullName: `Teacher ${i}`, role: 'teacher' as const, lineManager: 'lm' })),
  ]);
  // The report places stages in the school's terms, so this school has real term dates.
  const terms = parseTermDates(readFileSync(TERMS, 'utf8'), 'england-2026-28.yaml');
  if (!terms.ok) throw new Error('term dates');
  slug = (await db.prisma.school.update({ where: { id: school.schoolId }, data: { termDates: terms.value } })).slug;
  world = await startSlackWorld(db, fixedClock('2027-06-15T10:00:00Z'));
});
afterAll(async () => {
  await world.close();
  await db.drop();
});

describe('/growth report governors in Slack (002 §37)', () => {
  it('002 §37, §18: the head gets the PDF (as bytes), the HTML and the CSV uploaded to their own DM', async () => {
    const head = new SlackUser(world, 'UHEAD', `head@${slug}.example`);
    expect((await head.command('report governors 2026')).status).toBe(200);
    await world.fake.until(() => world.fake.callsOf('files.completeUploadExternal').length === 3);
    expect(world.fake.callsOf('files.completeUploadExternal').map((c) => c.body.channel_id)).toEqual(['DUHEAD', 'DUHEAD', 'DUHEAD']);
    expect(world.fake.callsOf('files.getUploadURLExternal').map((c) => c.body.filename)).toEqual([`governors-report-${slug}-2026.pdf`, `governors-report-${slug}-2026.html`, `governors-report-${slug}-2026.csv`]);
    const [pdf, html, csv] = world.fake.uploads;
    expect(pdf?.content.startsWith('%PDF-')).toBe(true);
    expect(html?.content).toContain('Performance management: annual report to governors');
    expect(csv?.content.split('\n')[0]).toBe('section,item,measure,value');
    expect([pdf, html, csv].some((file) => file?.content.includes('Hana Head') === true)).toBe(false);
  });

  it('002 §37, §18: a middle leader is told the report is for the head and the PM deputy, and nothing is uploaded', async () => {
    const before = world.fake.callsOf('files.getUploadURLExternal').length;
    const leader = new SlackUser(world, 'ULENA', `lm@${slug}.example`);
    expect((await leader.command('report governors')).status).toBe(200);
    await world.fake.until(() => world.fake.responses.some((r) => String(r.body.text).includes('The governors’ report is for the head teacher')));
    expect(world.fake.responses.map((r) => String(r.body.text))).toContain(GOVERNORS_REPORT_REFUSED);
    expect(world.fake.callsOf('files.getUploadURLExternal').length).toBe(before);
  });

  it('002 §37: the head’s command is answered at once, before the report is made: with the cycles unreadable the answer comes and no file; once they can be read the three files follow', async () => {
    const head = new SlackUser(world, 'UHEAD', `head@${slug}.example`);
    const uploads = world.fake.callsOf('files.completeUploadExternal').length;
    await whileLocked(db.url, 'cycles', async () => {
      expect((await head.command('report governors 2026')).status).toBe(200);
      expect(world.fake.callsOf('files.completeUploadExternal').length).toBe(uploads);
    });
    await world.fake.until(() => world.fake.callsOf('files.completeUploadExternal').length === uploads + 3);
  });
});
