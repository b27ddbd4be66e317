// A Trellis job worker in its own process, for the fault tests to run several of and kill.
// Environment: DATABASE_URL, EDGE_URL, WORKER_NAME, LOOKUP ("1" to check before re-sending).
// MODE=run: the job engine's long-running worker at the fixed moment CLOCK_AT, until killed.
// MODE=ticks: reads "tick <ISO>" lines; runs every due job at that moment and answers "done <ISO>".
import { createInterface } from 'node:readline';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { type JobDeps, runDueJobs, startJobWorker } from '../../../src/scheduler/job-worker.ts';
import { createPrismaClient } from '../../../src/storage/db/create-prisma-client.ts';
import { prismaAccess } from '../../../src/storage/prisma/prisma-access-relationships.ts';
import { PrismaReminderStore } from '../../../src/storage/prisma/prisma-reminder-store.ts';
import { PrismaSchoolRepository } from '../../../src/storage/prisma/prisma-school-repository.ts';
import { httpDeliverer } from './http-deliverer.ts';

const { DATABASE_URL: databaseUrl, EDGE_URL: edgeUrl, WORKER_NAME: worker, MODE: mode, CLOCK_AT: clockAt, LOOKUP: lookup } = process.env;
if (!databaseUrl || !edgeUrl || !worker) throw new Error('worker-process needs DATABASE_URL, EDGE_URL and WORKER_NAME');

const prisma = createPrismaClient(databaseUrl);
const store = new PrismaReminderStore(prisma);
const schools = new PrismaSchoolRepository(prisma);
const channel = httpDeliverer(edgeUrl, worker, { lookup: lookup === '1' });

function depsAt(iso: string): JobDeps {
  const clock = fixedClock(iso);
  const findSchool = (slug: string) => schools.findSchool(slug);
  return {
    sweep: { reminders: store, clock, findSchool },
    delivery: { outbox: store, reminders: store, deliverer: channel, messenger: channel, clock, findSchool, access: prismaAccess(prisma).guard },
    listSchoolSlugs: () => store.listSchoolSlugs(),
    log: silentLogger,
  };
}

if (mode === 'run') {
  await startJobWorker({ databaseUrl, deps: depsAt(clockAt!), concurrency: 3, cron: false });
  process.stdout.write('ready\n');
} else {
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const [command, iso] = line.split(' ');
    if (command !== 'tick' || iso === undefined) break;
    await runDueJobs(databaseUrl, depsAt(iso));
    process.stdout.write(`done ${iso}\n`);
  }
  await prisma.$disconnect();
}
