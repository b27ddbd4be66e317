import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe as group, expect, it } from 'vitest';
import type { RunningApp } from '../../../src/compose-app.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { attachmentBytes } from '../../../src/core/conversations/engine/outgoing-message.ts';
import { runDueJobs } from '../../../src/scheduler/job-worker.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { pdfText } from '../../core/reports/governors-year.ts';
import { describe, dmText, KINGSMEAD_PLAN_ANSWERS, newDataDir, PlaygroundClient, startPlayground } from './playground-client.ts';

let db: TestDatabase;
let app: RunningApp;
let dataDir: string;
let client: PlaygroundClient;
/** The real date when the test machine runs the demo: late November 2026. */
const REAL_NOW = fixedClock('2026-11-23T15:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  dataDir = await newDataDir();
  app = await startPlayground(db.url, dataDir, REAL_NOW);
  client = new PlaygroundClient(app.server.url);
});
afterAll(async () => {
  await app?.close();
  await db.drop();
});

group('the playground JSON API on the real app', () => {
  it('seeds a demo school of about twenty people in every role, with a trust leader, and starts the clock at the start of the autumn term', async () => {
    const { schools } = await client.people();
    expect(schools.map((s) => [s.slug, s.policy])).toEqual([['demo-kingsmead', 'kingsmead']]);
    const people = schools[0]!.people;
    expect(people).toHaveLength(20);
    expect(new Set(people.map((p) => p.role))).toEqual(new Set(['trust-leader', 'leader', 'headteacher', 'teacher', 'teaching-assistant', 'support']));
    expect(people.find((p) => p.fullName === 'Grace Okafor')).toMatchObject({ department: 'Trust', manager: null });
    expect(people.find((p) => p.fullName === 'Tom Baker')).toMatchObject({ role: 'teacher', manager: 'Mo Ahmed' });
    const clock = await client.get<{ date: string; weekday: string }>('clock');
    // The 2026/27 year, from its first week: the whole cycle is ahead of the visitor.
    expect(clock.date >= '2026-09-01' && clock.date <= '2026-09-07').toBe(true);
    const obligations = await db.prisma.obligation.count({ where: { cycle: { school: { slug: 'demo-kingsmead' }, academicYear: 2026 } } });
    expect(obligations).toBeGreaterThan(20);
  });

  it('runs a self-reflection in its own thread, tells the line manager (001), and applies a retried message once', async () => {
    const tom = await client.personId('Tom Baker');
    const mo = await client.personId('Mo Ahmed');
    const opened = await client.say(tom, 'dm', 'reflect');
    expect(opened.openThread).toBeDefined();
    const threadId = opened.openThread!;
    const dm = dmText(await client.threads(tom));
    expect(dm).toMatch(/> reflect\n\[thread\] Self-reflection · 2026\/27 — reply in this thread/);

    const transcript = await client.finishDialog(tom, threadId, ['Relationships with pupils', 'Adaptive teaching', 'Questioning'], /self-reflection is saved/);
    expect(transcript).toMatch(/let’s reflect on Teachers’ Standards/);
    expect(transcript).toMatch(/Your self-reflection: Teachers’ Standards/);
    // The turn's notification is an effect too: the playground says who was told, after the reply.
    expect(transcript).toMatch(/self-reflection is saved[\s\S]*\nMo Ahmed has been told\./);
    // Mo is told by the job worker delivering what the turn queued, through the router to the playground.
    expect(dmText(await client.threads(mo))).not.toMatch(/Tom Baker has completed their self-reflection\./);
    await runDueJobs(db.url, app.jobs);
    expect(dmText(await client.threads(mo))).toMatch(/Tom Baker has completed their self-reflection\./);
    const obligation = await db.prisma.obligation.findFirstOrThrow({ where: { personId: tom, kind: 'self-reflection' } });
    expect(obligation.status).toBe('done');

    const before = (await client.thread(tom, 'dm')).entries.length;
    await client.say(tom, 'dm', 'help', 'same-id');
    await client.say(tom, 'dm', 'help', 'same-id');
    const after = await client.thread(tom, 'dm');
    expect(after.entries.length).toBe(before + 2);
    expect(dmText([after])).toMatch(/> help\n\*Trellis\* — your professional growth cycle/);
  });

  it('takes a growth plan to the line manager, who agrees it with buttons in their own thread', async () => {
    const tom = await client.personId('Tom Baker');
    const mo = await client.personId('Mo Ahmed');
    const plan = await client.say(tom, 'dm', '/growth plan');
    await client.finishDialog(tom, plan.openThread!, KINGSMEAD_PLAN_ANSWERS, /submitted to Mo for agreement/);
    await runDueJobs(db.url, app.jobs);
    expect(dmText(await client.threads(mo))).toMatch(/Tom Baker has submitted their growth plan/);

    const agree = await client.say(mo, 'dm', 'agree');
    const transcript = await client.finishDialog(mo, agree.openThread!, ['Great plan'], /Agreed — I’ve told Tom/);
    expect(transcript).toMatch(/Tom Baker’s growth plan/);
    await runDueJobs(db.url, app.jobs);
    expect(dmText(await client.threads(tom))).toMatch(/Mo has agreed your growth plan\./);
    const saved = await db.prisma.growthPlan.findFirstOrThrow({ where: { personId: tom } });
    expect(saved).toMatchObject({ status: 'agreed', agreedById: mo });
  });

  it('answers the 001 Appendix A standards as one form from “Answer in a form”, and a refused field comes back with what was typed', async () => {
    const { schools } = await client.people();
    const teacher = schools[0]!.people.find((p) => p.role === 'teacher' && p.fullName !== 'Tom Baker')!;
    const opened = await client.say(teacher.id, 'dm', 'reflect');
    const threadId = opened.openThread!;
    const offer = (await client.thread(teacher.id, threadId)).entries.find((e) => e.kind === 'bot' && e.message.type === 'choices' && e.message.choices.some((c) => c.value === 'form'))!;
    await client.press(teacher.id, threadId, offer.id, 'form');
    const formEntry = (await client.thread(teacher.id, threadId)).entries.at(-1)!;
    if (formEntry.kind !== 'bot' || formEntry.message.type !== 'form') throw new Error('no form after “Answer in a form”');
    expect(formEntry.message).toMatchObject({ title: 'Reflection: the standards', section: 'standards' });
    const values = Object.fromEntries(formEntry.message.fields.map((f) => [f.id, f.kind === 'choice' ? 'mostly' : '']));
    values['ts1-next'] = 'Cold calling every lesson';
    values['ts2-rating'] = 'pretty good';
    await client.post('submit', { person: teacher.id, thread: threadId, entry: formEntry.id, values, messageId: randomUUID() });
    const back = (await client.thread(teacher.id, threadId)).entries.at(-1)!;
    if (back.kind !== 'bot' || back.message.type !== 'form') throw new Error('the refused form did not come back');
    expect(back.message.fields.find((f) => f.id === 'ts2-rating')).toMatchObject({ value: 'pretty good', error: expect.stringMatching(/couldn’t match/) });
    expect(back.message.fields.find((f) => f.id === 'ts1-next')).toMatchObject({ value: 'Cold calling every lesson' });

    await client.post('submit', { person: teacher.id, thread: threadId, entry: back.id, values: { ...values, 'ts2-rating': 'fully' }, messageId: randomUUID() });
    const text = (await client.thread(teacher.id, threadId)).entries.map(describe).join('\n');
    expect(text).toMatch(/Saved all 18 answers from the form\.\nYou can answer “Reflection: closing questions” \(3 questions\) in one form/);
    const row = await db.prisma.conversation.findFirstOrThrow({ where: { personId: teacher.id, dialogId: 'self-reflection' } });
    expect((row.values as { values: Record<string, unknown> }).values).toMatchObject({ 'ts1-next': 'Cold calling every lesson', 'ts2-rating': 'fully', 'ts3-next': null });
  });

  it('moves the clock to the next deadline and past it, and the sweep delivers reminder digests into DMs', async () => {
    const first = await client.clock({ action: 'next-deadline' });
    expect(first.note).toMatch(/^Next deadline: .+, due (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}( \d{4})?\.$/);
    const due = first.clock.date;
    const open = await db.prisma.obligation.findMany({ where: { status: 'open', dueOn: new Date(`${due}T00:00:00Z`) }, select: { personId: true, label: true } });
    expect(open.length).toBeGreaterThan(0);
    const owner = open[0]!.personId;
    expect(dmText(await client.threads(owner))).toMatch(new RegExp(`\\[digest\\] Your growth cycle.*\\(due-today, due ${due}\\)`));
    // Past the deadline, school day by school day, until the policy's first overdue nudge (001 cadence).
    let dm = '';
    for (let day = 0; day < 6 && !/\(overdue, due /.test(dm); day++) {
      const next = await client.clock({ action: 'next-school-day' });
      expect(next.clock.date > due).toBe(true);
      dm = dmText(await client.threads(owner));
    }
    expect(dm).toMatch(new RegExp(`\\[digest\\] Your growth cycle.*\\(\\d+ overdue\\): .*\\(overdue, due ${due}\\)`));
    expect(await db.prisma.nudgeOutbox.count({ where: { recipientId: owner, status: 'sent' } })).toBeGreaterThan(0);
  });

  it('answers bad requests with a plain sentence, never a stack trace', async () => {
    const tom = await client.personId('Tom Baker');
    const cases: [string, string, RegExp][] = [
      ['say', '{not json', /^The request was not JSON\.$/],
      ['say', JSON.stringify({ person: tom, thread: 'dm', text: '   ' }), /Type a message first/],
      ['say', JSON.stringify({ person: '00000000-0000-4000-8000-000000000000', thread: 'dm', text: 'hi' }), /not on any roster/],
      ['say', JSON.stringify({ person: tom, thread: 'nope', text: 'hi' }), /That thread does not exist/],
      ['press', JSON.stringify({ person: tom, thread: 'dm', entry: 'missing', value: 'x' }), /no longer here/],
      ['clock', JSON.stringify({ action: 'set', date: '2027-02-30' }), /is not a date/],
    ];
    for (const [path, body, message] of cases) {
      const response = await client.raw(path, body);
      expect(response.status).toBe(400);
      const { error } = (await response.json()) as { error: string };
      expect(error).toMatch(message);
      expect(error).not.toMatch(/at .*\.ts:\d+/);
    }
  });

  it('delivers notifications to anyone on a roster once per key, and reports unknown people unreachable', async () => {
    const helen = await client.personId('Helen Hughes');
    const note = [{ type: 'text' as const, text: 'A note for the head.' }];
    expect(await app.router.sendTo(helen, note, 'note-1')).toEqual({ ok: true });
    expect(await app.router.sendTo(helen, note, 'note-1')).toEqual({ ok: true });
    expect(dmText(await client.threads(helen)).match(/A note for the head\./g)).toHaveLength(1);
    const unknown = await app.router.sendTo('00000000-0000-4000-8000-000000000000', note, 'note-2');
    expect(unknown).toEqual({ ok: false, error: 'no channel can reach them (playground: not on any roster)', permanent: true });
  });

  it('002 §44: my-records offers the PDF, the web page and the JSON as downloads in the person’s DM, the PDF carrying their records', async () => {
    const tom = await client.personId('Tom Baker');
    await client.say(tom, 'dm', 'my-records');
    const files = (await client.thread(tom, 'dm')).entries.flatMap((e) => (e.kind === 'bot' && e.message.type === 'text' && e.message.attachment !== undefined ? [e.message.attachment] : []));
    expect(files.map((f) => f.filename.replace(/\d{4}-\d\d-\d\d/, 'DATE'))).toEqual(['trellis-records-tom-baker-DATE.pdf', 'trellis-records-tom-baker-DATE.html', 'trellis-records-tom-baker-DATE.json']);
    expect(files[0]).toMatchObject({ contentType: 'application/pdf', encoding: 'base64' });
    const text = await pdfText(new Uint8Array(attachmentBytes(files[0]!)));
    expect(text).toContain('Your records in Trellis');
    expect(text).toContain('Tom Baker');
  });

  it('keeps the transcript and the clock across a restart, and --reset starts a fresh demo', async () => {
    const tom = await client.personId('Tom Baker');
    const clockBefore = await client.get<{ date: string }>('clock');
    const entriesBefore = (await client.threads(tom)).flatMap((t) => t.entries).length;
    await app.close();

    app = await startPlayground(db.url, dataDir, REAL_NOW);
    client = new PlaygroundClient(app.server.url);
    expect(await client.get<{ date: string }>('clock')).toMatchObject({ date: clockBefore.date });
    expect(await client.personId('Tom Baker')).toBe(tom);
    expect((await client.threads(tom)).flatMap((t) => t.entries)).toHaveLength(entriesBefore);
    expect((await client.people()).schools[0]!.people).toHaveLength(20);
    await app.close();

    app = await startPlayground(db.url, dataDir, REAL_NOW, { reset: true });
    client = new PlaygroundClient(app.server.url);
    const freshTom = await client.personId('Tom Baker');
    expect(freshTom).not.toBe(tom);
    // Only the new first morning's reminder digest: nothing said before the reset is left.
    expect((await client.threads(freshTom)).flatMap((t) => t.entries).map((e) => e.kind)).toEqual(['digest']);
    expect((await client.get<{ date: string }>('clock')).date < '2026-09-08').toBe(true);
    expect(await db.prisma.growthPlan.count()).toBe(0);
    expect(await db.prisma.conversation.count({ where: { tenant: 'local' } })).toBe(0);
  });
});
