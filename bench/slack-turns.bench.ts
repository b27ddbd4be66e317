import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { startApp } from '../src/compose-app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { FakeSlack } from '../test/channels/slack/support/fake-slack.ts';
import { postEvent, SIGNING_SECRET } from '../test/channels/slack/support/signed-requests.ts';
import { ms, summarise } from './bench-support.ts';

/**
 * Slack issue figure: server-side time from a signed request arriving to its ack (the HTTP
 * response finishing) and to the reply being sent (the fake Web API receiving chat.postMessage),
 * with 50 conversations in flight at once, each answering a self-reflection in its DM thread.
 * Next to it, a bare Bolt app with the same receiver setup that only echoes, in the same run.
 */
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 10);
const TEAM = 'TBENCH';

interface Timings {
  ack: number[];
  reply: number[];
  /** Replies to each conversation's first message: the person is looked up (users.info) and linked, the thread opened. */
  firstReply: number[];
}

/** What is being measured now; warm-up runs write to a throwaway one. */
let current: Timings = { ack: [], reply: [], firstReply: [] };
const arrived = new Map<string, number>();
let counter = 0;

/** Times requests on the server itself: arrival → response finished, keyed by the event id header. */
function timeRequests(server: Server): void {
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const id = request.headers['x-bench-id'];
    if (typeof id !== 'string') return;
    const start = performance.now();
    const timings = current;
    arrived.set(id, start);
    response.on('finish', () => timings.ack.push(performance.now() - start));
  });
}

function messageEnvelope(user: string, text: string, ts: string, eventId: string, threadTs?: string) {
  return {
    token: 'bench',
    team_id: TEAM,
    api_app_id: 'ABENCH',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: false, is_enterprise_install: false }],
    event: { type: 'message', channel: `D${user}`, channel_type: 'im', user, text, ts, event_ts: ts, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) },
  };
}

/** Drives one conversation: a DM that starts the dialog, then thread replies, each after the bot's answer. */
async function converse(url: string, user: string, script: readonly string[]): Promise<void> {
  let threadTs: string | undefined;
  for (const text of script) {
    const n = ++counter;
    const ts = `${1_800_000_000 + n}.000001`;
    const eventId = `EvBench${n}`;
    const thread = threadTs ?? ts;
    const replied = new Promise<number>((resolve) => waiters.set(`D${user}:${thread}`, resolve));
    await postEvent(url, messageEnvelope(user, text, ts, eventId, threadTs), { headers: { 'x-bench-id': eventId } });
    const at = await replied;
    (threadTs === undefined ? current.firstReply : current.reply).push(at - arrived.get(eventId)!);
    threadTs = thread;
  }
}

const waiters = new Map<string, (at: number) => void>();

function listenForReplies(fake: FakeSlack): void {
  fake.onCall = (call) => {
    if (call.method !== 'chat.postMessage' || typeof call.body.thread_ts !== 'string') return;
    const key = `${String(call.body.channel)}:${call.body.thread_ts}`;
    const resolve = waiters.get(key);
    if (resolve === undefined) return;
    waiters.delete(key);
    resolve(call.at);
  };
}

/** All conversations at once; returns their timings and the wall-clock seconds taken. */
async function runLoad(url: string, users: readonly string[], script: readonly string[]): Promise<{ timings: Timings; seconds: number }> {
  current = { ack: [], reply: [], firstReply: [] };
  const timings = current;
  const started = performance.now();
  await Promise.all(users.map((user) => converse(url, user, script)));
  return { timings, seconds: (performance.now() - started) / 1000 };
}

/** The bare Bolt app: the same HTTPReceiver mounted on a plain server, echoing each DM into its thread. */
async function startEchoApp(apiUrl: string): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events' });
  const client = new WebClient('xoxb-echo', { slackApiUrl: apiUrl });
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-echo', botId: 'BECHO', botUserId: 'UECHO' }), clientOptions: { slackApiUrl: apiUrl } });
  app.event('message', async ({ event }) => {
    const message = event as { channel: string; ts: string; thread_ts?: string; text?: string };
    await client.chat.postMessage({ channel: message.channel, thread_ts: message.thread_ts ?? message.ts, text: `echo: ${message.text ?? ''}` });
  });
  const server = createServer((request, response) => receiver.requestListener(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
await chmod(dataDir, 0o755);
const fake = await FakeSlack.start();
listenForReplies(fake);
const env: Record<string, string> = { TRELLIS_DATA_DIR: dataDir, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' };
if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
const app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
const echo = await startEchoApp(`${fake.url}/api/`);
try {
  const prisma = app.services.database.prisma;
  const school = await prisma.school.create({ data: { slug: `bench-slack-${Date.now()}`, name: 'Bench', policy: (await import('../src/core/policy/presets/index.ts')).getPreset('whmat')!, policySource: 'preset:whmat', termDates: {} } });
  const trellisUsers = Array.from({ length: CONVERSATIONS }, (_, i) => `UB${i}`);
  for (const [i, user] of trellisUsers.entries()) {
    const email = `p${i}@bench-slack.example`;
    const person = await prisma.person.create({ data: { schoolId: school.id, email, fullName: `Person ${i}`, role: 'teacher' } });
    await prisma.cycle.create({ data: { schoolId: school.id, personId: person.id, academicYear: 2026, startsOn: new Date('2026-09-01T00:00:00Z'), endsOn: new Date('2027-08-31T00:00:00Z') } });
    fake.addUser({ id: user, email, teamId: TEAM });
  }
  // WHMAT's reflection takes free text for every question, so each reply is a real dialog turn.
  const script = ['reflect', ...Array.from({ length: REPLIES }, (_, i) => `Answer ${i + 1}: doing well, next I will try something new`)];

  timeRequests(app.server.server);
  timeRequests(echo.server);

  // Warm-up outside the measurement: the connection pool, the JIT, the policy cache, auth.test.
  await runLoad(app.server.url, trellisUsers.slice(0, 5), script.slice(0, 3));
  await runLoad(echo.url, ['EWARM'], script.slice(0, 3));
  // The warm-up conversations are open: start the measured ones afresh with a new dialog.
  await prisma.conversation.deleteMany({});
  const trellis = await runLoad(app.server.url, trellisUsers, script);
  const bare = await runLoad(echo.url, trellisUsers.map((u) => `E${u}`), script);

  const row = (name: string, { timings, seconds }: { timings: Timings; seconds: number }) => {
    const ack = summarise(timings.ack);
    const reply = summarise([...timings.firstReply, ...timings.reply]);
    const first = summarise(timings.firstReply);
    const later = summarise(timings.reply);
    const requests = timings.ack.length;
    return `| ${name} | ${requests} | ${ms(ack.median)} | ${ms(ack.p99)} | ${ms(reply.median)} | ${ms(reply.p99)} | ${ms(first.median)} / ${ms(first.p99)} | ${ms(later.median)} / ${ms(later.p99)} | ${(requests / seconds).toFixed(0)}/s |`;
  };
  console.log(`${CONVERSATIONS} concurrent conversations × ${script.length} messages (a DM starting a self-reflection, then thread replies)`);
  console.log('| app | requests | ack median | ack p99 | reply sent median | reply sent p99 | first message: median / p99 | thread replies: median / p99 | throughput |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(row('Trellis (Bolt + TrellisBot + PostgreSQL)', trellis));
  console.log(row('bare Bolt echo', bare));
} finally {
  await echo.close();
  await app.close();
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
}
