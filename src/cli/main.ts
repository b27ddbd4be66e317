import { CliError } from './cli-error.ts';
import { ADMINS_USAGE, runAdminsCommand } from './commands/admins-command.ts';
import { CALENDAR_USAGE, runCalendarCommand } from './commands/calendar-command.ts';
import { EXPORT_USAGE, runExportCommand, runRecordsCommand } from './commands/export-command.ts';
import { IMPORT_USAGE, runImportCommand } from './commands/import-command.ts';
import { RETENTION_USAGE, runRetentionCommand } from './commands/retention-command.ts';
import { RECOUNT_USAGE, runRecountCommand } from './commands/recount-command.ts';
import { REPORT_USAGE, runReportCommand } from './commands/report-command.ts';
import { runMigrateCommand } from './commands/migrate-command.ts';
import { runStartCommand } from './commands/start-command.ts';
import { runSweepCommand, SWEEP_USAGE } from './commands/sweep-command.ts';
import { OUTBOX_USAGE, runOutboxCommand } from './commands/outbox-command.ts';
import { REACH_USAGE, runReachCommand } from './commands/reach-command.ts';
import { runSchoolCommand, SCHOOL_USAGE } from './commands/school-command.ts';
import { runSlackCommand, SLACK_USAGE } from './commands/slack-command.ts';
import { runTeamsCommand, TEAMS_USAGE } from './commands/teams-command.ts';
import { POLICY_USAGE, runPolicyCommand } from './commands/policy-command.ts';
import { TIMELINE_USAGE, runTimelineCommand } from './commands/timeline-command.ts';
import type { CommandContext } from './command-context.ts';
import { type Output, processOutput } from './output.ts';
import { type Clock, systemClock } from '../core/time/clock.ts';
import { AlreadyRunningError } from '../storage/db/embedded-database.ts';

const USAGE = `Trellis: the professional growth cycle, in chat.

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

type Command = (args: string[], context: CommandContext) => Promise<void>;

const COMMANDS: Record<string, Command> = {
  policy: runPolicyCommand,
  calendar: runCalendarCommand,
  timeline: runTimelineCommand,
  migrate: runMigrateCommand,
  start: runStartCommand,
  school: runSchoolCommand,
  import: runImportCommand,
  sweep: runSweepCommand,
  export: runExportCommand,
  records: runRecordsCommand,
  retention: runRetentionCommand,
  recount: runRecountCommand,
  report: runReportCommand,
  outbox: runOutboxCommand,
  reach: runReachCommand,
  slack: runSlackCommand,
  teams: runTeamsCommand,
  admins: runAdminsCommand,
};

/** Runs one CLI invocation and returns its exit code. Known mistakes print plain words, not stacks. */
export async function runCli(argv: string[], output: Output = processOutput, env: NodeJS.ProcessEnv = process.env, clock: Clock = systemClock, stop?: AbortSignal): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    output.out(USAGE);
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    output.err(`Unknown command "${name}".\n\n${USAGE}`);
    return 1;
  }
  try {
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
