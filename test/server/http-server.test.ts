import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelDelivery } from '../../src/channels/channel.ts';
import { ChannelRouter } from '../../src/channels/channel-router.ts';
import type { DigestDelivery } from '../../src/core/reminders/reminder-ports.ts';
import { type RunningServer, sendJson, startHttpServer } from '../../src/server/http-server.ts';

describe('the shared HTTP server', () => {
  let healthy = true;
  let server: RunningServer;
  const errors: unknown[] = [];

  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      healthy: async () => {
        if (!healthy) throw new Error('connection refused');
        return true;
      },
      routes: [
        { method: 'POST', path: '/slack/events', handle: (_req, res) => sendJson(res, 200, { route: 'slack' }) },
        { method: 'GET', path: '/playground/*', handle: (req, res) => sendJson(res, 200, { route: 'playground', url: req.url }) },
        {
          method: 'GET',
          path: '/broken',
          handle: () => {
            throw new Error('boom');
          },
        },
      ],
      onError: (error) => errors.push(error),
    });
  });
  afterAll(() => server.close());

  it('answers /healthz with 200 while the database answers and 503 when it does not (issue 5)', async () => {
    healthy = true;
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    healthy = false;
    const down = await fetch(`${server.url}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toEqual({ status: 'database unreachable' });
    healthy = true;
  });

  it('routes by method and exact path or prefix, and 404s the rest', async () => {
    expect(await (await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' })).json()).toEqual({ route: 'slack' });
    expect((await fetch(`${server.url}/slack/events`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/playground/app.js?v=1`)).json()).toEqual({ route: 'playground', url: '/playground/app.js?v=1' });
    expect((await fetch(`${server.url}/playgroundx`)).status).toBe(404);
  });

  it('turns a handler error into a plain 500 without a stack trace, and logs it', async () => {
    const response = await fetch(`${server.url}/broken`);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body).not.toMatch(/boom|at .*\.ts/);
    expect(errors).toHaveLength(1);
  });
});

describe('ChannelRouter', () => {
  const delivery: DigestDelivery = { key: 'digest:p1:2026-10-05', recipient: { id: 'p1', email: 'p1@example.org', fullName: 'P One' }, message: { recipientId: 'p1', date: '2026-10-05', title: 'Today', items: [] } };
  const channel = (name: Channel['name'], result: ChannelDelivery, calls: string[]): Channel => ({
    name,
    routes: [],
    sendTo: async () => {
      calls.push(name);
      return result;
    },
    deliverDigest: async () => {
      calls.push(name);
      return result;
    },
  });

  it('sends through the first channel that can reach the person and stops there', async () => {
    const calls: string[] = [];
    const router = new ChannelRouter();
    router.add(channel('slack', { ok: false, unreachable: true, error: 'no Slack account' }, calls));
    router.add(channel('teams', { ok: true }, calls));
    router.add(channel('playground', { ok: true }, calls));
    expect(await router.deliver(delivery)).toEqual({ ok: true });
    expect(calls).toEqual(['slack', 'teams']);
  });

  it('passes a rate limit back for the outbox to retry, rather than trying another channel', async () => {
    const calls: string[] = [];
    const router = new ChannelRouter();
    router.add(channel('slack', { ok: false, error: 'ratelimited', retryAfterSeconds: 30 }, calls));
    router.add(channel('teams', { ok: true }, calls));
    expect(await router.sendTo('p1', [], 'k')).toEqual({ ok: false, error: 'ratelimited', retryAfterSeconds: 30 });
    expect(calls).toEqual(['slack']);
  });

  it('says why nobody could be reached', async () => {
    const router = new ChannelRouter();
    expect(await router.deliver(delivery)).toEqual({ ok: false, error: 'no chat channel is configured' });
    router.add(channel('teams', { ok: false, unreachable: true, error: 'removed the app' }, []));
    expect(await router.deliver(delivery)).toEqual({ ok: false, error: 'no channel can reach them (teams: removed the app)', permanent: true });
  });

  it('sends to one named account over its own platform only, passing a rate limit back and making an unreachable account a dead letter at once', async () => {
    const calls: string[] = [];
    const router = new ChannelRouter();
    router.add(channel('slack', { ok: false, error: 'ratelimited', retryAfterSeconds: 30 }, calls));
    router.add(channel('teams', { ok: false, unreachable: true, error: 'removed the app' }, calls));
    router.add(channel('playground', { ok: true }, calls));
    expect(await router.sendToAccount('p1', { platform: 'slack', tenant: 'T1', userId: 'U1' }, [], 'k')).toEqual({ ok: false, error: 'ratelimited', retryAfterSeconds: 30 });
    expect(await router.sendToAccount('p1', { platform: 'teams', tenant: 'tenant-1', userId: 'aad-1' }, [], 'k')).toEqual({ ok: false, error: 'removed the app', permanent: true });
    expect(calls).toEqual(['slack', 'teams']);
  });

  it('asks only the named account’s channel whether a note for that account was already delivered', async () => {
    const asked: string[] = [];
    const router = new ChannelRouter();
    for (const [name, found] of [['slack', false], ['teams', true]] as const) {
      router.add({ ...channel(name, { ok: true }, []), wasDelivered: async () => {
          asked.push(name);
          return found;
        },
      });
    }
    const lookup = { key: 'second-account:p1:teams:tenant-1:aad-2', recipient: delivery.recipient };
    expect(await router.wasDelivered({ ...lookup, account: { platform: 'teams', tenant: 'tenant-1', userId: 'aad-1' } }, new Date(0))).toBe(true);
    expect(asked).toEqual(['teams']);
    expect(await router.wasDelivered(lookup, new Date(0))).toBe(false);
    expect(asked).toEqual(['teams', 'slack']);
  });
});
