import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseTermDates } from '../src/core/calendar/term-dates.ts';
import { getPreset } from '../src/core/policy/presets/index.ts';
import { sweepSchool } from '../src/core/reminders/run-sweep.ts';
import { setSchool } from '../src/core/schools/set-school.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import type { PrismaClient } from '../src/storage/db/create-prisma-client.ts';
import { FakeSlack } from '../test/channels/slack/support/fake-slack.ts';
import { WorkerProcess } from '../test/faults/support/worker-processes.ts';
import { generateSchool } from './bench-school.ts';
import { benchScales, measured, ms, scaleName, withBenchServices } from './bench-support.ts';

/**
 * Replicas sharing the deliveries (issue 16: "three replicas sweeping … show throughput rising with
 * replicas at 100,000"). One busy day of the sweep bench's WHMAT school (`--scale`, default 10k;
 * everyone due a self-reflection, 004 §4.2, so one digest per person) is seeded and swept once,
 * then its digests are delivered by 1, then 2, then 3 job-worker processes — each the real app
 * with its Slack channel and the job engine's long-running worker, as `trellis start` runs it —
 * for a fixed window each, against a fake Slack on loopback that answers every Web API call after
 * BENCH_REPLICAS_LATENCY_MS (default 100 ms; real Slack answers in 100–300 ms). Each replica
 * reaches the fake Slack through its own loopback proxy, which adds the latency and counts what
 * that replica posted.
 *
 * Printed per replica count: digests delivered per second in the window (chat.postMessage calls
 * answered inside it), how they split between the workers, each worker's CPU time in the window,
 * and, over the whole run, duplicates (a member's DM posted twice: must be 0).
 *
 * BENCH_REPLICAS_WINDOW_S (default 30) is each window; BENCH_REPLICAS_CONCURRENCY (default 4, the
 * server's) the jobs each worker runs at once; BENCH_REPLICAS_COUNTS (default 1,2,3) the replica
 * counts in order.
 */
const SIZES = benchScales([10_000]);
const LATENCY_MS = Number(process.env.BENCH_REPLICAS_LATENCY_MS ?? 100);
const WINDOW_MS = Number(process.env.BENCH_REPLICAS_WINDOW_S ?? 30) * 1000;
const CONCURRENCY = Number(process.env.BENCH_REPLICAS_CONCURRENCY ?? 4);
const COUNTS = (process.env.BENCH_REPLICAS_COUNTS ?? '1,2,3').split(',').map(Number);
const AT = '2026-10-15T16:00:00+01:00';
/** The workspace the fake Slack's auth.test names. */
const FAKE_SLACK_TEAM = 'T123ABC456';
const WORKER_ENTRY = fileURLToPath(new URL('./replica-worker.ts', import.meta.url));
const terms = parseTermDates(readFileSync(new URL('../config/terms/england-2026-28.yaml', import.meta.url), 'utf8'), 'england-2026-28.yaml');
if (!terms.ok) throw new Error('bad bench terms');

/** A replica's way to Slack: answers each call LATENCY_MS late and remembers when it posted a message. */
interface SlowLink {
  url: string;
  /** performance.now() of each chat.postMessage the fake Slack answered ok. */
  posted: number[];
  close(): Promise<void>;
}

interface Row {
  scale: string;
  replicas: number;
  delivered: number;
  perSecond: number;
  split: string;
  cpu: string;
}

const clock = fixedClock(new Date(AT));
const fake = await FakeSlack.start();
const rows: Row[] = [];
console.log(`The fake Slack answers every Web API call after ${LATENCY_MS} ms; each window is ${WINDOW_MS / 1000} s; each worker runs ${CONCURRENCY} jobs at once.`);
try {
  await withBenchServices(clock, async (services) => {
    const prisma = services.database.prisma;
    for (const staff of SIZES) {
      const slug = `replicas-${staff}`;
      const { school } = await setSchool(services, { slug, policy: getPreset('whmat')!, policySource: 'preset:whmat', termDates: terms.value });
      const seeded = await measured(() => generateSchool(prisma, school.id, staff));
      for (let n = 0; n < staff; n++) fake.addUser({ id: `U${staff}x${n}`, email: `staff${n}@bench.example`, teamId: FAKE_SLACK_TEAM });
      const swept = await measured(() => sweepSchool({ reminders: services.reminders, clock }, school));
      console.log(`${staff} staff: seeded in ${ms(seeded.ms)}; swept once in ${ms(swept.ms)} (${swept.value.queuedReminders} reminders, ${swept.value.queuedDigests} digests queued; peak RSS of this process ${swept.peakRssMiB.toFixed(0)} MiB)`);
      fake.calls.length = 0;
      for (const replicas of COUNTS) {
        const links = await Promise.all(Array.from({ length: replicas }, () => slowLink(fake.url)));
        const workers = links.map(
          (link, i) => new WorkerProcess(`worker-${i + 1}`, { DATABASE_URL: services.database.url, SLACK_API_URL: `${link.url}/api/`, CLOCK_AT: AT, CONCURRENCY: String(CONCURRENCY), LOG_LEVEL: 'silent' }, WORKER_ENTRY),
        );
        for (const worker of workers) {
          const line = await worker.nextLine();
          if (line !== 'ready') throw new Error(`${worker.name} said "${line}" instead of ready`);
        }
        const start = performance.now();
        await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
        const end = performance.now();
        const cpus = await Promise.all(
          workers.map(async (worker) => {
            // Closing stdin stops the worker after the jobs it holds; it then prints its CPU time.
            const ending = worker.end();
            const line = await worker.nextLine();
            await ending;
            return Number(/^cpu (\d+)$/.exec(line)?.[1] ?? Number.NaN);
          }),
        );
        await Promise.all(links.map((link) => link.close()));
        const inWindow = links.map((link) => link.posted.filter((at) => at >= start && at <= end).length);
        const delivered = inWindow.reduce((sum, n) => sum + n, 0);
        const row: Row = {
          scale: scaleName(staff),
          replicas,
          delivered,
          perSecond: delivered / ((end - start) / 1000),
          split: inWindow.join(' / '),
          cpu: cpus.map((cpu) => `${(cpu / 1000).toFixed(1)} s`).join(' / '),
        };
        rows.push(row);
        console.log(`  ${replicas} ${replicas === 1 ? 'replica' : 'replicas'}: ${delivered} digests in the window, ${row.perSecond.toFixed(1)}/s; split ${row.split}; CPU ${row.cpu} (including the jobs finished after the window)`);
      }
      const posts = fake.callsOf('chat.postMessage');
      const channels = new Set(posts.map((call) => String(call.body.channel)));
      const sent = await sentDigests(prisma, school.id);
      console.log(`${scaleName(staff)}: ${posts.length} digests posted over the run to ${channels.size} members, ${posts.length - channels.size} duplicated; ${sent} digests marked sent; ${swept.value.queuedDigests - sent} still queued`);
    }
  });
} finally {
  await fake.close();
}

console.log('\n| scale | replicas | digests delivered in the window | per second | ratio to 1 replica | split between workers | CPU time per worker |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  const one = rows.find((other) => other.scale === row.scale && other.replicas === 1);
  console.log(`| ${row.scale} | ${row.replicas} | ${row.delivered} | ${row.perSecond.toFixed(1)} | ${one === undefined ? '–' : `${(row.perSecond / one.perSecond).toFixed(2)}×`} | ${row.split} | ${row.cpu} |`);
}
console.log(
  `Each replica is its own process on the same machine (${(await import('node:os')).availableParallelism()} CPUs) as PostgreSQL, the fake Slack and this bench: more replicas raise throughput only while the work waits on the platform (${LATENCY_MS} ms a call here); once the CPUs are busy, more replicas share the same CPU time.`,
);

/** A loopback proxy to the fake Slack that answers each call `LATENCY_MS` late and records the messages posted through it. */
async function slowLink(target: string): Promise<SlowLink> {
  const to = new URL(target);
  const posted: number[] = [];
  const server: Server = createServer((incoming, answer) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      setTimeout(() => {
        const forward = request(
          { host: to.hostname, port: to.port, path: incoming.url, method: incoming.method, headers: { ...incoming.headers, host: to.host } },
          (response) => {
            const body: Buffer[] = [];
            response.on('data', (chunk: Buffer) => body.push(chunk));
            response.on('end', () => {
              const text = Buffer.concat(body);
              if (incoming.url?.includes('chat.postMessage') && response.statusCode === 200 && text.includes('"ok":true')) posted.push(performance.now());
              answer.writeHead(response.statusCode ?? 502, response.headers);
              answer.end(text);
            });
          },
        );
        forward.on('error', (error) => {
          answer.writeHead(502);
          answer.end(String(error));
        });
        forward.end(Buffer.concat(chunks));
      }, LATENCY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posted,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function sentDigests(prisma: PrismaClient, schoolId: string): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM nudge_outbox o JOIN people p ON p.id = o.recipient_id
    WHERE p.school_id = ${schoolId}::uuid AND o.status = 'sent' AND o.payload->>'type' = 'digest'`;
  return row?.n ?? 0;
}
