import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { NOT_ON_ROSTER } from '../../src/core/bot/trellis-bot.ts';
import { NOT_SET_UP } from '../../src/core/bot/workspace-binding.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { rosterCsv } from '../admin-console/support/admin-world.ts';
import { SlackUser, type SlackWorld, settle, startSlackOAuthWorld, TEST_ENCRYPTION_KEY, textOf } from '../channels/slack/support/slack-harness.ts';
import { runTrellisWith } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// docs/slack.md section 2b ("Many workspaces") followed as a new administrator would, against the
// real app with Slack's OAuth faked on loopback: configure, install, bind, load staff, talk.
const GUIDE = join(import.meta.dirname, '../../docs/slack.md');
const NOW = '2026-10-05T09:00:00Z';
const TEAM = 'T0123ABCD';

let db: TestDatabase;
let world: SlackWorld;
let guide: string;

const section = (heading: string) => guide.slice(guide.indexOf(heading), guide.indexOf('\n## ', guide.indexOf(heading) + 1));
const cli = (...argv: string[]) => runTrellisWith({ databaseUrl: db.url, at: NOW }, ...argv);

beforeAll(async () => {
  guide = await readFile(GUIDE, 'utf8');
  db = await createTestDatabase();
  world = await startSlackOAuthWorld(db, fixedClock(NOW));
});
afterAll(async () => {
  await world?.close();
  await db?.drop();
});

describe('docs/slack.md, many workspaces, step by step', () => {
  it('step 2: the variables its table names are the ones that turn on Add to Slack, and Trellis refuses to start without any one of them', () => {
    const names = [...section('## 2b.').matchAll(/^\| `([A-Z_]+)`(?:, `([A-Z_]+)`)? \|/gm)].flatMap((m) => [m[1]!, m[2]].filter((n): n is string => n !== undefined));
    expect(names.sort()).toEqual(['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_SIGNING_SECRET', 'SLACK_STATE_SECRET', 'TRELLIS_ENCRYPTION_KEY']);
    const values: Record<string, string> = { SLACK_CLIENT_ID: '1.2', SLACK_CLIENT_SECRET: 'secret', SLACK_SIGNING_SECRET: 'signing', SLACK_STATE_SECRET: 'a-state-secret-of-length', TRELLIS_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY };
    expect(loadConfig({ DATABASE_URL: db.url, ...values }).slack?.oauth).toBeDefined();
    for (const name of names) {
      const without: Record<string, string> = { DATABASE_URL: db.url, ...values };
      delete without[name];
      let oauth: unknown;
      try {
        oauth = loadConfig(without).slack?.oauth;
      } catch (error) {
        // Refused with a plain message naming what is missing.
        expect((error as Error).message).toMatch(/[A-Z_]{6,}/);
        continue;
      }
      expect(oauth).toBeUndefined();
    }
  });

  it('steps 3–4 and section 4: install from /slack/install, bind with the commands the guide and the install page give, load staff, and a member of staff is answered in the workspace', async () => {
    // Step 3: the administrator opens /slack/install, Slack's consent page says Allow, Slack sends them back.
    const start = await fetch(`${world.app.server.url}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    world.fake.grant('code-guide', { teamId: TEAM, teamName: 'Kingsmead staff', botToken: 'xoxb-guide', botUserId: 'UBOTK' });
    const back = await fetch(`${world.app.server.url}/slack/oauth_redirect?code=code-guide&state=${encodeURIComponent(state)}`, { headers: { cookie: (start.headers.get('set-cookie') ?? '').split(';')[0]! }, redirect: 'manual' });
    expect(back.status).toBe(200);
    const installed = await back.text();
    expect(installed).toContain(`trellis school set YOUR-SCHOOL --slack-team ${TEAM}`);

    // Before it is bound, someone there is told it is not set up.
    const early = new SlackUser(world, 'UEARLY', 'nobody@kingsmead.example', TEAM);
    await early.say('status');
    await settle(world);
    expect(textOf(world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === early.dm).at(-1))).toContain(NOT_SET_UP.slice(0, 40));

    // Step 4: the guide's own commands for kingsmead, in order, as typed (npx and comments dropped).
    const block = /```sh\n([\s\S]*?)```/.exec(section('## 2b.'))![1]!;
    const commands = block
      .split('\n')
      .map((line) => line.replace(/\s#.*$/, '').trim())
      .filter((line) => line.includes(' kingsmead '))
      .map((line) => line.replace(/^npx\s+trellis\s+/, '').split(/\s+/));
    expect(commands.length).toBeGreaterThanOrEqual(2);
    for (const argv of commands) {
      const run = await cli(...argv);
      expect(`${run.stderr}`).toBe('');
      expect(run.code).toBe(0);
    }
    const installs = await cli('slack', 'installs');
    expect(installs.stdout).toContain(TEAM);
    expect(installs.stdout).toContain('kingsmead');

    // Section 4: staff loaded with their Slack e-mail addresses.
    const dir = await mkdtemp(join(tmpdir(), 'trellis-guide-'));
    await writeFile(join(dir, 'staff.csv'), rosterCsv('kingsmead', ['t1']));
    const loaded = await cli('import', 'roster', join(dir, 'staff.csv'), '--school', 'kingsmead');
    expect(loaded.stderr).toBe('');
    expect(loaded.code).toBe(0);

    const teacher = new SlackUser(world, 'UT1', 't1@kingsmead.example', TEAM);
    expect((await teacher.say('status')).post.status).toBe(200);
    expect((await teacher.command('help')).status).toBe(200);
    await settle(world);
    const reply = world.fake.callsOf('chat.postMessage').filter((c) => c.body.channel === teacher.dm).at(-1)!;
    expect(reply.token).toBe('xoxb-guide');
    expect(textOf(reply)).not.toContain(NOT_ON_ROSTER.slice(0, 30));
    expect(textOf(reply)).not.toContain(NOT_SET_UP.slice(0, 30));
    expect((await db.prisma.platformIdentity.findMany({ where: { platformUserId: 'UT1' } })).map((l) => l.tenantId)).toEqual([TEAM]);

    // "Check it works": who Slack reaches.
    const reach = await runTrellisWith({ databaseUrl: db.url, at: NOW }, 'reach', '--school', 'kingsmead');
    expect(reach.code).toBe(0);
    expect(reach.stdout).toContain('t1@kingsmead.example');
  });
});
