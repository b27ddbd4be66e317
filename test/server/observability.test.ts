import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleLogger, withLogContext } from '../../src/logging/logger.ts';
import { PrometheusMetrics } from '../../src/metrics/prometheus-metrics.ts';
import { type RunningServer, sendJson, startHttpServer } from '../../src/server/http-server.ts';
import { checkReadiness } from '../../src/server/readiness.ts';

/** A phrase only in what a person sends, so finding it in a log line means content was logged. */
const SECRET = 'GREEN-HERON-42';

type LogLine = Record<string, unknown> & { level: string; msg: string };

describe('the HTTP server: request ids in JSON logs, /readyz and /metrics', () => {
  const lines: string[] = [];
  const log = consoleLogger('debug', (line) => lines.push(line), 'json');
  let database = true;
  let extra: string | undefined;
  let deadLetters = 3;
  const metrics = new PrometheusMetrics({ deadLetters: async () => deadLetters, queueDepth: async () => 7 });
  let server: RunningServer;

  beforeAll(async () => {
    server = await startHttpServer({
      host: '127.0.0.1',
      port: 0,
      healthy: async () => true,
      ready: () =>
        checkReadiness({
          database: async () => {
            if (!database) throw new Error('connect ECONNREFUSED 10.0.0.5:5432');
            return undefined;
          },
          app: async () => extra,
        }),
      metrics: () => metrics.render(),
      log,
      routes: [
        {
          method: 'POST',
          path: '/slack/events',
          handle: async (request, response) => {
            let body = '';
            for await (const chunk of request) body += String(chunk);
            log.info('event handled', { bytes: body.length });
            sendJson(response, 200, { ok: true });
          },
        },
      ],
    });
  });
  afterAll(() => server.close());

  const parsed = (): LogLine[] => lines.map((line) => JSON.parse(line) as LogLine);

  it('logs each request as one JSON line with its request id, sent back as X-Request-Id, and nothing of what was posted', async () => {
    lines.length = 0;
    const response = await fetch(`${server.url}/slack/events?token=${SECRET}`, { method: 'POST', body: JSON.stringify({ text: SECRET }) });
    expect(response.status).toBe(200);
    const requestId = response.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const logged = parsed();
    // The handler's own line and the request line both carry the id.
    expect(logged.find((line) => line.msg === 'event handled')).toMatchObject({ level: 'info', requestId });
    expect(logged.find((line) => line.msg === 'request')).toMatchObject({ level: 'info', requestId, method: 'POST', path: '/slack/events', status: 200 });
    expect(lines.filter((line) => line.includes(SECRET))).toEqual([]);
  });

  it('keeps a sane X-Request-Id from the load balancer and replaces one that is not', async () => {
    lines.length = 0;
    const kept = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'lb-1234.abc' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-1234.abc');
    const replaced = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed().filter((line) => line.msg === 'request').map((line) => line.requestId)).toEqual(['lb-1234.abc', replaced.headers.get('x-request-id')]);
  });

  it('/readyz is 200 when every check passes, 503 naming the failing check without its error text', async () => {
    database = true;
    extra = undefined;
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', app: 'ok' } });

    database = false;
    extra = 'the job queue is not running';
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    const body = await notReady.text();
    expect(JSON.parse(body)).toEqual({ status: 'not ready', checks: { database: 'database check failed', app: 'the job queue is not running' } });
    expect(body).not.toContain('10.0.0.5');
    database = true;
    extra = undefined;
  });

  it('/metrics serves turn latency, deliveries by outcome, sweep duration, dead letters, queue depth and process metrics', async () => {
    await metrics.timeTurn('slack', 'message', async () => 'done');
    await metrics.timeTurn('teams', 'command', async () => 'done');
    await metrics.timeSweep(async () => ({ queued: 1 }));
    metrics.delivery('digest', 'sent');
    metrics.delivery('digest', 'sent');
    metrics.delivery('digest', 'retry');
    deadLetters = 5;
    const response = await fetch(`${server.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('trellis_turn_duration_seconds_count{platform="slack",kind="message"} 1');
    expect(text).toContain('trellis_turn_duration_seconds_count{platform="teams",kind="command"} 1');
    expect(text).toContain('trellis_sweep_duration_seconds_count 1');
    expect(text).toContain('trellis_deliveries_total{kind="digest",outcome="sent"} 2');
    expect(text).toContain('trellis_deliveries_total{kind="digest",outcome="retry"} 1');
    expect(text).toContain('trellis_dead_letters 5');
    expect(text).toContain('trellis_queue_depth 7');
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
  });

  it('a turn that fails is still timed, and the failure passes through', async () => {
    await expect(metrics.timeTurn('slack', 'action', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain('trellis_turn_duration_seconds_count{platform="slack",kind="action"} 1');
  });
});

describe('the logger', () => {
  it('writes pretty lines with the context for a terminal, JSON otherwise, and errors without their stack', () => {
    const pretty: string[] = [];
    const json: string[] = [];
    withLogContext({ requestId: 'r-1', school: 'kingsmead' }, () => {
      consoleLogger('info', (line) => pretty.push(line), 'pretty').warn('delivery failed', { error: new Error('HTTP 500') });
      consoleLogger('info', (line) => json.push(line), 'json').warn('delivery failed', { error: new Error('HTTP 500') });
      consoleLogger('warn', (line) => json.push(line), 'json').info('below the level');
    });
    expect(pretty).toHaveLength(1);
    expect(pretty[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z WARN delivery failed \{.*"requestId":"r-1".*\}$/);
    expect(json).toHaveLength(1);
    expect(JSON.parse(json[0]!)).toMatchObject({ level: 'warn', msg: 'delivery failed', requestId: 'r-1', school: 'kingsmead', error: 'Error: HTTP 500' });
    expect(json[0]).not.toContain('at ');
  });
});
