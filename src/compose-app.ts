import type { Channel } from './channels/channel.ts';
import { ChannelRouter } from './channels/channel-router.ts';
import { PlaygroundChannel, playgroundOwnsClock, playgroundWillRun } from './channels/playground/playground-channel.ts';
import { SlackChannel } from './channels/slack/slack-channel.ts';
import { TeamsChannel } from './channels/teams/teams-channel.ts';
import { type Services, openServices } from './compose-services.ts';
import type { Config } from './config/load-config.ts';
import { AccessRequests } from './core/access/access-requests.ts';
import { TrellisBot } from './core/bot/trellis-bot.ts';
import { ALL_DIALOGS } from './core/conversations/dialogs/all-dialogs.ts';
import { ConversationEngine } from './core/conversations/engine/run-turn.ts';
import { PersonalRecordsRequests } from './core/records/my-records.ts';
import { ObligationReminderActions } from './core/reminders/reminder-actions.ts';
import { sweepSchools } from './core/reminders/run-sweep.ts';
import { CycleReports } from './core/reports/cycle-reports.ts';
import type { Clock } from './core/time/clock.ts';
import { SimulatedClock } from './core/time/simulated-clock.ts';
import type { Logger } from './logging/logger.ts';
import { startCronScheduler } from './scheduler/cron-scheduler.ts';
import { type RunningServer, startHttpServer } from './server/http-server.ts';
import { guardProcess } from './server/process-guard.ts';
import { PrismaConversationStore } from './storage/prisma/prisma-conversation-store.ts';
import { PrismaIdentityStore } from './storage/prisma/prisma-identity-store.ts';
import { PrismaReminderActionsStore } from './storage/prisma/prisma-reminder-actions-store.ts';
import { PrismaActiveThreads } from './storage/prisma/prisma-active-threads.ts';
import { PrismaReportReads } from './storage/prisma/prisma-report-reads.ts';
import { PrismaPeopleFacts, prismaAccess } from './storage/prisma/prisma-access-relationships.ts';
import { PrismaAccessRequestStore } from './storage/prisma/prisma-access-requests.ts';

export interface AppOptions {
  /** Run the playground even when Slack or Teams is configured (it runs anyway when neither is). */
  playground?: boolean;
  /** Playground: start from a fresh demo. */
  reset?: boolean;
  /** Playground: only this preset's demo school. */
  preset?: string | undefined;
  /** The cron sweep; tests drive sweeps themselves. */
  scheduler?: boolean;
}

/** What channels are built from: the bot they translate for and the router that reaches people. */
export interface ChannelParts {
  config: Config;
  services: Services;
  bot: TrellisBot;
  identities: PrismaIdentityStore;
  router: ChannelRouter;
  clock: Clock;
  log: Logger;
  /** One reminder sweep of every school at the clock's moment (the playground's clock buttons run it). */
  sweep: () => Promise<void>;
}

export interface RunningApp extends ChannelParts {
  server: RunningServer;
  channels: readonly Channel[];
  close(): Promise<void>;
}

/**
 * The composition root: opens storage, builds the bot over the conversation engine, starts the
 * channels the configuration asks for on one HTTP server, and the reminder schedule.
 */
export async function startApp(config: Config, givenClock: Clock, log: Logger, options: AppOptions = {}): Promise<RunningApp> {
  // The playground moves time for everything (dialogs, reports, the sweep), so all share its clock;
  // next to real Slack or Teams it never does.
  const clock = playgroundOwnsClock(config, options) ? new SimulatedClock(givenClock) : givenClock;
  const services = await openServices(config, clock);
  const closers: (() => Promise<void>)[] = [() => services.close()];
  const unguard = guardProcess(log);
  closers.push(async () => unguard());
  try {
    const identities = new PrismaIdentityStore(services.database.prisma);
    const engine = new ConversationEngine({ store: new PrismaConversationStore(services.database.prisma), clock, dialogs: ALL_DIALOGS });
    const router = new ChannelRouter();
    const reportReads = new PrismaReportReads(services.database.prisma);
    const access = prismaAccess(services.database.prisma);
    const bot = new TrellisBot({
      engine,
      dialogs: ALL_DIALOGS,
      identities,
      reports: new CycleReports(reportReads, access),
      actions: new ObligationReminderActions(new PrismaReminderActionsStore(services.database.prisma)),
      records: new PersonalRecordsRequests(services.records, { store: services.retention, findSchool: (slug) => services.schools.findSchool(slug), clock }),
      clock,
      notifier: router,
      access: new AccessRequests({ facts: new PrismaPeopleFacts(services.database.prisma), store: new PrismaAccessRequestStore(services.database.prisma), guard: access.guard, reads: reportReads }),
      threads: new PrismaActiveThreads(services.database.prisma),
    });
    const sweep = async () => {
      const slugs = await services.reminders.listSchoolSlugs();
      await sweepSchools({ reminders: services.reminders, deliverer: router, clock, findSchool: (slug) => services.schools.findSchool(slug) }, slugs);
    };
    const parts: ChannelParts = { config, services, bot, identities, router, clock, log, sweep };
    for (const channel of await createChannels(parts, options)) router.add(channel);
    for (const channel of router.channels) {
      await channel.start?.();
      if (channel.stop) closers.unshift(() => channel.stop!());
    }
    const server = await startHttpServer({
      host: config.host,
      port: config.port,
      routes: router.channels.flatMap((channel) => channel.routes),
      healthy: async () => {
        await services.database.prisma.$queryRaw`SELECT 1`;
        return true;
      },
      onError: (error, request) => log.error('request failed', { method: request.method, url: request.url, error }),
    });
    closers.unshift(() => server.close());
    if (options.scheduler !== false) {
      const task = startCronScheduler({ sweep, onError: (error) => log.error('reminder sweep failed', { error }) });
      closers.unshift(async () => void (await task.destroy()));
    }
    return { ...parts, server, channels: router.channels, close: () => closeAll(closers) };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** The channels the configuration asks for: Slack and Teams when configured, else the playground. */
async function createChannels(parts: ChannelParts, options: AppOptions): Promise<Channel[]> {
  const channels: Channel[] = [];
  // Each channel adds itself here: Slack, then Teams, then the playground (the fallback).
  if (parts.config.slack) channels.push(new SlackChannel(parts));
  if (parts.config.teams) {
    const lookups = new PrismaActiveThreads(parts.services.database.prisma);
    channels.push(new TeamsChannel(parts, parts.config.teams, { threads: lookups, managers: lookups }));
  }
  if (playgroundWillRun(parts.config, options)) channels.push(new PlaygroundChannel(parts, options));
  void options;
  void parts;
  return channels;
}

async function closeAll(closers: readonly (() => Promise<void>)[]): Promise<void> {
  for (const close of closers) {
    try {
      await close();
    } catch {
      // Closing is best effort: one part failing to stop must not keep the rest running.
    }
  }
}
