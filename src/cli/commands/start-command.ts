import { parseArgs } from 'node:util';
import { type AppOptions, startApp } from '../../compose-app.ts';
import { londonDateOf } from '../../core/calendar/london-time.ts';
import { consoleLogger } from '../../logging/logger.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { loadCliConfig } from '../with-services.ts';

export const START_USAGE = 'trellis start [--playground] [--preset kingsmead|thomas-alleyne|tpat|whmat] [--reset]';

/**
 * `trellis start` (`npm start`): the database (embedded unless DATABASE_URL is set), the
 * channels the environment configures (Slack, Teams; the playground when neither is, or with
 * --playground), all on one HTTP server, and the reminder schedule. Runs until Ctrl-C.
 */
export async function runStartCommand(args: string[], context: CommandContext): Promise<void> {
  const options = readStartOptions(args);
  const config = loadCliConfig(context);
  const { output } = context;
  const app = await startApp(config, context.clock, consoleLogger(config.logLevel, undefined, config.logFormat), options);
  try {
    const { database } = app.services;
    const where = database.embedded ? `embedded PostgreSQL (${database.url.replace(/:[^:@/]*@/, ':***@')})` : 'DATABASE_URL';
    output.out(`Trellis: database ready on ${where}; ${database.appliedMigrations.length} migration(s) applied this start.`);
    const schools = await database.prisma.school.findMany({ include: { _count: { select: { people: true } } }, orderBy: { slug: 'asc' } });
    for (const school of schools) output.out(`  ${school.slug}: ${school.name}, ${school._count.people} staff (${school.policySource})`);
    // The app's clock, not the machine's: in the playground it is the simulated date.
    output.out(`Today is ${londonDateOf(app.clock.now())}. Channels: ${app.channels.map((c) => c.name).join(', ') || 'none'}.`);
    output.out(`Listening on ${app.server.url}  (health: ${app.server.url}/healthz)`);
    if (app.channels.some((c) => c.name === 'playground')) output.out(`Open ${app.server.url.replace('127.0.0.1', 'localhost')} in your browser to try Trellis.`);
    await untilStopped(context.stop);
  } finally {
    await app.close();
  }
}

function readStartOptions(args: string[]): AppOptions {
  try {
    const { values } = parseArgs({ args, options: { playground: { type: 'boolean' }, reset: { type: 'boolean' }, preset: { type: 'string' } }, strict: true });
    return { playground: values.playground ?? false, reset: values.reset ?? false, preset: values.preset };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\nUsage: ${START_USAGE}`);
  }
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
