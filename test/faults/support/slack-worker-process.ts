// The real Trellis app with its Slack channel, as a job worker in its own process, for the fault
// tests to kill. Its Web API is a fake Slack on loopback in the test's process.
// Environment: DATABASE_URL, SLACK_URL, CLOCK_AT (the fixed moment), LOOKUP ("1": a retry after a
// crash asks Slack first, as the app does; "0": the same channel without the lookup).
import { startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { startJobWorker } from '../../../src/scheduler/job-worker.ts';
import { SIGNING_SECRET } from '../../channels/slack/support/signed-requests.ts';
import { withoutLookup } from './slack-world.ts';

const { DATABASE_URL: databaseUrl, SLACK_URL: slackUrl, CLOCK_AT: clockAt, LOOKUP: lookup } = process.env;
if (!databaseUrl || !slackUrl || !clockAt) throw new Error('slack-worker-process needs DATABASE_URL, SLACK_URL and CLOCK_AT');

const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slackUrl}/api/`, LOG_LEVEL: 'silent' });
const app = await startApp(config, fixedClock(clockAt), silentLogger, { scheduler: false });
const jobs = lookup === '1' ? app.jobs : withoutLookup(app.jobs);
await startJobWorker({ databaseUrl, deps: jobs, concurrency: 3, cron: false });
process.stdout.write('ready\n');
