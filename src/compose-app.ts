import type { Channel } from './channels/channel.ts';
import { ChannelRouter } from './channels/channel-router.ts';
import type { PacerLimits } from './channels/teams/send-pacer.ts';
import { type Services, openServices } from './compose-services.ts';
import type { Config } from './config/load-config.ts';
import type { SlackRefusalStore } from './core/reach/slack-refusals.ts';
import type { AdminConsole } from './core/admin/admin-console.ts';
import type { TrellisBot } from './core/bot/trellis-bot.ts';
import type { Metrics } from './core/metrics/metrics.ts';
import { dailyRetention } from './core/retention/retention.ts';
import { recountKeptCounts } from './core/reports/kept-counts.ts';
import { sweepSchools } from './core/reminders/run-sweep.ts';
import { sweepDepsOf } from './compose-sweep.ts';
import type { Clock } from './core/time/clock.ts';
import type { Logger } from './logging/logger.ts';
import type { PrometheusMetrics } from './metrics/prometheus-metrics.ts';
import type { DeliveryDeps } from './core/reminders/deliver-digest.ts';
import type { JobDeps } from './scheduler/job-worker.ts';
import type { RunningServer } from './server/http-server.ts';
import type { ReadinessCheck } from './server/readiness.ts';
import { PrismaNotificationQueue } from './storage/prisma/prisma-notification-queue.ts';
import type { PrismaIdentityStore } from './storage/prisma/prisma-identity-store.ts';
import { PrismaPeopleFacts, prismaAccess } from './storage/prisma/prisma-access-relationships.ts';
import { keepConnectionsOpen } from './storage/db/create-prisma-client.ts';

// Only what every composition needs is imported above. The bot and its dialogs, the channels and
// their SDKs, the HTTP server, the admin console, PDF, spreadsheet and chart libraries and the job
// engine are imported where they are built, so a command builds and loads only what it asks for
// (`trellis sweep` with no chat channel configured loads none of them).

export interface AppOptions {
  /** Run the playground even when Slack or Teams is configured (it runs anyway when neither is). */
  playground?: boolean;
  /** Playground: start from a fresh demo. */
  reset?: boolean;
  /** Playground: only this preset's demo school. */
  preset?: string | undefined;
  /** The job worker and its five-minutely sweep; tests drive sweeps themselves. */
  scheduler?: boolean;
  /** Only the configured chat channels, never the playground (`trellis sweep`). */
  channelsOnly?: boolean;
  /** An extra `/readyz` check (undefined when ready, else what is not), beside the database and migrations. */
  ready?: ReadinessCheck;
  /** Teams' send limits for the connector's pacer; a benchmark lifts them to measure Trellis rather than the pacer. */
  teamsSendLimits?: PacerLimits | undefined;
}

/** What channels are built from: the bot they translate for and the router that reaches people. */
export interface ChannelParts {
  config: Config;
  services: Services;
  bot: TrellisBot;
  identities: PrismaIdentityStore;
  /** What Slack last refused for a person (not in the workspace, deactivated), kept for `trellis reach`. */
  slackRefusals: SlackRefusalStore;
  router: ChannelRouter;
  clock: Clock;
  log: Logger;
  /** One reminder sweep of every school at the clock's moment, then its deliveries (the playground's clock buttons run it). */
  sweep: () => Promise<void>;
  /** What the job engine's jobs run on: the sweep and the deliveries through the router. */
  jobs: JobDeps;
  /** Turn latency, deliveries, the sweep, dead letters and queue depth, served at `/metrics`. */
  metrics: PrometheusMetrics;
}

export interface RunningApp extends ChannelParts {
  server: RunningServer;
  channels: readonly Channel[];
  /**
   * Graceful shutdown (`trellis start` on SIGTERM or Ctrl-C): `/readyz` answers 503 at once while
   * requests in progress are answered and claimed jobs finish; then the server, the channels (their
   * replies still being posted) and storage close.
   */
  close(): Promise<void>;
}

/**
 * The composition root: opens storage, builds the bot over the conversation engine, starts the
 * channels the configuration asks for on one HTTP server, and the job worker (deliveries and the
 * five-minutely sweep).
 */
export async function startApp(config: Config, givenClock: Clock, log: Logger, options: AppOptions = {}): Promise<RunningApp> {
  // The playground moves time for everything (dialogs, reports, the sweep), so all share its clock;
  // next to real Slack or Teams it never does.
  const [{ playgroundOwnsClock }, { SimulatedClock }, { adminRoutes, SIGN_IN_LIMIT, SIGN_IN_WINDOW_SECONDS }, { SLACK_INSTALL_PATH }, { PrismaAdminSessions, PrismaAttemptLimiter }, { startHttpServer }, { guardProcess }, { checkReadiness }, { defaultMigrationsDir, readMigrationFiles }, { PrismaOperations }, { startJobWorker }] = await Promise.all([
    import('./channels/playground/playground-channel.ts'),
    import('./core/time/simulated-clock.ts'),
    import('./admin-console/admin-routes.ts'),
    import('./channels/slack/slack-installations.ts'),
    import('./storage/prisma/prisma-admin-sessions.ts'),
    import('./server/http-server.ts'),
    import('./server/process-guard.ts'),
    import('./server/readiness.ts'),
    import('./storage/db/migration-files.ts'),
    import('./storage/prisma/prisma-operations.ts'),
    import('./scheduler/job-worker.ts'),
  ]);
  const clock = playgroundOwnsClock(config, options) ? new SimulatedClock(givenClock) : givenClock;
  const services = await openServices(config, clock);
  const closers: (() => Promise<void>)[] = [() => services.close()];
  // The server's pool is opened whole and kept so: a burst of turns never waits for connections to open.
  await keepConnectionsOpen(services.database.prisma);
  const unguard = guardProcess(log);
  closers.push(async () => unguard());
  try {
    const parts = await composeChannels(config, services, clock, log, options);
    for (const channel of parts.router.channels) {
      await channel.start?.();
      if (channel.stop) closers.unshift(() => channel.stop!());
    }
    const email = parts.router.email;
    if (email?.stop) closers.unshift(() => email.stop!());
    const operations = new PrismaOperations(services.database.prisma);
    const migrations = readMigrationFiles(defaultMigrationsDir).map((migration) => migration.name);
    const readiness: Record<string, ReadinessCheck> = {
      database: async () => {
        await operations.ping();
        return undefined;
      },
      migrations: async () => {
        const missing = await operations.unappliedMigrations(migrations);
        return missing.length === 0 ? undefined : `${missing.length} migration(s) not applied: ${missing.join(', ')}`;
      },
      ...(options.ready === undefined ? {} : { app: options.ready }),
    };
    const server = await startHttpServer({
      host: config.host,
      port: config.port,
      routes: [...parts.router.channels.flatMap((channel) => channel.routes), ...adminRoutes({ console: await adminConsoleOf(services, clock), config: config.admin, sessions: new PrismaAdminSessions(services.database.prisma), limiter: new PrismaAttemptLimiter(services.database.prisma, SIGN_IN_LIMIT, SIGN_IN_WINDOW_SECONDS), clock, log, slackInstallUrl: config.slack?.oauth === undefined ? undefined : SLACK_INSTALL_PATH })],
      healthy: async () => {
        await operations.ping();
        return true;
      },
      ready: () => checkReadiness(readiness, (check, error) => log.warn('readiness check failed', { check, error })),
      metrics: () => parts.metrics.render(),
      log,
      onError: (error, request) => log.error('request failed', { method: request.method, path: request.url?.split('?')[0], error }),
    });
    closers.unshift(() => server.close());
    // What a graceful shutdown waits for before the server stops listening: the requests being
    // answered and the jobs this process has claimed.
    const draining: (() => Promise<void>)[] = [() => server.idle()];
    if (options.scheduler !== false) {
      await services.outbox.queueMissingJobs(clock.now());
      const worker = await startJobWorker({ databaseUrl: services.database.url, deps: parts.jobs });
      draining.push(() => worker.stop());
    }
    const close = async () => {
      // `/readyz` says so at once, so the load balancer stops sending while the work in hand finishes.
      server.beginShutdown();
      log.info('shutting down: finishing the requests and jobs in progress');
      await Promise.allSettled(draining.map((drain) => drain()));
      await closeAll(closers);
    };
    return { ...parts, server, channels: parts.router.channels, close };
  } catch (error) {
    await closeAll(closers);
    throw error;
  }
}

/** What `trellis sweep` delivers through: the router over the configured channels, and the job engine's work. */
export interface DeliveryParts {
  router: ChannelRouter;
  jobs: JobDeps;
}

/**
 * What a delivery outside the server needs (`trellis sweep`): the configured chat channels (never
 * the playground) and the job engine's work over them. With no chat channel configured nothing can
 * be delivered, so neither the bot nor any channel is built (or loaded): only the sweep's work and,
 * with SMTP configured, e-mail.
 */
export async function composeDelivery(config: Config, services: Services, clock: Clock, log: Logger): Promise<DeliveryParts> {
  if (config.slack !== undefined || config.teams !== undefined) return composeChannels(config, services, clock, log, { channelsOnly: true });
  const router = new ChannelRouter();
  await addEmail(config, router);
  return { router, jobs: jobsOf(config, services, clock, log, router, undefined) };
}

/**
 * The bot over the conversation engine and the channels the configuration asks for, behind one
 * `ChannelRouter`: what the server serves and what every delivery (the job worker's, `trellis
 * sweep`'s) goes through. Channels are built, not started.
 */
export async function composeChannels(config: Config, services: Services, clock: Clock, log: Logger, options: AppOptions = {}): Promise<ChannelParts> {
  const [
    { addLogContext },
    { PrometheusMetrics },
    { PrismaOperations },
    { TrellisBot },
    { ALL_DIALOGS },
    { ConversationEngine },
    { CycleReports },
    { ObligationReminderActions },
    { PersonalRecordsRequests },
    { AccessRequests },
    { ReviewerChanges },
    { CycleRestarts },
    { ReviewLoadExceptions },
    { GovernorsRequests },
    { PrismaGovernorsSchools },
    { PrismaIdentityStore },
    { PrismaConversationStore },
    { PrismaReportReads },
    { PrismaReminderActionsStore },
    { PrismaAccessRequestStore },
    { PrismaReviewerChangeStore },
    { PrismaCycleRestarts },
    { PrismaReviewLoadExceptions },
    { PrismaActiveThreads },
    { PrismaSentReplies },
    { PrismaSlackRefusals },
  ] = await Promise.all([
    import('./logging/logger.ts'),
    import('./metrics/prometheus-metrics.ts'),
    import('./storage/prisma/prisma-operations.ts'),
    import('./core/bot/trellis-bot.ts'),
    import('./core/conversations/dialogs/all-dialogs.ts'),
    import('./core/conversations/engine/run-turn.ts'),
    import('./core/reports/cycle-reports.ts'),
    import('./core/reminders/reminder-actions.ts'),
    import('./core/records/my-records.ts'),
    import('./core/access/access-requests.ts'),
    import('./core/access/reviewer-changes.ts'),
    import('./core/roster/cycle-restart.ts'),
    import('./core/roster/review-load-exceptions.ts'),
    import('./core/reports/governors-requests.ts'),
    import('./storage/prisma/prisma-governors-reads.ts'),
    import('./storage/prisma/prisma-identity-store.ts'),
    import('./storage/prisma/prisma-conversation-store.ts'),
    import('./storage/prisma/prisma-report-reads.ts'),
    import('./storage/prisma/prisma-reminder-actions-store.ts'),
    import('./storage/prisma/prisma-access-requests.ts'),
    import('./storage/prisma/prisma-reviewer-changes.ts'),
    import('./storage/prisma/prisma-cycle-restarts.ts'),
    import('./storage/prisma/prisma-review-load-exceptions.ts'),
    import('./storage/prisma/prisma-active-threads.ts'),
    import('./storage/prisma/prisma-notification-queue.ts'),
    import('./storage/prisma/prisma-slack-refusals.ts'),
  ]);
  const turns = new PrismaConversationStore(services.database.prisma);
  // A reply in a dialog's thread: who wrote it and its turn's first read are one statement.
  const identities = new PrismaIdentityStore(services.database.prisma, undefined, turns);
  const engine = new ConversationEngine({ store: turns, clock, dialogs: ALL_DIALOGS });
  const router = new ChannelRouter();
  const reportReads = new PrismaReportReads(services.database.prisma);
  const access = prismaAccess(services.database.prisma);
  const operations = new PrismaOperations(services.database.prisma);
  const metrics = new PrometheusMetrics({ deadLetters: () => operations.countDeadLetters(), queueDepth: () => operations.countQueuedJobs() });
  const bot = new TrellisBot({
    engine,
    dialogs: ALL_DIALOGS,
    identities,
    reports: new CycleReports(reportReads, access),
    actions: new ObligationReminderActions(new PrismaReminderActionsStore(services.database.prisma)),
    records: new PersonalRecordsRequests(services.records, { store: services.retention, findSchool: (slug) => services.schools.findSchool(slug), clock }),
    clock,
    access: new AccessRequests({ facts: new PrismaPeopleFacts(services.database.prisma), store: new PrismaAccessRequestStore(services.database.prisma), guard: access.guard, reads: reportReads }),
    reviewerChanges: new ReviewerChanges({ facts: new PrismaPeopleFacts(services.database.prisma), store: new PrismaReviewerChangeStore(services.database.prisma) }),
    cycleRestarts: new CycleRestarts({ facts: new PrismaPeopleFacts(services.database.prisma), store: new PrismaCycleRestarts(services.database.prisma) }),
    reviewLoadExceptions: new ReviewLoadExceptions({ facts: new PrismaPeopleFacts(services.database.prisma), store: new PrismaReviewLoadExceptions(services.database.prisma) }),
    threads: new PrismaActiveThreads(services.database.prisma),
    replies: new PrismaSentReplies(services.database.prisma),
    metrics,
    onIdentified: (person) => addLogContext({ school: person.schoolId }),
    governors: new GovernorsRequests({ reads: services.governors, schools: new PrismaGovernorsSchools(services.database.prisma), people: reportReads, guard: access.guard, clock }),
  });
  const jobs = jobsOf(config, services, clock, log, router, metrics, (messages, forPerson) => bot.prepare(messages, forPerson));
  const sweep = async () => {
    await sweepSchools(jobs.sweep, await services.reminders.listSchoolSlugs());
    const { runDueJobs } = await import('./scheduler/job-worker.ts');
    await runDueJobs(services.database.url, jobs);
  };
  const slackRefusals = new PrismaSlackRefusals(services.database.prisma);
  const parts: ChannelParts = { config, services, bot, identities, slackRefusals, router, clock, log, sweep, jobs, metrics };
  for (const channel of await createChannels(parts, options)) router.add(channel);
  await addEmail(config, router);
  return parts;
}

/** What the job engine's jobs run on: the sweep, and the deliveries through `router`. */
function jobsOf(config: Config, services: Services, clock: Clock, log: Logger, router: ChannelRouter, metrics: Metrics | undefined, prepare?: DeliveryDeps['prepare']): JobDeps {
  const findSchool = (slug: string) => services.schools.findSchool(slug);
  return {
    sweep: sweepDepsOf(config, { reminders: services.reminders, findSchool, facts: new PrismaPeopleFacts(services.database.prisma), queue: new PrismaNotificationQueue(services.database.prisma) }, clock, metrics),
    delivery: {
      outbox: services.outbox,
      reminders: services.reminders,
      deliverer: router,
      messenger: router,
      clock,
      findSchool,
      access: prismaAccess(services.database.prisma).guard,
      // A saved reply naming files (my-records, the governors' report) has them made as it is sent.
      prepare,
    },
    listSchoolSlugs: () => services.reminders.listSchoolSlugs(),
    retention: async () => {
      await dailyRetention({ store: services.retention, findSchool, clock, listSchoolSlugs: () => services.reminders.listSchoolSlugs() });
    },
    recount: () => recountKeptCounts(services.keptCounts),
    log,
    metrics,
  };
}

/** E-mail to the head's reviewers who are not on the roster, when SMTP is configured. */
async function addEmail(config: Config, router: ChannelRouter): Promise<void> {
  if (config.smtp === undefined) return;
  const { EmailChannel } = await import('./channels/email/email-channel.ts');
  router.addEmail(new EmailChannel(config.smtp));
}

/** The channels the configuration asks for: Slack and Teams when configured, else the playground. */
async function createChannels(parts: ChannelParts, options: AppOptions): Promise<Channel[]> {
  const channels: Channel[] = [];
  // Each channel adds itself here: Slack, then Teams, then the playground (the fallback).
  const slack = parts.config.slack;
  if (slack) {
    const [{ SlackChannel }, { PrismaSlackInstallations }] = await Promise.all([import('./channels/slack/slack-channel.ts'), import('./storage/prisma/prisma-slack-installations.ts')]);
    // Installed in many workspaces, each install's token is kept encrypted in PostgreSQL.
    const installations = slack.oauth === undefined ? undefined : new PrismaSlackInstallations(parts.services.database.prisma, slack.oauth.encryptionKey);
    channels.push(new SlackChannel(parts, installations));
  }
  if (parts.config.teams) {
    const [{ TeamsChannel }, { PrismaActiveThreads }] = await Promise.all([import('./channels/teams/teams-channel.ts'), import('./storage/prisma/prisma-active-threads.ts')]);
    const lookups = new PrismaActiveThreads(parts.services.database.prisma);
    channels.push(new TeamsChannel(parts, parts.config.teams, { threads: lookups, managers: lookups, sendLimits: options.teamsSendLimits }));
  }
  if (!options.channelsOnly) {
    const { PlaygroundChannel, playgroundWillRun } = await import('./channels/playground/playground-channel.ts');
    if (playgroundWillRun(parts.config, options)) channels.push(new PlaygroundChannel(parts, options));
  }
  void options;
  void parts;
  return channels;
}

/** The admin console's reads and changes over storage (`/admin`). */
async function adminConsoleOf(services: Services, clock: Clock): Promise<AdminConsole> {
  const [{ AdminConsole }, { PrismaChatBindings }, { PrismaAccessRequestStore }, { ShippedTermDateFiles }] = await Promise.all([
    import('./core/admin/admin-console.ts'),
    import('./storage/prisma/prisma-chat-bindings.ts'),
    import('./storage/prisma/prisma-access-requests.ts'),
    import('./config/shipped-term-dates.ts'),
  ]);
  return new AdminConsole({
    directory: services.admins,
    audit: services.admins,
    grants: services.admins,
    chat: new PrismaChatBindings(services.database.prisma),
    schools: services.schools,
    roster: services.roster,
    obligations: services.obligations,
    reach: services.reach,
    outbox: services.outbox,
    accessRequests: new PrismaAccessRequestStore(services.database.prisma),
    shippedTermDates: new ShippedTermDateFiles(),
    clock,
  });
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
