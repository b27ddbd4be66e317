import type { RunningApp } from '../../../src/compose-app.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import type { Clock } from '../../../src/core/time/clock.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { startApp } from '../../../src/compose-app.ts';
import type { JobDeps } from '../../../src/scheduler/job-worker.ts';
import type { PrismaClient } from '../../../src/storage/db/create-prisma-client.ts';
import type { FakeSlack, RecordedCall } from '../../channels/slack/support/fake-slack.ts';
import { SIGNING_SECRET } from '../../channels/slack/support/signed-requests.ts';
import type { EdgeDelivery } from './delivery-edge.ts';

/** The app's job deps with a router that cannot look a message up: the at-least-once baseline. */
export function withoutLookup(jobs: JobDeps): JobDeps {
  const router = jobs.delivery.deliverer;
  return { ...jobs, delivery: { ...jobs.delivery, deliverer: { deliver: (delivery) => router.deliver(delivery) } } };
}

/** The real app, its Slack Web API the fake, no scheduler: the test runs its jobs. */
export function startSlackApp(databaseUrl: string, fake: FakeSlack, clock: Clock): Promise<RunningApp> {
  const config = loadConfig({ DATABASE_URL: databaseUrl, PORT: '0', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: `${fake.url}/api/`, LOG_LEVEL: 'silent' });
  return startApp(config, clock, silentLogger, { scheduler: false });
}

/** Every person in the database as a user of the bot's own workspace, found by e-mail. */
export async function addEveryoneToSlack(prisma: PrismaClient, fake: FakeSlack): Promise<void> {
  const people = await prisma.person.findMany({ select: { email: true }, orderBy: { email: 'asc' } });
  for (const [i, person] of people.entries()) fake.addUser({ id: `U${String(i).padStart(6, '0')}`, email: person.email, teamId: 'T123ABC456' });
}

/** The digest key a posted message carries in its metadata, if any. */
function deliveryKeyOf(call: RecordedCall): string | undefined {
  const metadata = call.body.metadata as { event_type?: string; event_payload?: { key?: unknown; part?: unknown } } | undefined;
  const key = metadata?.event_payload?.key;
  return metadata?.event_type === 'trellis_delivery' && typeof key === 'string' && metadata.event_payload?.part === 1 ? key : undefined;
}

/** Each digest Slack accepted (the first message of each), as the fault counters read deliveries. */
export function slackDigests(fake: FakeSlack): EdgeDelivery[] {
  return fake
    .callsOf('chat.postMessage')
    .filter((call) => call.response.ok === true)
    .flatMap((call) => {
      const key = deliveryKeyOf(call);
      return key?.startsWith('digest:') ? [{ kind: 'digest' as const, key, email: String(call.body.channel), worker: '' }] : [];
    });
}
