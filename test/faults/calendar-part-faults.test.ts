import { afterAll, describe, expect, it } from 'vitest';
import { FakeSlack, type RecordedCall } from '../channels/slack/support/fake-slack.ts';
import { TERMS_2026 } from '../core/scheduling/scheduling-fixtures.ts';
import { type SeedPerson, seedSchool } from '../support/seed-school.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { type FaultRow, printFaultTable } from './support/fault-table.ts';
import { deliverUntilAcked, disarm, finishWithJobEngine, replaceKilledApp, replyPartOf, serveFirstApp, slackUsersOf, tallyReplies } from './support/reply-kills.ts';
import { dmEvent } from './support/slack-app-events.ts';
import type { WorkerProcess } from './support/worker-processes.ts';

/** Monday 5 October 2026: each reviewer books their colleague's first check-in (004 §6.2). */
const MOMENT = '2026-10-05T09:00:00Z';
const BOOKINGS = 4;
/** The answers after `schedule`, each in the dialog's thread; `submit` books it and its reply carries the calendar file. */
const ANSWERS = ['1', 'Tue 6 Oct 15:45', '30 min'];

const rows: FaultRow[] = [];
afterAll(() => printFaultTable('A reply’s calendar file: the app killed between the reply’s messages and its file (real app in a child process, fake Slack on loopback)', rows));

/** A calendar file's message: in the booking's thread, the reviewer's reply's; at the top of a DM, the colleague's invitation. */
const calendar = (call: RecordedCall) => call.method === 'chat.postMessage' && call.body.text === 'check-in.ics';
const replyCalendar = (call: RecordedCall) => calendar(call) && call.body.thread_ts !== undefined;
const notifiedCalendar = (call: RecordedCall) => calendar(call) && call.body.thread_ts === undefined;

describe('a reply’s calendar file survives the app being killed between the reply and the file (004 §6.2 check-ins as the turns)', () => {
  it('004 §6.2: the app SIGKILLed 4× as a booked check-in’s reply was sent (twice after its messages and before its calendar file, twice after Slack took the file unanswered): each reviewer has the reply once and the file once', async () => {
    const db = await createTestDatabase();
    const fake = await FakeSlack.start();
    const running: WorkerProcess[] = [];
    try {
      const staff: SeedPerson[] = [{ key: 'head', fullName: 'Hana Head', role: 'headteacher' }];
      for (let i = 1; i <= BOOKINGS; i++) {
        staff.push({ key: `r${i}`, fullName: `Reviewer ${i}`, role: 'leader', lineManager: 'head' });
        staff.push({ key: `t${i}`, fullName: `Teacher ${i}`, role: 'teacher', lineManager: `r${i}` });
      }
      const school = await seedSchool(db.prisma, 'whmat', staff);
      await db.prisma.school.update({ where: { id: school.schoolId }, data: { termDates: TERMS_2026 } });
      fake.startTsAt(new Date(MOMENT));
      const slackIdOf = await slackUsersOf(db, fake, school.ids);
      const env = { DATABASE_URL: db.url, SLACK_URL: fake.url, CLOCK_AT: MOMENT };
      const serving = await serveFirstApp(running, env);
      const deliver = (envelope: Record<string, unknown>) => deliverUntilAcked(serving, envelope, () => {});

      const threads: string[] = [];
      let beforeFile = 0;
      let fileUnanswered = 0;
      for (let i = 1; i <= BOOKINGS; i++) {
        const userId = await slackIdOf(`r${i}`);
        const start = dmEvent('EvCal', userId, 'schedule');
        threads.push(start.ts);
        await deliver(start.envelope);
        for (const answer of ANSWERS) await deliver(dmEvent('EvCal', userId, answer, start.ts).envelope);
        const seen = fake.calls.length;
        const afterMessages = i % 2 === 1;
        // Slack refuses the file's message with a 500 (the client waits to retry), or takes it and never answers.
        if (afterMessages) fake.failWhen = replyCalendar;
        else fake.holdWhen = replyCalendar;
        await deliver(dmEvent('EvCal', userId, 'submit', start.ts).envelope);
        await fake.until(() => fake.calls.slice(seen).some(replyCalendar), 60_000);
        if (afterMessages) beforeFile++;
        else fileUnanswered++;
        await replaceKilledApp(serving, fake, running, `app-${i + 1}`, env);
      }
      await serving.process.kill();
      disarm(fake);
      fake.release();

      const files = (test: (call: RecordedCall) => boolean) => fake.calls.filter((call) => call.response.ok === true && test(call));
      const filesBefore = files(replyCalendar).length;
      await finishWithJobEngine(db, fake, MOMENT);

      const bookings = await db.prisma.checkInMeeting.count();
      const queued = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'reply:' } } });
      const tally = tallyReplies(
        fake,
        queued.map((row) => row.key),
      );
      const calendars = files(replyCalendar);
      // Each booking is a thread of its own: the files Slack holds in each.
      const calendarsByKey = new Map<string, number>(threads.map((ts) => [ts, 0]));
      for (const call of calendars) calendarsByKey.set(String(call.body.thread_ts), (calendarsByKey.get(String(call.body.thread_ts)) ?? 0) + 1);
      rows.push({
        scenario: `app SIGKILLed ${beforeFile + fileUnanswered}× in a booked check-in’s reply (${beforeFile} after its messages, before its calendar file; ${fileUnanswered} after Slack took the file, unanswered)`,
        digests: BOOKINGS,
        delivered: [...calendarsByKey.values()].filter((count) => count > 0).length,
        lost: [...calendarsByKey.values()].filter((count) => count === 0).length,
        duplicated: [...calendarsByKey.values()].filter((count) => count > 1).length + tally.duplicated.length,
        note: `calendar files; ${calendars.length - filesBefore} sent by the job engine after the kills; ${queued.length} replies, ${tally.complete.size} complete, ${tally.duplicated.length} with a part twice`,
      });
      expect([beforeFile, fileUnanswered]).toEqual([2, 2]);
      expect(bookings).toBe(BOOKINGS);
      // Each booking's reply has its file once; the two cut off by a kill were sent by the job engine, and nothing else was.
      expect([...calendarsByKey.values()]).toEqual(Array.from({ length: BOOKINGS }, () => 1));
      expect(calendars.length - filesBefore).toBe(beforeFile);
      // The file is the last part of its reply's delivery; every reply is whole, none has a part twice, all are settled.
      expect(calendars.map((call) => replyPartOf(call)?.part === replyPartOf(call)?.of && replyPartOf(call) !== undefined)).toEqual(calendars.map(() => true));
      expect(queued).toHaveLength(BOOKINGS * (1 + ANSWERS.length + 1));
      expect(tally.complete.size).toBe(queued.length);
      expect(tally.duplicated).toEqual([]);
      expect(queued.every((row) => row.status === 'sent')).toBe(true);
      // Each colleague's invitation, through the queue, carries its file once too.
      expect(files(notifiedCalendar).map((call) => call.body.channel).sort()).toEqual((await Promise.all(Array.from({ length: BOOKINGS }, (_, i) => slackIdOf(`t${i + 1}`)))).map((id) => `D${id}`).sort());
    } finally {
      for (const process of running) await process.kill();
      await fake.close();
      await db.drop();
    }
  }, 300_000);
});
