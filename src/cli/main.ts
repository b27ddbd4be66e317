import { CliError } from './cli-error.ts';
import type { CommandContext } from './command-context.ts';
import { type Output, processOutput } from './output.ts';
import { type Clock, systemClock } from '../core/time/clock.ts';
import { AlreadyRunningError } from '../storage/db/embedded-database.ts';

/** Every command's usage; loads every command module, so only for help and mistakes. */
async function usage(): Promise<string> {
  const [
    { POLICY_USAGE },
    { CALENDAR_USAGE },
    { TIMELINE_USAGE },
    { SCHOOL_USAGE },
    { IMPORT_USAGE },
    { SWEEP_USAGE },
    { EXPORT_USAGE },
    { RETENTION_USAGE },
    { RECOUNT_USAGE },
    { REPORT_USAGE },
    { OUTBOX_USAGE },
    { REACH_USAGE },
    { SLACK_USAGE },
    { TEAMS_USAGE },
    { ADMINS_USAGE },
  ] = await Promise.all([
    import('./commands/policy-command.ts'),
    import('./commands/calendar-command.ts'),
    import('./commands/timeline-command.ts'),
    import('./commands/school-command.ts'),
    import('./commands/import-command.ts'),
    import('./commands/sweep-command.ts'),
    import('./commands/export-command.ts'),
    import('./commands/retention-command.ts'),
    import('./commands/recount-command.ts'),
    import('./commands/report-command.ts'),
    import('./commands/outbox-command.ts'),
    import('./commands/reach-command.ts'),
    import('./commands/slack-command.ts'),
    import('./commands/teams-command.ts'),
    import('./commands/admins-command.ts'),
  ]);
  return `Trellis: the professional growth cycle, in chat.

Usage:
  trellis start [--playground] [--preset NAME] [--reset]
  trellis migrate
  ${POLICY_USAGE.split('\n').join('\n  ')}
  ${CALENDAR_USAGE}
  ${TIMELINE_USAGE}
  ${SCHOOL_USAGE}
  ${IMPORT_USAGE}
  ${SWEEP_USAGE}
  ${EXPORT_USAGE}
  ${RETENTION_USAGE}
  ${RECOUNT_USAGE}
  ${REPORT_USAGE}
  ${OUTBOX_USAGE}
  ${REACH_USAGE}
  ${SLACK_USAGE}
  ${TEAMS_USAGE.split('\n').join('\n  ')}
  ${ADMINS_USAGE.split('\n').join('\n  ')}`;
}

type Command = (args: string[], context: CommandContext) => Promise<void>;

/**
 * Each command's module is loaded only when that command runs, so a command pays for its own
 * libraries alone (`trellis sweep` loads no PDF, spreadsheet or chart library, no HTTP server).
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  policy: async () => (await import('./commands/policy-command.ts')).runPolicyCommand,
  calendar: async () => (await import('./commands/calendar-command.ts')).runCalendarCommand,
  timeline: async () => (await import('./commands/timeline-command.ts')).runTimelineCommand,
  migrate: async () => (await import('./commands/migrate-command.ts')).runMigrateCommand,
  start: async () => (await import('./commands/start-command.ts')).runStartCommand,
  school: async () => (await import('./commands/school-command.ts')).runSchoolCommand,
  import: async () => (await import('./commands/import-command.ts')).runImportCommand,
  sweep: async () => (await import('./commands/sweep-command.ts')).runSweepCommand,
  export: async () => (await import('./commands/export-command.ts')).runExportCommand,
  records: async () => (await import('./commands/export-command.ts')).runRecordsCommand,
  retention: async () => (await import('./commands/retention-command.ts')).runRetentionCommand,
  recount: async () => (await import('./commands/recount-command.ts')).runRecountCommand,
  report: async () => (await import('./commands/report-command.ts')).runReportCommand,
  outbox: async () => (await import('./commands/outbox-command.ts')).runOutboxCommand,
  reach: async () => (await import('./commands/reach-command.ts')).runReachCommand,
  slack: async () => (await import('./commands/slack-command.ts')).runSlackCommand,
  teams: async () => (await import('./commands/teams-command.ts')).runTeamsCommand,
  admins: async () => (await import('./commands/admins-command.ts')).runAdminsCommand,
};

/** Runs one CLI invocation and returns its exit code. Known mistakes print plain words, not stacks. */
export async function runCli(argv: string[], output: Output = processOutput, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock, stop?: AbortSignal): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    output.out(await usage());
    return name === undefined ? 1 : 0;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) {
    output.err(`Unknown command "${name}".\n\n${await usage()}`);
    return 1;
  }
  try {
    const command = await load();
    await command(args, { output, env, clock, stop });
    return 0;
  } catch (error) {
    if (error instanceof CliError) {
      output.err(error.message);
      return error.exitCode;
    }
    if (error instanceof AlreadyRunningError) {
      output.err(error.message);
      return 1;
    }
    const message = error instanceof Error ? error.message : String(error);
    output.err(`Something went wrong: ${message}`);
    if (process.env.TRELLIS_DEBUG === '1' && error instanceof Error) output.err(error.stack ?? '');
    return 1;
  }
}
