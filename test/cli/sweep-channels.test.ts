import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { SIGNING_SECRET } from '../channels/slack/support/signed-requests.ts';
import { schoolYearRosterCsv, setUpSchool } from '../core/reminders/support/school-year.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let dir: string;
let slack: FakeSlack;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'trellis-sweep-channels-'));
  slack = await FakeSlack.start();
});
afterAll(async () => {
  await slack.close();
  await db.drop();
});

describe('trellis sweep with Slack configured', () => {
  it('delivers through the same channels the server uses, only for the school asked, prints each digest sent, marks them sent, and a second run sends nothing (004 §4.2 self-reflection due 15 Oct)', async () => {
    await setUpSchool(db.url, dir, 'slacky', 'whmat');
    // Everyone on the roster has a Slack account with their school e-mail.
    const emails = schoolYearRosterCsv('slacky.example')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',')[0]!);
    for (const [i, email] of emails.entries()) slack.addUser({ id: `U${String(i).padStart(6, '0')}`, email, teamId: 'T123ABC456' });
    const env = { SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slack.url}/api/`, LOG_LEVEL: 'silent' };
    const run = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, env }, 'sweep', ...argv);

    // Another school's digests are queued (swept with no channel configured) and due as well.
    await setUpSchool(db.url, dir, 'other', 'whmat');
    expect((await runTrellisWith({ databaseUrl: db.url }, 'sweep', '--at', '2026-10-15T16:00:00+01:00', '--school', 'other')).code).toBe(0);

    const first = await run('--at', '2026-10-15T16:00:00+01:00', '--school', 'slacky');
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const printed = first.stdout.split('\n').filter((line) => /^2026-10-15 \S+@slacky\.example: \d+ items? — /.test(line));
    expect(printed.length).toBeGreaterThan(20);
    expect(first.stdout).toContain(`${printed.length} digests sent.`);
    const posts = slack.callsOf('chat.postMessage');
    expect(posts).toHaveLength(printed.length);
    const rows = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'digest:' }, recipient: { school: { slug: 'slacky' } } } });
    expect(rows).toHaveLength(printed.length);
    expect(rows.every((row) => row.status === 'sent')).toBe(true);

    // --school keeps the deliveries to that school: the other's wait for the server's worker.
    const others = await db.prisma.nudgeOutbox.findMany({ where: { key: { startsWith: 'digest:' }, recipient: { school: { slug: 'other' } } } });
    expect(others.length).toBeGreaterThan(20);
    expect(others.every((row) => row.status === 'pending')).toBe(true);

    const again = await run('--at', '2026-10-15T16:05:00+01:00', '--school', 'slacky');
    expect(again.stdout).toContain('slacky: 0 reminders queued, 0 digests queued.');
    expect(again.stdout).toContain('0 digests sent.');
    expect(slack.callsOf('chat.postMessage')).toHaveLength(posts.length);
  });
});
