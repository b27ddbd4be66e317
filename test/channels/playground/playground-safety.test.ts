import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { SimulatedClock } from '../../../src/core/time/simulated-clock.ts';
import { DEMO_TRUST_SLUG } from '../../../src/demo/seed-demo.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { FakeSlack } from '../slack/support/fake-slack.ts';
import { SIGNING_SECRET } from '../slack/support/signed-requests.ts';
import { type SeededSchool, seedSchool } from '../../support/seed-school.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { newDataDir, PlaygroundClient, startPlayground } from './playground-client.ts';

/** A request with exactly these headers (fetch will not let a test set Host). */
function send(url: string, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  const target = new URL(path, url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the playground refuses cross-site requests', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let client: PlaygroundClient;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startPlayground(db.url, await newDataDir(), fixedClock('2026-11-23T15:00:00Z'));
    client = new PlaygroundClient(app.server.url);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('a POST from another site’s page (Origin, or Sec-Fetch-Site: cross-site) gets 403 and changes nothing', async () => {
    const tom = await client.personId('Tom Baker');
    const host = new URL(app.server.url).host;
    const body = JSON.stringify({ person: tom, thread: 'dm', text: 'reflect' });
    const before = await client.threads(tom);
    const crossSite: Record<string, string>[] = [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { origin: `http://${host}`, 'sec-fetch-site': 'same-site' }];
    for (const headers of crossSite) {
      expect((await send(app.server.url, 'POST', '/playground/api/say', { host, ...headers }, body)).status).toBe(403);
    }
    expect((await send(app.server.url, 'POST', '/playground/api/clock', { host, origin: 'https://evil.example' }, JSON.stringify({ action: 'next-school-day' }))).status).toBe(403);
    expect(await client.threads(tom)).toEqual(before);
  });

  it('a request whose Host is not this machine (DNS rebinding) gets 403, even with a matching Origin', async () => {
    const rebound = { host: 'evil.example:3000', origin: 'http://evil.example:3000' };
    expect((await send(app.server.url, 'GET', '/playground/api/people', rebound)).status).toBe(403);
    expect((await send(app.server.url, 'POST', '/playground/api/clock', rebound, JSON.stringify({ action: 'next-school-day' }))).status).toBe(403);
  });

  it('its own page’s requests (same Origin and Host, or no Origin from outside a browser) are served', async () => {
    const host = new URL(app.server.url).host;
    expect((await send(app.server.url, 'GET', '/playground/api/people', { host, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    const clock = await send(app.server.url, 'POST', '/playground/api/clock', { host, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' }, JSON.stringify({ action: 'next-school-day' }));
    expect(clock.status).toBe(200);
    expect((await send(app.server.url, 'GET', '/playground/api/clock', { host: `localhost:${new URL(app.server.url).port}` })).status).toBe(200);
  });
});

describe('the playground next to real Slack', () => {
  let db: TestDatabase;
  let fake: FakeSlack;
  let app: RunningApp;
  let school: SeededSchool;
  const realNow = fixedClock('2026-11-23T15:00:00Z');

  beforeAll(async () => {
    db = await createTestDatabase();
    school = await seedSchool(db.prisma, 'thomas-alleyne', [
      { key: 'head', fullName: 'Hana Head', role: 'headteacher' },
      { key: 'sam', fullName: 'Sam Science', role: 'teacher', lineManager: 'head' },
    ]);
    fake = await FakeSlack.start();
    const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', TRELLIS_DATA_DIR: await newDataDir(), SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/` });
    app = await startApp(config, realNow, silentLogger, { playground: true, reset: true, scheduler: false });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await db?.drop();
  });

  it('seeds no demo schools (and --reset wipes nothing)', async () => {
    expect(await db.prisma.trust.count({ where: { slug: DEMO_TRUST_SLUG } })).toBe(0);
    expect((await db.prisma.school.findMany({ select: { id: true } })).map((s) => s.id)).toEqual([school.schoolId]);
    expect(await db.prisma.person.count({ where: { schoolId: school.schoolId } })).toBe(2);
  });

  it('never moves the real clock: the app runs on the real one, and the clock buttons get 403', async () => {
    expect(app.clock).not.toBeInstanceOf(SimulatedClock);
    expect(app.clock.now()).toEqual(realNow.now());
    const client = new PlaygroundClient(app.server.url);
    for (const action of ['next-school-day', 'next-deadline']) {
      const response = await client.raw('clock', JSON.stringify({ action }));
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/real Slack or Teams users/);
    }
    expect((await client.raw('clock', JSON.stringify({ action: 'set', date: '2027-06-01' }))).status).toBe(403);
    expect(app.clock.now()).toEqual(realNow.now());
  });

  it('never lists real staff, nor lets anyone act as them, nor keeps their messages', async () => {
    const client = new PlaygroundClient(app.server.url);
    expect((await client.people()).schools).toEqual([]);
    const acting = await client.raw('say', JSON.stringify({ person: school.ids.sam, thread: 'dm', text: 'status' }));
    expect(acting.status).toBe(400);
    const inbox = await fetch(`${app.server.url}/playground/api/inbox?person=${school.ids.sam}`);
    expect(inbox.status).toBe(400);
    const playground = app.channels.find((c) => c.name === 'playground')!;
    expect(await playground.sendTo(school.ids.sam!, [{ type: 'text', text: 'Your plan is due' }], 'k1')).toMatchObject({ ok: false, unreachable: true });
  });
});
