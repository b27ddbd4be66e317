import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PolicySchema } from '../../src/core/policy/policy-schema.ts';
import { parseReminderWindow } from '../../src/core/reminders/reminder-window.ts';
import { setUpSchool, TERMS } from '../core/reminders/support/school-year.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-sweep-window-'));
});
afterAll(() => db.drop());

const trellis = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url }, ...argv);

describe('a school’s reminder window (policy.reminders.window; Brief "only at sensible times")', () => {
  it('reads HH:MM-HH:MM and refuses a window that ends before it starts', () => {
    expect(parseReminderWindow('08:15-09:00')).toEqual({ ok: true, window: { start: '08:15', end: '09:00' } });
    expect(parseReminderWindow('15:30 – 17:00')).toEqual({ ok: true, window: { start: '15:30', end: '17:00' } });
    expect(parseReminderWindow('17:00-15:30')).toMatchObject({ ok: false, error: expect.stringMatching(/must end after it starts/) });
    expect(parseReminderWindow('5pm')).toMatchObject({ ok: false, error: expect.stringMatching(/like 15:30-17:00/) });
    expect(parseReminderWindow('24:00-25:00').ok).toBe(false);
  });

  it('trellis school set --reminder-window changes only the window, and the sweep keeps to it', async () => {
    await setUpSchool(db.url, dir, 'early', 'whmat');
    const set = await trellis('school', 'set', 'early', '--reminder-window', '08:00-08:45');
    expect(set.stderr).toBe('');
    expect(set.stdout).toBe('Reminders for "early" now go out between 08:00 and 08:45 (London time) on school days.\n');
    const row = await db.prisma.school.findUniqueOrThrow({ where: { slug: 'early' } });
    const policy = PolicySchema.parse(row.policy);
    expect(policy.reminders.window).toEqual({ start: '08:00', end: '08:45' });
    // Everything else in the policy is as the preset had it.
    expect(policy.reminders.schoolDaysBefore).toEqual([5, 1]);
    expect(row.policySource).toBe('preset:whmat');

    // 16:00 is outside the school's window now; 08:30 the same day is inside it.
    expect((await trellis('sweep', '--at', '2026-10-15T16:00:00+01:00', '--school', 'early')).stdout).toBe('early: outside the reminder window, nothing sent.\n');
    const morning = await trellis('sweep', '--at', '2026-10-15T08:30:00+01:00', '--school', 'early');
    expect(morning.stdout).toMatch(/^early: [1-9]\d* reminders queued, [1-9]\d* digests queued\.$/m);
  });

  it('sets the window with a policy too, and answers bad input with a plain message', async () => {
    const withPolicy = await trellis('school', 'set', 'late', '--policy', 'tpat', '--terms', TERMS, '--reminder-window', '16:00-17:30');
    expect(withPolicy.code).toBe(0);
    expect(PolicySchema.parse((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'late' } })).policy).reminders.window).toEqual({ start: '16:00', end: '17:30' });

    const backwards = await trellis('school', 'set', 'late', '--reminder-window', '17:00-15:30');
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toMatch(/^The reminder window must end after it starts \(17:00 to 15:30\)\./);
    expect(backwards.stderr).not.toMatch(/at .*\.ts:\d+/);
    const missing = await trellis('school', 'set', 'nowhere', '--reminder-window', '15:30-17:00');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no school "nowhere" yet/);
    // The refused changes left the window as it was.
    expect(PolicySchema.parse((await db.prisma.school.findUniqueOrThrow({ where: { slug: 'late' } })).policy).reminders.window).toEqual({ start: '16:00', end: '17:30' });
  });
});
