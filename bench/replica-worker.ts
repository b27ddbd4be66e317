// One Trellis replica for `npm run bench -- replicas`: the real app (its Slack channel, the
// composition the server uses) running the job engine's long-running worker, in its own process.
// Environment: DATABASE_URL, SLACK_API_URL (this replica's way to the fake Slack), CLOCK_AT (the
// fixed moment), CONCURRENCY (jobs at once). Prints "ready" once it takes jobs; when its stdin
// closes it stops taking jobs, finishes those it holds, prints "cpu <ms>" (its CPU time since
// "ready") and exits.
import { startApp } from '../src/compose-app.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { fixedClock } from '../src/core/time/clock.ts';
import { silentLogger } from '../src/logging/logger.ts';
import { startJobWorker } from '../src/scheduler/job-worker.ts';

const { DATABASE_URL: databaseUrl, SLACK_API_URL: slackApiUrl, CLOCK_AT: clockAt, CONCURRENCY: concurrency } = process.env;
if (!databaseUrl || !slackApiUrl || !clockAt) throw new Error('replica-worker needs DATABASE_URL, SLACK_API_URL and CLOCK_AT');

const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-secret', SLACK_API_URL: slackApiUrl, LOG_LEVEL: 'silent' });
const app = await startApp(config, fixedClock(clockAt), silentLogger, { scheduler: false, channelsOnly: true });
const worker = await startJobWorker({ databaseUrl, deps: app.jobs, concurrency: Number(concurrency ?? 4), cron: false });
const cpuAtStart = process.cpuUsage();
process.stdout.write('ready\n');
// Runs until the bench closes stdin.
await new Promise((resolve) => {
  process.stdin.once('end', resolve);
  process.stdin.resume();
});
await worker.stop();
const cpu = process.cpuUsage(cpuAtStart);
process.stdout.write(`cpu ${Math.round((cpu.user + cpu.system) / 1000)}\n`);
await app.close();
process.exit(0);
