import { sweepAndDeliver } from '../reminders/support/job-runs.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstant } from '../../../src/core/calendar/london-time.ts';
import type { Deliverer, DigestDelivery } from '../../../src/core/reminders/reminder-ports.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from '../conversations/support/chat.ts';
import { TERMS_2026 } from './scheduling-fixtures.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

function recorder(): { deliverer: Deliverer; deliveries: DigestDelivery[] } {
  const deliveries: DigestDelivery[] = [];
  const deliver = (delivery: DigestDelivery) => {
    deliveries.push(delivery);
    return Promise.resolve({ ok: true as const });
  };
  return { deliveries, deliverer: { deliver } };
}

describe('the day-before reminder of a booked check-in', () => {
  it('comes out of the sweep once per person on the school day before (Friday for a Monday meeting), never at the weekend; the reviewee is reminded again on the day', async () => {
    const s = await seedSchool(db.prisma, 'whmat', [
      { key: 'jo', fullName: 'Jo Manager', role: 'leader' },
      { key: 'sam', fullName: 'Sam Teacher', role: 'teacher', lineManager: 'jo' },
    ]);
    const row = await db.prisma.school.update({ where: { id: s.schoolId }, data: { termDates: TERMS_2026 } });
    const school = (await new PrismaSchoolRepository(db.prisma).findSchool(row.slug))!;

    // Thursday 8 Oct: Jo books Sam's check-in for Monday 12 Oct, 15:45.
    const jo = new Chat(newEngine(db.prisma, fixedClock(londonInstant('2026-10-08', '10:00'))), s.ids.jo!);
    await jo.user('schedule');
    await jo.press(s.ids.sam!);
    await jo.user('Mon 12 Oct 15:45');
    await jo.press('30');
    await jo.press('submit');
    const meeting = await db.prisma.checkInMeeting.findFirstOrThrow({ where: { personId: s.ids.sam! } });

    const { deliverer, deliveries } = recorder();
    const sweepAt = (date: string, hhmm = '16:00') => sweepAndDeliver(db, deliverer, fixedClock(londonInstant(date, hhmm)), school);
    const meetingItems = () =>
      deliveries.flatMap((d) =>
        d.message.items.filter((item) => item.obligationKey.startsWith(`${meeting.id}:`)).map((item) => ({ to: d.recipient.id, date: d.message.date, state: item.state, label: item.label })),
      );

    await sweepAt('2026-10-08');
    expect(meetingItems()).toEqual([]);
    await sweepAt('2026-10-09');
    await sweepAt('2026-10-09', '16:20');
    const saturday = await sweepAt('2026-10-10');
    await sweepAt('2026-10-11');
    expect(saturday.skipped).toBe('not-a-school-day');
    // One item each, on Friday: the cadence's "1 school day before" point (the opened point falls on the same day and folds into it).
    expect(meetingItems().sort((a, b) => a.label.localeCompare(b.label))).toEqual([
      { to: s.ids.sam, date: '2026-10-09', state: 'due-soon', label: 'Check-in with Jo Manager, Mon 12 Oct, 15:45 (30 min) — record it afterwards' },
      { to: s.ids.jo, date: '2026-10-09', state: 'due-soon', label: 'Check-in with Sam Teacher, Mon 12 Oct, 15:45 (30 min)' },
    ]);

    await sweepAt('2026-10-12', '09:00');
    await sweepAt('2026-10-12');
    const monday = meetingItems().filter((item) => item.date === '2026-10-12');
    // Jo's heads-up was optional, so only Sam, who records the check-in (004 §6.6), hears again.
    expect(monday).toEqual([{ to: s.ids.sam, date: '2026-10-12', state: 'due-today', label: expect.stringMatching(/^Check-in with Jo Manager/) }]);
  });
});
