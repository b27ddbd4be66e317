import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../src/channels/slack/slack-channel.ts';
import { type RunningApp, startApp } from '../../src/compose-app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { fixedClock } from '../../src/core/time/clock.ts';
import type { Logger } from '../../src/logging/logger.ts';
import { FakeSlack } from '../channels/slack/support/fake-slack.ts';
import { SIGNING_SECRET, signature } from '../channels/slack/support/signed-requests.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

/**
 * The fuzz corpus: malformed, unsigned, oversized, deeply nested, `null` and wrongly typed bodies
 * sent to every endpoint of the real app on a real port (Slack, Teams and the playground running
 * together). After each one the server must still answer /healthz, and nothing may be a 5xx.
 */

let db: TestDatabase;
let fake: FakeSlack;
let app: RunningApp;
const logged: string[] = [];
const capture: Logger = { error: (m) => logged.push(m), warn: () => {}, info: () => {}, debug: () => {} };
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

beforeAll(async () => {
  db = await createTestDatabase();
  fake = await FakeSlack.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'trellis-fuzz-'));
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    TRELLIS_DATA_DIR: dataDir,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: `${fake.url}/api/`,
    TEAMS_CLIENT_ID: '00000000-0000-4000-8000-000000000001',
    TEAMS_CLIENT_SECRET: 'test-secret',
    TEAMS_TENANT_ID: TENANT,
    TEAMS_SKIP_AUTH: 'true',
    TEAMS_ALLOW_LOOPBACK_SERVICE_URL: 'true',
  });
  app = await startApp(config, fixedClock('2026-10-05T09:00:00Z'), capture, { scheduler: false, playground: true });
});
afterAll(async () => {
  await app?.close();
  await fake?.close();
  await db?.drop();
});

const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
const deepObject = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
const oversized = JSON.stringify({ type: 'event_callback', event: { type: 'message', text: 'x'.repeat(2 * 1024 * 1024) } });

/** Bodies that are not what any endpoint expects. */
const BODIES: Record<string, string | Uint8Array> = {
  null: 'null',
  'empty array': '[]',
  number: '42',
  string: '"hello"',
  boolean: 'true',
  empty: '',
  'truncated JSON': '{"type":"event_callback","event":{',
  'binary junk': new Uint8Array([0, 255, 254, 1, 2, 3, 0x7b, 0x22]),
  'deeply nested arrays': deepArray,
  'deeply nested objects': deepObject,
  oversized,
  'empty object': '{}',
  'event null': '{"type":"event_callback","event":null}',
  'event a string': '{"type":"event_callback","event":"message"}',
  'event channel a number': '{"type":"event_callback","event_id":"Ev1","team_id":"T1","event":{"type":"message","channel":5,"user":7}}',
  'event item a string': '{"type":"event_callback","event":{"type":"reaction_added","item":"x"}}',
  'actions a string': '{"type":"block_actions","actions":"x"}',
  'actions of null': '{"type":"block_actions","actions":[null],"user":null}',
  'command an object': '{"command":{},"channel_id":[]}',
  'view null': '{"type":"view_submission","view":null}',
  'view state junk': '{"type":"view_submission","view":{"id":"V1","callback_id":"trellis_form","state":"x","blocks":7},"user":{"id":"U1"}}',
  'url_verification without challenge': '{"type":"url_verification"}',
  'proto pollution': '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
  'activity without fields': '{"type":"message"}',
  'activity with junk fields': '{"type":"message","id":5,"serviceUrl":7,"from":null,"conversation":"x","recipient":[]}',
  'invoke with null value': '{"type":"invoke","name":"adaptiveCard/action","id":"a1","serviceUrl":"http://127.0.0.1:9/","from":{"id":"29:x"},"conversation":{"id":"c"},"value":null}',
  'activity with a javascript serviceUrl': '{"type":"message","id":"a2","serviceUrl":"javascript:alert(1)","from":{"id":"29:x"},"conversation":{"id":"c"},"text":"hi"}',
  'playground say junk': '{"person":null,"thread":{},"text":[]}',
  'playground clock junk': '{"action":"set","date":{"$gt":""}}',
};

const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain', undefined] as const;

interface Sent {
  what: string;
  status: number;
}

async function send(path: string, body: string | Uint8Array, headers: Record<string, string>, method = 'POST'): Promise<number> {
  const response = await fetch(`${app.server.url}${path}`, { method, headers, body: method === 'GET' ? null : body });
  await response.arrayBuffer();
  return response.status;
}

async function stillAlive(): Promise<void> {
  expect((await fetch(`${app.server.url}/healthz`)).status).toBe(200);
}

function slackHeaders(body: string | Uint8Array, mode: 'unsigned' | 'signed' | 'wrong secret' | 'future'): Record<string, string> {
  if (mode === 'unsigned') return {};
  const now = Math.floor(Date.now() / 1000);
  const timestamp = mode === 'future' ? now + 10 * 60 : now;
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature(text, timestamp, mode === 'wrong secret' ? 'not-the-secret' : SIGNING_SECRET) };
}

describe('the fuzz corpus against the real app on a real port', () => {
  it('POST /slack/events: no body, signed or not, crashes the server or gets a 5xx; signed junk is 400, anything unsigned 401', async () => {
    const results: Sent[] = [];
    for (const [name, body] of Object.entries(BODIES)) {
      for (const contentType of CONTENT_TYPES) {
        for (const mode of ['unsigned', 'signed', 'wrong secret', 'future'] as const) {
          const headers = { ...(contentType === undefined ? {} : { 'content-type': contentType }), ...slackHeaders(body, mode) };
          results.push({ what: `${name} · ${contentType ?? 'no content-type'} · ${mode}`, status: await send('/slack/events', body, headers) });
        }
      }
      await stillAlive();
    }
    // Form bodies whose `payload` field is not an interaction.
    for (const payload of ['null', '[]', '7', '{', '{"type":"block_actions","actions":[{"action_id":5}]}', '{"type":"view_submission","view":[]}']) {
      const body = new URLSearchParams({ payload }).toString();
      results.push({ what: `form payload ${payload}`, status: await send('/slack/events', body, { 'content-type': 'application/x-www-form-urlencoded', ...slackHeaders(body, 'signed') }) });
    }
    const slack = app.channels.find((c) => c.name === 'slack');
    if (slack instanceof SlackChannel) await slack.idle();
    await stillAlive();
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(results.filter((r) => !r.what.endsWith('· signed') && !r.what.startsWith('form payload') && r.status !== 401 && r.status !== 413)).toEqual([]);
    const signedNull = results.find((r) => r.what === 'null · application/json · signed');
    expect(signedNull?.status).toBe(400);
    expect(results.find((r) => r.what === 'oversized · application/json · signed')?.status).toBe(413);
    expect(logged.filter((line) => /nothing to catch|top of the process/.test(line))).toEqual([]);
  }, 120_000);

  it('POST /api/messages: junk activities get a 4xx, never a 5xx, and the server keeps answering', async () => {
    const results: Sent[] = [];
    for (const [name, body] of Object.entries(BODIES)) {
      for (const contentType of CONTENT_TYPES) {
        results.push({ what: `${name} · ${contentType ?? 'no content-type'}`, status: await send('/api/messages', body, contentType === undefined ? {} : { 'content-type': contentType }) });
      }
      await stillAlive();
    }
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(results.find((r) => r.what === 'null · application/json')?.status).toBe(400);
    expect(results.find((r) => r.what === 'activity with a javascript serviceUrl · application/json')?.status).toBe(400);
  }, 120_000);

  it('the playground API: junk to every route gets a 4xx, never a 5xx', async () => {
    const results: Sent[] = [];
    const origin = { origin: app.server.url };
    for (const route of ['say', 'press', 'submit', 'home-action', 'clock', 'nonsense']) {
      for (const [name, body] of Object.entries(BODIES)) {
        results.push({ what: `POST ${route} · ${name}`, status: await send(`/playground/api/${route}`, body, { 'content-type': 'application/json', ...origin }) });
      }
      await stillAlive();
    }
    for (const query of ['people', 'clock', 'inbox', 'inbox?person=null', 'inbox?person=../../etc', 'home?person=%00', 'nonsense']) {
      results.push({ what: `GET ${query}`, status: await send(`/playground/api/${query}`, '', {}, 'GET') });
    }
    for (const path of ['/playground/../../etc/passwd', '/playground/%2e%2e/%2e%2e/package.json', '/playground/app.js%00.html']) {
      results.push({ what: `GET ${path}`, status: await send(path, '', {}, 'GET') });
    }
    await stillAlive();
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    expect(results.filter((r) => r.what.startsWith('POST') && r.status === 200)).toEqual([]);
  }, 120_000);
});
