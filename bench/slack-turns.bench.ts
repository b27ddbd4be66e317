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
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { FakeSlack } from '../test/channels/slack/support/fake-slack.ts';
import { postEvent, SIGNING_SECRET } from '../test/channels/slack/support/signed-requests.ts';
import { countPgRoundTrips, cpuOf, ms, postgresCpuMs, summarise } from './bench-support.ts';

/**
 * Slack issue figure: server-side time from a signed request arriving to its ack (the HTTP
 * response finishing) and to the reply being sent (the fake Web API receiving chat.postMessage),
 * with 50 conversations in flight at once, each answering a self-reflection in its DM thread.
 * Next to it, in the same run, a bare Bolt app with the same receiver setup that does one INSERT
 * and echoes. A turn is timed to the last post it makes (see whenPosts).
 */
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const REPLIES = Number(process.env.BENCH_REPLIES ?? 10);
/**
 * Open loop when set: messages per second across all conversations (50 ≈ fifty teachers each
 * typing once a second), each conversation's next message sent at its own schedule rather than
 * the moment its last reply lands, so latency is measured without a queue of our own making. A
 * message whose previous reply is still outstanding at its time goes when that reply lands, and is
 * counted as late.
 */
const RATE = process.env.BENCH_RATE === undefined ? undefined : Number(process.env.BENCH_RATE);
const TEAM = 'TBENCH';

interface Timings {
  ack: number[];
  reply: number[];
  /** Replies to each conversation's first message: the person is looked up (users.info) and linked, the thread opened. */
  firstReply: number[];
}

/** What is being measured now; warm-up runs write to a throwaway one. */
let current: Timings = { ack: [], reply: [], firstReply: [] };
let late = 0;
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

/**
 * Posts seen per DM channel (each person has one, and their conversation is one message at a time),
 * and waits for a channel to reach a count. A turn may post more than once (an answer, then the
 * next question; a first message's reply goes to the DM itself), so a turn is over when its
 * channel has every post that turn makes, not at the first post after the request: that could be
 * the previous turn's last one arriving late, which made thread replies look ~12 ms.
 */
const posts = new Map<string, number>();
const waiters = new Map<string, { count: number; resolve: (at: number) => void }>();

function whenPosts(thread: string, count: number): Promise<number> {
  return new Promise((resolve) => waiters.set(thread, { count, resolve }));
}

/** Drives one conversation: a DM that starts the dialog, then thread replies, each after all of the bot's posts for the one before. */
async function converse(url: string, user: string, script: readonly string[], postsPerTurn: readonly number[], schedule?: (i: number) => number): Promise<void> {
  let threadTs: string | undefined;
  let expected = 0;
  for (const [i, text] of script.entries()) {
    if (schedule !== undefined) {
      const wait = schedule(i) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      else if (wait < -5) late++;
    }
    const n = ++counter;
    const ts = `${1_800_000_000 + n}.000001`;
    const eventId = `EvBench${n}`;
    const thread = threadTs ?? ts;
    expected += postsPerTurn[i] ?? 1;
    const replied = whenPosts(`D${user}`, expected);
    await postEvent(url, messageEnvelope(user, text, ts, eventId, threadTs), { headers: { 'x-bench-id': eventId } });
    const at = await replied;
    (threadTs === undefined ? current.firstReply : current.reply).push(at - arrived.get(eventId)!);
    threadTs = thread;
  }
}

/**
 * How many posts each message of the script gets, learnt from one conversation run a
 * message at a time, each settled when its thread has been quiet for half a second (a bench may
 * wait on time; tests never do). The dialog is the same for everyone, so the counts are too.
 */
async function learnPostsPerTurn(url: string, user: string, script: readonly string[]): Promise<number[]> {
  const counts: number[] = [];
  let threadTs: string | undefined;
  for (const text of script) {
    const n = ++counter;
    const ts = `${1_800_000_000 + n}.000001`;
    const thread = threadTs ?? ts;
    const key = `D${user}`;
    const before = posts.get(key) ?? 0;
    await postEvent(url, messageEnvelope(user, text, ts, `EvLearn${n}`, threadTs), { headers: { 'x-bench-id': `EvLearn${n}` } });
    let seen = before;
    let quiet = 0;
    for (let waited = 0; waited < 40 && (seen === before || quiet === 0); waited++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const now = posts.get(key) ?? 0;
      quiet = now === seen ? quiet + 1 : 0;
      seen = now;
    }
    counts.push(seen - before);
    threadTs = thread;
  }
  return counts;
}

function listenForReplies(fake: FakeSlack): void {
  fake.onCall = (call) => {
    if (call.method !== 'chat.postMessage') return;
    if (process.env.BENCH_SHOW_REPLIES === '1') console.log(`${String(call.body.channel)}: ${String(call.body.text ?? '').slice(0, 100)}`);
    const key = String(call.body.channel);
    const count = (posts.get(key) ?? 0) + 1;
    posts.set(key, count);
    const waiter = waiters.get(key);
    if (waiter === undefined || count < waiter.count) return;
    waiters.delete(key);
    waiter.resolve(call.at);
  };
}

/** All conversations at once; returns their timings and the wall-clock seconds taken. */
interface Load {
  timings: Timings;
  seconds: number;
  /** Node CPU of the whole process (app, fake Slack and load generator) over the window. */
  cpuMs: number;
  /** Queries sent through the `pg` driver over the window. */
  roundTrips: number;
  /** CPU of the embedded PostgreSQL's processes over the window (both apps share it). */
  postgresCpuMs: number | undefined;
  late: number;
}

async function runLoad(label: string, url: string, users: readonly string[], script: readonly string[], postsPerTurn: readonly number[], rate?: number): Promise<Load> {
  current = { ack: [], reply: [], firstReply: [] };
  late = 0;
  const timings = current;
  const trips = await countPgRoundTrips();
  const tripsBefore = trips.count;
  trips.texts.clear();
  const pgBefore = await postgresCpuMs(pgDataDir);
  const started = performance.now();
  const gap = rate === undefined ? 0 : (1000 * users.length) / rate;
  const { cpuMs } = await cpuOf(label, () =>
    Promise.all(users.map((user, u) => converse(url, user, script, postsPerTurn, rate === undefined ? undefined : (i) => started + (1000 * u) / rate + i * gap))),
  );
  if (process.env.BENCH_SQL_TRACE === '1') for (const [text, seen] of trips.texts) console.log(`${label}: ${seen.count} × ${(seen.ms / seen.count).toFixed(2)} ms (call to result) ${text}`);
  const seconds = (performance.now() - started) / 1000;
  const pgAfter = await postgresCpuMs(pgDataDir);
  return { timings, seconds, cpuMs, roundTrips: trips.count - tripsBefore, postgresCpuMs: pgBefore === undefined || pgAfter === undefined ? undefined : pgAfter - pgBefore, late };
}

/**
 * The bare Bolt app: the same HTTPReceiver mounted on a plain server, writing each message to the
 * same PostgreSQL in one INSERT and echoing it into its thread: the least a chat turn can do.
 */
async function startEchoApp(apiUrl: string, prisma: PrismaClient): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  await prisma.$executeRaw`CREATE TABLE IF NOT EXISTS bench_bare_turns (id bigserial PRIMARY KEY, channel text NOT NULL, text text, at timestamptz NOT NULL DEFAULT now())`;
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events' });
  const client = new WebClient('xoxb-echo', { slackApiUrl: apiUrl });
  const app = new App({ receiver, authorize: async () => ({ botToken: 'xoxb-echo', botId: 'BECHO', botUserId: 'UECHO' }), clientOptions: { slackApiUrl: apiUrl } });
  app.event('message', async ({ event }) => {
    const message = event as { channel: string; ts: string; thread_ts?: string; text?: string };
    await prisma.$executeRaw`INSERT INTO bench_bare_turns (channel, text) VALUES (${message.channel}, ${message.text ?? null})`;
    await client.chat.postMessage({ channel: message.channel, thread_ts: message.thread_ts ?? message.ts, text: `echo: ${message.text ?? ''}` });
  });
  const server = createServer((request, response) => receiver.requestListener(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const dataDir = await mkdtemp(join(tmpdir(), 'trellis-bench-'));
const pgDataDir = join(dataDir, 'postgres');
await chmod(dataDir, 0o755);
const fake = await FakeSlack.start();
listenForReplies(fake);
const env: Record<string, string> = { TRELLIS_DATA_DIR: dataDir, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' };
if (process.env.BENCH_DATABASE_URL) env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
const app = await startApp(loadConfig(env), fixedClock('2026-10-05T09:00:00Z'), silentLogger, { scheduler: false });
const echo = await startEchoApp(`${fake.url}/api/`, app.services.database.prisma);
try {
  const prisma = app.services.database.prisma;
  const school = await prisma.school.create({ data: { slug: `bench-slack-${Date.now()}`, name: 'Bench', policy: (await import('../src/core/policy/presets/index.ts')).getPreset('whmat')!, policySource: 'preset:whmat', termDates: {} } });
  // The bench's workspace is the school's: without it every account is refused as being from
  // elsewhere ("can't find you on your school's staff list") and the bench times only that refusal.
  await prisma.schoolChatWorkspace.create({ data: { schoolId: school.id, platform: 'slack', tenantId: TEAM } });
  const trellisUsers = Array.from({ length: CONVERSATIONS }, (_, i) => `UB${i}`);
  // The warm-up talks as other people, so every measured conversation's first message is a first
  // contact: the account looked up by e-mail (users.info) and linked, as for someone new.
  const warmUsers = Array.from({ length: Number(process.env.BENCH_WARM_USERS ?? 6) }, (_, i) => `UW${i}`);
  for (const [i, user] of [...trellisUsers, ...warmUsers].entries()) {
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
  const trellisPosts = await learnPostsPerTurn(app.server.url, warmUsers[0]!, script);
  const barePosts = await learnPostsPerTurn(echo.url, 'ELEARN', script);
  console.log(`posts per message, learnt from one conversation: Trellis ${trellisPosts.join(',')}; bare ${barePosts.join(',')}`);
  await prisma.conversation.deleteMany({});
  await runLoad('warm', app.server.url, warmUsers.slice(1), script.slice(0, 3), trellisPosts);
  await runLoad('warm', echo.url, ['EWARM'], script.slice(0, 3), barePosts);
  // The warm-up conversations are open: start the measured ones afresh with a new dialog.
  await prisma.conversation.deleteMany({});
  const trellis = await runLoad('trellis', app.server.url, trellisUsers, script, trellisPosts, RATE);
  const bare = await runLoad('bare', echo.url, trellisUsers.map((u) => `E${u}`), script, barePosts, RATE);

  const row = (name: string, { timings, seconds }: Load) => {
    const ack = summarise(timings.ack);
    const reply = summarise([...timings.firstReply, ...timings.reply]);
    const first = summarise(timings.firstReply);
    const later = summarise(timings.reply);
    const requests = timings.ack.length;
    return `| ${name} | ${requests} | ${ms(ack.median)} | ${ms(ack.p99)} | ${ms(reply.median)} | ${ms(reply.p99)} | ${ms(first.median)} / ${ms(first.p99)} | ${ms(later.median)} / ${ms(later.p99)} | ${(requests / seconds).toFixed(0)}/s |`;
  };
  console.log(
    `${CONVERSATIONS} concurrent conversations × ${script.length} messages (a DM starting a self-reflection, then thread replies), ${RATE === undefined ? 'closed loop (each next message when its reply lands)' : `open loop at ${RATE} messages/s`}`,
  );
  console.log('| app | requests | ack median | ack p99 | reply sent median | reply sent p99 | first message: median / p99 | thread replies: median / p99 | throughput |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(row('Trellis (Bolt + TrellisBot + PostgreSQL)', trellis));
  console.log(row('bare Bolt echo + one INSERT', bare));
  const ratio = (a: readonly number[], b: readonly number[]) => (summarise(a).median / summarise(b).median).toFixed(1);
  // Load-robust figures: CPU and round trips per message do not stretch when others load the machine.
  const perTurn = (name: string, load: Load) => {
    const turns = load.timings.ack.length;
    const pg = load.postgresCpuMs === undefined ? '–' : `${(load.postgresCpuMs / turns).toFixed(2)} ms`;
    return `| ${name} | ${turns} | ${(load.cpuMs / turns).toFixed(2)} ms | ${pg} | ${(load.roundTrips / turns).toFixed(2)} | ${load.late} |`;
  };
  console.log('| app | messages | Node CPU per message (whole process: app, fake Slack, load generator) | PostgreSQL CPU per message | pg round trips per message | sent late (open loop) |');
  console.log('|---|---|---|---|---|---|');
  console.log(perTurn('Trellis', trellis));
  console.log(perTurn('bare Bolt + one INSERT', bare));
  console.log(`Trellis ÷ bare, Node CPU per message: ${(trellis.cpuMs / trellis.timings.ack.length / (bare.cpuMs / bare.timings.ack.length)).toFixed(1)}×`);
  console.log(
    `Trellis ÷ bare, same run: thread reply median ${ratio(trellis.timings.reply, bare.timings.reply)}×, first message median ${ratio(trellis.timings.firstReply, bare.timings.firstReply)}×, throughput ${((100 * bare.seconds) / trellis.seconds).toFixed(0)}% of the bare app's; a first contact is ${ratio(trellis.timings.firstReply, trellis.timings.reply)}× a later turn`,
  );
} finally {
  await echo.close();
  await app.close();
  await fake.close();
  await rm(dataDir, { recursive: true, force: true });
}
