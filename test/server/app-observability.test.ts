import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/compose-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { consoleLogger, silentLogger } from '../../src/logging/logger.ts';
import { nextReplies, SlackUser, type SlackWorld, settle, startSlackWorld } from '../channels/slack/support/slack-harness.ts';
import { SIGNING_SECRET } from '../channels/slack/support/signed-requests.ts';
import { seedSchool } from '../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/** Only in what the person types: finding it in a log line would mean content was logged. */
const SECRET = 'AMBER-KESTREL-19';
const clock = fixedClock('2026-10-05T09:00:00Z');

type LogLine = Record<string, unknown> & { msg: string };

let db: TestDatabase;
let schoolId: string;
let slug: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const school = await seedSchool(db.prisma, 'kingsmead', [
    { key: 'lm', fullName: 'Lena Manager', role: 'leader' },
    { key: 'tom', fullName: 'Tom Teacher', role: 'teacher', lineManager: 'lm' },
  ]);
  schoolId = school.schoolId;
  slug = (await db.prisma.school.findUniqueOrThrow({ where: { id: schoolId } })).slug;
});
afterAll(() => db.drop());

describe('the running app: logs, /readyz and /metrics against its database', () => {
  it('a Slack turn is logged as JSON with its request id and school (not what was typed) and timed in /metrics', async () => {
    const lines: string[] = [];
    const world: SlackWorld = await startSlackWorld(db, clock, consoleLogger('info', (line) => lines.push(line), 'json'));
    try {
      const tom = new SlackUser(world, 'UTOM', `tom@${slug}.example`);
      const started = await tom.say('reflect');
      await nextReplies(world, started.ts, 0);
      await tom.say(`${SECRET} as an answer`, started.ts);
      await settle(world);

      const requests = lines.map((line) => JSON.parse(line) as LogLine).filter((line) => line.msg === 'request' && line.path === '/slack/events');
      expect(requests.length).toBeGreaterThan(0);
      for (const line of requests) expect(line.requestId).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/));
      expect(requests.some((line) => line.school === schoolId)).toBe(true);
      expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);

      const metrics = await (await fetch(`${world.app.server.url}/metrics`)).text();
      expect(metrics).toMatch(/^trellis_turn_duration_seconds_count\{platform="slack",kind="(message|start-dialog|command)"\} [1-9]/m);
      expect(metrics).toMatch(/^trellis_dead_letters 0$/m);
      expect(metrics).toMatch(/^trellis_queue_depth \d+$/m);
    } finally {
      await world.close();
    }
  });

  it('/readyz is ready on a migrated database and says which migration is missing when one is not applied', async () => {
    const world: SlackWorld = await startSlackWorld(db, clock);
    const [last] = await db.prisma.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM "_prisma_migrations" ORDER BY migration_name DESC LIMIT 1`;
    try {
      const ready = await fetch(`${world.app.server.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });

      await db.prisma.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = ${last!.migration_name}`;
      const behind = await fetch(`${world.app.server.url}/readyz`);
      expect(behind.status).toBe(503);
      expect(await behind.json()).toEqual({ status: 'not ready', checks: { database: 'ok', migrations: `1 migration(s) not applied: ${last!.migration_name}` } });
      // Liveness is about the process, not the schema.
      expect((await fetch(`${world.app.server.url}/healthz`)).status).toBe(200);
    } finally {
      await db.prisma.$executeRaw`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = ${last!.migration_name}`;
      await world.close();
    }
  });

  it('/readyz also asks the ready hook the app is given', async () => {
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/', LOG_LEVEL: 'silent' });
    const app = await startApp(config, clock, silentLogger, { scheduler: false, ready: async () => 'the job queue is not running' });
    try {
      const response = await fetch(`${app.server.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'not ready', checks: { database: 'ok', migrations: 'ok', app: 'the job queue is not running' } });
    } finally {
      await app.close();
    }
  });
});
