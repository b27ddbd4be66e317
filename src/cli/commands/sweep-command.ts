import { parseArgs } from 'node:util';
import { printingDeliverer } from '../../core/reminders/print-deliverer.ts';
import { type SweepResult, sweepSchools } from '../../core/reminders/run-sweep.ts';
import { type Clock, fixedClock } from '../../core/time/clock.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const SWEEP_USAGE = 'trellis sweep [--at ISO-DATETIME] [--school SCHOOL]';

const ISO_DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/**
 * `trellis sweep`: one reminder sweep, as the scheduler runs every five minutes, optionally as if
 * it were another moment. Until the chat channels exist each digest is printed and marked sent.
 */
export async function runSweepCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SWEEP_USAGE}`);
  }
  if (parsed.positionals.length > 0) throw new CliError(`Unexpected "${parsed.positionals.join(' ')}".\n\nUsage:\n${SWEEP_USAGE}`);
  const clock = clockFor(parsed.values.at, context.clock);
  await withServices({ ...context, clock }, async (services) => {
    const slugs = parsed.values.school === undefined ? await services.reminders.listSchoolSlugs() : [parsed.values.school];
    if (parsed.values.school !== undefined && (await services.schools.findSchool(parsed.values.school)) === undefined) {
      throw new CliError(`There is no school "${parsed.values.school}" yet: create it first with trellis school set ${parsed.values.school} --policy … --terms …`);
    }
    const results = await sweepSchools(
      { reminders: services.reminders, deliverer: printingDeliverer((line) => context.output.out(line)), clock, findSchool: (slug) => services.schools.findSchool(slug) },
      slugs,
    );
    for (const result of results) context.output.out(summary(result));
    if (results.length === 0) context.output.out('No schools yet: nothing to sweep.');
  });
}

function clockFor(at: string | undefined, fallback: Clock): Clock {
  if (at === undefined) return fallback;
  if (!ISO_DATETIME.test(at) || Number.isNaN(new Date(at).getTime())) {
    throw new CliError(`--at must be a moment written like 2026-10-14T16:00:00+01:00 or 2026-10-14T15:00Z, not "${at}".`);
  }
  return fixedClock(at);
}

function summary(result: SweepResult): string {
  if (result.skipped === 'not-a-school-day') return `${result.school}: not a school day, nothing sent.`;
  if (result.skipped === 'outside-window') return `${result.school}: outside the reminder window, nothing sent.`;
  const extra = [
    result.followUps > 0 ? `${result.followUps} ${result.followUps === 1 ? 'deadline' : 'deadlines'} added (appeal outcome, 002 §17)` : '',
    result.retrying > 0 ? `${result.retrying} to retry` : '',
    result.failed > 0 ? `${result.failed} failed` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${result.school}: ${result.queuedReminders} reminders queued, ${result.delivered} digests sent${extra ? `, ${extra}` : ''}.`;
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { at: { type: 'string' }, school: { type: 'string' } } });
}
