// The real Trellis app, serving Slack's events and running its job worker, in its own process for
// the fault tests to kill. Its Web API is a fake Slack on loopback in the test's process.
// Environment: DATABASE_URL, SLACK_URL, CLOCK_AT (the fixed moment). Prints "ready <url>".
import { startApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { fixedClock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { startJobWorker } from '../../../src/scheduler/job-worker.ts';
import { SIGNING_SECRET } from '../../channels/slack/support/signed-requests.ts';

const { DATABASE_URL: databaseUrl, SLACK_URL: slackUrl, CLOCK_AT: clockAt } = process.env;
if (!databaseUrl || !slackUrl || !clockAt) throw new Error('slack-app-process needs DATABASE_URL, SLACK_URL and CLOCK_AT');

const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${slackUrl}/api/`, LOG_LEVEL: 'silent' });
// The server's own worker, without the five-minutely sweep (no digests in this test's Slack).
const app = await startApp(config, fixedClock(clockAt), silentLogger, { scheduler: false });
await startJobWorker({ databaseUrl, deps: app.jobs, concurrency: 3, cron: false });
process.stdout.write(`ready ${app.server.url}\n`);
