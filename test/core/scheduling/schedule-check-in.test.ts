import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { londonInstant } from '../../../src/core/calendar/london-time.ts';
import { parseGrowthCommand } from '../../../src/core/bot/growth-command.ts';
import type { OutgoingMessage } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { Chat, newEngine } from '../conversations/support/chat.ts';
import { calendar, calendarProperty, TERMS_2026, veventOf } from './scheduling-fixtures.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

/** Hana heads the school and reviews Jo; Jo reviews Sam; Ola reviews nobody. */
async function whmatSchool() {
  const s = await seedSchool(db.prisma, 'whmat', [
    { key: 'hana', fullName: 'Hana Head', role: 'headteacher' },
    { key: 'jo', fullName: 'Jo Manager', role: 'leader', lineManager: 'hana' },
    { key: 'sam', fullName: 'Sam Teacher', role: 'teacher', lineManager: 'jo' },
    { key: 'ola', fullName: 'Ola Other', role: 'teacher', lineManager: 'hana' },
  ]);
  await db.prisma.school.update({ where: { id: s.schoolId }, data: { termDates: TERMS_2026 } });
  const slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: s.schoolId } })).slug;
  return { ...s, email: (key: string) => `${key}@${slug}.example` };
}

function invitationOf(messages: readonly OutgoingMessage[]) {
  const message = messages.find((m) => m.type === 'text' && m.attachment !== undefined);
  if (message?.type !== 'text' || message.attachment === undefined) throw new Error('no invitation in the messages');
  return { text: message.text, ...message.attachment };
}

function buttonsOf(messages: readonly OutgoingMessage[]) {
  return messages.flatMap((m) => (m.type === 'choices' ? m.choices : []));
}

async function meetingReminderRows(meetingId: string) {
  const rows = await db.prisma.obligation.findMany({ where: { key: { startsWith: `${meetingId}:` } }, orderBy: { key: 'asc' } });
  return rows.map((o) => ({ key: o.key, owner: o.ownerPersonId, status: o.status, opensOn: o.opensOn.toISOString().slice(0, 10), dueOn: o.dueOn.toISOString().slice(0, 10) }));
}

/** Jo books Sam's check-in for Tue 6 Oct 15:45 through the dialog, on Mon 5 Oct. */
async function bookFor(s: Awaited<ReturnType<typeof whmatSchool>>, slot = '2026-10-06T15:45') {
  const chat = new Chat(newEngine(db.prisma), s.ids.jo!);
  await chat.user('schedule');
  await chat.press(s.ids.sam!);
  await chat.press(slot);
  await chat.press('30');
  await chat.press('submit');
  const meeting = await db.prisma.checkInMeeting.findFirstOrThrow({ where: { personId: s.ids.sam! }, orderBy: { createdAt: 'desc' } });
  return { chat, meeting };
}

describe('booking a check-in (issue 6)', () => {
  it('suggests after-school slots on school days inside the colleague’s check-in window, warns about lunch (004 §3.11), and invites both with an .ics', async () => {
    const s = await whmatSchool();
    const chat = new Chat(newEngine(db.prisma), s.ids.jo!);
    await chat.user('schedule check-in');
    expect(chat.lastBot()).toMatch(/^Let’s book a check-in\. I’ll send you both a calendar invitation and a reminder the day before\.\nWhose check-in would you like to book\?\n {2}1\. Sam Teacher$/);
    await chat.press(s.ids.sam!);
    // The earliest open check-in is due 30 Oct; October half term (26–30 Oct) is not school days.
    expect(chat.lastBot()).toMatch(/^Sam’s check-in is due by Fri 30 Oct\. Some after-school times in that window:/);
    const slots = buttonsOf(chat.lastMessages());
    expect(slots.map((c) => c.value)).toEqual(['2026-10-06T15:45', '2026-10-09T15:45', '2026-10-15T15:45', '2026-10-20T15:45', '2026-10-23T15:45']);
    expect(slots.every((c) => calendar.isSchoolDay(c.value.slice(0, 10)))).toBe(true);

    await chat.user('yesterday 4pm');
    expect(chat.lastBot()).toMatch(/^Sun 4 Oct, 16:00 has already passed/);
    await chat.user('whenever');
    expect(chat.lastBot()).toMatch(/^I couldn’t read that as a day and time\./);
    await chat.user('thursday 12:30');
    expect(chat.lastBot()).toMatch(/^⚠️ Before you book:\n• 12:30–13:00 runs into a typical lunch break \(12:00–13:30\) — your school’s policy: “all meetings will take place within directed time \(teachers\) and during contractual working hours \(support staff\), rather than during a lunch break and\/or during PPA time \(teachers\)\.”\nYou can still book it — or say `back` to pick another time\.\nHow long\? Check-ins usually take about 30 minutes/);
    await chat.user('back');
    await chat.press(slots[0]!.value);
    expect(chat.lastBot()).not.toMatch(/Before you book/);
    // How long a check-in takes, without the paragraph number; `why` quotes it (004 §6.2).
    expect(chat.lastBot()).toMatch(/How long\? Check-ins usually take about 30 minutes\.\n/);
    await chat.user('why');
    expect(chat.lastBot()).toMatch(/^You’re on “Length” in your .*\. Your school’s growth policy asks for it \(004 §3\.11, §6\.2–6\.8\)\. It says:\n> Check-in meetings are obligatory for all colleagues.*\(004 §6\.2\)/s);
    await chat.user('30 min');
    expect(chat.lastBot()).toMatch(/Check-in to book\n {2}• Colleague: Sam Teacher\n {2}• When: Tue 6 Oct, 15:45\n {2}• Length: 30 min/);
    await chat.press('submit');

    const meeting = await db.prisma.checkInMeeting.findFirstOrThrow({ where: { personId: s.ids.sam! } });
    expect(meeting).toMatchObject({ organizerId: s.ids.jo, cycleId: s.cycles.sam, durationMinutes: 30, status: 'scheduled', sequence: 0 });
    expect(meeting.startsAt.toISOString()).toBe(londonInstant('2026-10-06', '15:45').toISOString());

    const mine = invitationOf(chat.lastMessages());
    expect(mine.text).toBe('Booked your check-in with Sam Teacher: Tue 6 Oct, 15:45–16:15 (30 min). I’ve sent Sam Teacher the invitation; yours is attached. You’ll both get a reminder the day before.');
    expect(buttonsOf(chat.lastMessages())).toEqual([
      { label: 'Reschedule', value: `reschedule check-in ${meeting.id}` },
      { label: 'Cancel', value: `cancel check-in ${meeting.id}` },
    ]);
    const notifications = chat.last!.notifications;
    expect(notifications.map((n) => n.personId)).toEqual([s.ids.sam]);
    const theirs = invitationOf(notifications[0]!.messages);
    expect(theirs.text).toMatch(/^Jo Manager has booked a check-in with you: Tue 6 Oct, 15:45–16:15 \(30 min\)\. The calendar invitation is attached\./);
    expect(buttonsOf(notifications[0]!.messages).map((b) => b.label)).toEqual(['Reschedule', 'Cancel']);
    for (const ics of [mine, theirs]) {
      expect(ics.contentType).toBe('text/calendar; method=REQUEST');
      const event = veventOf(ics.content);
      expect(event.get('UID')).toBe(`${meeting.id}@trellis`);
      expect(event.get('SEQUENCE')).toBe('0');
      expect(event.get('DTSTART;TZID=Europe/London')).toBe('20261006T154500');
      expect(event.get('ORGANIZER;CN="Jo Manager"')).toBe(`mailto:${s.email('jo')}`);
      expect(ics.content).toContain(`MAILTO:${s.email('sam')}`);
    }
    // Booking Sam again is allowed, but Jo is told the first one stands.
    const second = new Chat(newEngine(db.prisma), s.ids.jo!);
    await second.user('schedule');
    await second.press(s.ids.sam!);
    expect(second.lastBot()).toMatch(/^You already have a check-in with Sam booked for Tue 6 Oct, 15:45\. To move it, use its Reschedule button/);
    // The day-before reminders: opened on Mon 5 Oct (the school day before), due on the day.
    expect(await meetingReminderRows(meeting.id)).toEqual([
      { key: `${meeting.id}:2026-10-06:reviewee`, owner: s.ids.sam, status: 'open', opensOn: '2026-10-05', dueOn: '2026-10-06' },
      { key: `${meeting.id}:2026-10-06:reviewer`, owner: s.ids.jo, status: 'open', opensOn: '2026-10-05', dueOn: '2026-10-06' },
    ]);
  });

  it('/growth schedule @sam names the colleague, and someone who reviews nobody is told so plainly', async () => {
    expect(parseGrowthCommand('/growth schedule @sam')).toEqual({ kind: 'dialog', dialogId: 'schedule-check-in', trigger: 'schedule check-in', target: '@sam' });
    const s = await whmatSchool();
    const ola = new Chat(newEngine(db.prisma), s.ids.ola!);
    await ola.user('schedule');
    expect(ola.lastBot()).toBe('You don’t review or coach anyone at the moment, so there’s no check-in for you to book. To record a check-in you’ve had, say `check-in`.');
    expect(ola.last?.conversation).toBeUndefined();
  });

  it('Reschedule (pressed by the reviewee) moves the same meeting: SEQUENCE 1, same UID, the day-before reminder moves to the new day', async () => {
    const s = await whmatSchool();
    const { meeting } = await bookFor(s);
    const sam = new Chat(newEngine(db.prisma), s.ids.sam!);
    await sam.press(`reschedule check-in ${meeting.id}`);
    expect(sam.step()).toBe('when');
    expect(sam.lastBot()).toMatch(/^Let’s find a new time\. You’ll both get an updated invitation\.\nWhen would suit instead for you and Jo\?/);
    await sam.user('Mon 12 Oct 15:45');
    await sam.user('45');
    await sam.press('submit');

    const moved = await db.prisma.checkInMeeting.findUniqueOrThrow({ where: { id: meeting.id } });
    expect(moved).toMatchObject({ status: 'scheduled', sequence: 1, durationMinutes: 45 });
    expect(moved.startsAt.toISOString()).toBe(londonInstant('2026-10-12', '15:45').toISOString());
    expect(await db.prisma.checkInMeeting.count({ where: { personId: s.ids.sam! } })).toBe(1);
    // Monday's meeting is reminded on the Friday before, never at the weekend; the 6 Oct ones are gone.
    expect(await meetingReminderRows(meeting.id)).toEqual([
      { key: `${meeting.id}:2026-10-12:reviewee`, owner: s.ids.sam, status: 'open', opensOn: '2026-10-09', dueOn: '2026-10-12' },
      { key: `${meeting.id}:2026-10-12:reviewer`, owner: s.ids.jo, status: 'open', opensOn: '2026-10-09', dueOn: '2026-10-12' },
    ]);
    expect(invitationOf(sam.lastMessages()).text).toBe('Your check-in with Jo Manager has moved to Mon 12 Oct, 15:45–16:30 (45 min). The updated invitation is attached.');
    const notice = sam.last!.notifications;
    expect(notice.map((n) => n.personId)).toEqual([s.ids.jo]);
    const ics = invitationOf(notice[0]!.messages);
    expect(calendarProperty(ics.content, 'METHOD')).toBe('REQUEST');
    const event = veventOf(ics.content);
    expect([event.get('UID'), event.get('SEQUENCE'), event.get('DTSTART;TZID=Europe/London')]).toEqual([`${meeting.id}@trellis`, '1', '20261012T154500']);
  });

  it('Cancel sends METHOD:CANCEL to both and removes the reminder obligations; nobody else can cancel it', async () => {
    const s = await whmatSchool();
    const { meeting } = await bookFor(s);

    // Hana reviews Jo, not Sam: Sam's meeting is not hers to touch, even with its id.
    const hanaBooks = new Chat(newEngine(db.prisma), s.ids.hana!);
    await hanaBooks.user('schedule');
    await hanaBooks.press(s.ids.jo!);
    await hanaBooks.press('2026-10-07T15:45');
    await hanaBooks.press('30');
    await hanaBooks.press('submit');
    const hana = new Chat(newEngine(db.prisma), s.ids.hana!);
    await hana.press(`cancel check-in ${meeting.id}`);
    expect(hana.lastBot()).toMatch(/^That check-in isn’t booked any more \(it may have been moved, cancelled or recorded\), or it isn’t one of yours\.\nWhich check-in would you like to cancel\?\n {2}1\. Jo Manager — Wed 7 Oct, 15:45$/);
    expect(hana.lastBot()).not.toMatch(/Sam/);

    const jo = new Chat(newEngine(db.prisma), s.ids.jo!);
    await jo.press(`cancel check-in ${meeting.id}`);
    expect(jo.lastBot()).toMatch(/Cancel this check-in\?.*\n {2}• Check-in: Sam Teacher — Tue 6 Oct, 15:45/);
    expect((await db.prisma.checkInMeeting.findUniqueOrThrow({ where: { id: meeting.id } })).status).toBe('scheduled');
    await jo.press('submit');

    const cancelled = await db.prisma.checkInMeeting.findUniqueOrThrow({ where: { id: meeting.id } });
    expect(cancelled).toMatchObject({ status: 'cancelled', sequence: 1 });
    expect(await meetingReminderRows(meeting.id)).toEqual([]);
    const mine = invitationOf(jo.lastMessages());
    expect(mine.text).toBe('Cancelled your check-in with Sam Teacher on Tue 6 Oct, 15:45–16:15. Sam Teacher has been told; the attached file removes it from your calendar.');
    expect(buttonsOf(jo.lastMessages())).toEqual([]);
    const theirs = invitationOf(jo.last!.notifications[0]!.messages);
    expect(jo.last!.notifications[0]!.personId).toBe(s.ids.sam);
    for (const ics of [mine, theirs]) {
      expect(ics.contentType).toBe('text/calendar; method=CANCEL');
      expect(calendarProperty(ics.content, 'METHOD')).toBe('CANCEL');
      const event = veventOf(ics.content);
      expect([event.get('UID'), event.get('SEQUENCE'), event.get('STATUS')]).toEqual([`${meeting.id}@trellis`, '1', 'CANCELLED']);
    }
    // A second press of the same button changes nothing: Jo's only booked check-in now is her own with Hana.
    const again = new Chat(newEngine(db.prisma), s.ids.jo!);
    await again.press(`cancel check-in ${meeting.id}`);
    expect(again.lastBot()).toMatch(/^That check-in isn’t booked any more/);
    expect((await db.prisma.checkInMeeting.findUniqueOrThrow({ where: { id: meeting.id } })).sequence).toBe(1);
    const sam = new Chat(newEngine(db.prisma), s.ids.sam!);
    await sam.press(`reschedule check-in ${meeting.id}`);
    expect(sam.lastBot()).toBe('You have no booked check-ins to reschedule. (It may already have been cancelled or recorded.)');
  });

  it('afterwards the reviewee records the check-in (004 §6.6), which marks the meeting held and closes its reminders', async () => {
    const s = await whmatSchool();
    const { meeting } = await bookFor(s);
    const sam = new Chat(newEngine(db.prisma, fixedClock('2026-10-07T09:00:00Z')), s.ids.sam!);
    await sam.user('check-in');
    await sam.answers('6 Oct', 'Expectations for the year', 'Book a CPD place', 'Fine, thanks', 'skip', 'skip');
    await sam.press('submit');
    expect(sam.lastBot()).toBe('Saved your check-in of Tue 6 Oct.');
    const held = await db.prisma.checkInMeeting.findUniqueOrThrow({ where: { id: meeting.id } });
    const record = await db.prisma.checkIn.findFirstOrThrow({ where: { personId: s.ids.sam! } });
    expect(held).toMatchObject({ status: 'held', checkInId: record.id });
    expect((await meetingReminderRows(meeting.id)).map((r) => r.status)).toEqual(['done', 'done']);
  });
});
