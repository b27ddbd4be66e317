import { mkdtemp } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/compose-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { londonInstant } from '../../src/core/calendar/london-time.ts';
import { sweepSchool } from '../../src/core/reminders/run-sweep.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import { silentLogger } from '../../src/logging/logger.ts';
import { PrismaSchoolRepository } from '../../src/storage/prisma/prisma-school-repository.ts';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { SIGNING_SECRET, signature } from '../channels/slack/support/signed-requests.ts';
import { digestKeys } from '../core/reminders/support/job-runs.ts';
import { setUpSchool } from '../core/reminders/support/school-year.ts';
import { addEveryoneToSlack } from '../faults/support/slack-world.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

let db: TestDatabase;
let fake: FakeSlack;

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.close();
  await db.drop();
});

/**
 * A signed Slack request whose body arrives in two halves: the server is handling it (reading the
 * body) until `finish()` sends the rest. Resolves `answered` with the status and body.
 */
function slowSlackRequest(url: string, envelope: unknown): { finish(): void; answered: Promise<{ status: number; body: string }> } {
  const body = JSON.stringify(envelope);
  const timestamp = Math.floor(Date.now() / 1000);
  const req = httpRequest(`${url}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature(body, timestamp, SIGNING_SECRET),
    },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
  });
  const half = Math.floor(body.length / 2);
  req.write(body.slice(0, half));
  return { finish: () => req.end(body.slice(half)), answered };
}

async function statusOf(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('graceful shutdown (SIGTERM): not ready at once, the work in hand finished, then closed', () => {
  it('/readyz answers 503 "shutting down" at once while a request in progress is answered and claimed jobs finish; /healthz stays 200', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trellis-shutdown-'));
    await setUpSchool(db.url, dir, 'north', 'whmat');
    const moment = londonInstant('2026-10-15', '16:00');
    fake.startTsAt(moment);
    await addEveryoneToSlack(db.prisma, fake);
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' });
    // The real app with its job worker: what `trellis start` runs, and closes on SIGTERM.
    const app = await startApp(config, fixedClock(moment), silentLogger);
    const { url } = app.server;
    let closing: Promise<void> | undefined;
    try {
      expect((await statusOf(`${url}/readyz`)).status).toBe(200);
      // Slack takes every digest but does not answer yet: the worker's jobs are claimed and running.
      fake.holdWhen = (call) => call.method === 'chat.postMessage';
      const school = (await new PrismaSchoolRepository(db.prisma).findSchool('north'))!;
      await sweepSchool(app.jobs.sweep, school);
      const due = await digestKeys(db.prisma, 'north');
      expect(due.length).toBeGreaterThan(4);
      await fake.until(() => fake.heldCount > 0, 20_000);
      // And a Slack request half received.
      const received = new Promise((resolve) => app.server.server.once('request', resolve));
      const inFlight = slowSlackRequest(url, { type: 'url_verification', token: 'x', challenge: 'still-here' });
      await received;

      closing = app.close();
      expect(await statusOf(`${url}/readyz`)).toEqual({ status: 503, body: { status: 'shutting down' } });
      expect((await statusOf(`${url}/healthz`)).status).toBe(200);

      inFlight.finish();
      const answer = await inFlight.answered;
      expect(answer.status).toBe(200);
      expect(answer.body).toContain('still-here');

      const running = fake.heldCount;
      fake.holdWhen = undefined;
      fake.release();
      await closing;

      // Every digest the worker had claimed was delivered and recorded; the rest wait, unlocked, for another replica.
      const sent = await digestKeys(db.prisma, 'north', 'sent');
      expect(sent.length).toBeGreaterThanOrEqual(running);
      const [locked] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE locked_by IS NOT NULL`;
      expect(locked!.n).toBe(0);
      expect(await db.prisma.jobWorkerHeartbeat.count()).toBe(0);
      // Closed: nothing listens any more.
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      fake.holdWhen = undefined;
      fake.release();
      await (closing ?? app.close());
    }
  }, 60_000);
});
