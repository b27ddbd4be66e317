import { parseArgs } from 'node:util';
import { DEFAULT_REGION } from '../../core/calendar/region.ts';
import { SchoolCalendar } from '../../core/calendar/school-calendar.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { parseRegion, readTermDatesFile, requireInteger, requireIsoDate } from '../read-arguments.ts';

export const CALENDAR_USAGE = `trellis calendar add-working-days YYYY-MM-DD N [--region england-and-wales|scotland|northern-ireland] [--terms FILE]`;

/** `trellis calendar add-working-days`: the date N working days after a date (that date is day 0). */
export async function runCalendarCommand(args: string[], { output }: CommandContext): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== 'add-working-days') throw new CliError(`Unknown calendar command "${verb ?? ''}".\n\nUsage:\n${CALENDAR_USAGE}`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${CALENDAR_USAGE}`);
  }
  const [date, count, ...extra] = parsed.positionals;
  if (extra.length > 0) throw new CliError(`Unexpected arguments: ${extra.join(' ')}\n\nUsage:\n${CALENDAR_USAGE}`);
  const from = requireIsoDate(date, 'The start date');
  const n = requireInteger(count, 'N', { min: -3650, max: 3650 });
  const calendar = await calendarFromArguments(parsed.values, true);
  output.out(calendar.addWorkingDays(from, n));
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, allowNegative: true, options: { region: { type: 'string' }, terms: { type: 'string' } } });
}

/** Builds the calendar a command works in from `--region` and `--terms`. */
export async function calendarFromArguments(
  values: { region?: string | undefined; terms?: string | undefined },
  closuresAreNonWorkingDays: boolean,
): Promise<SchoolCalendar> {
  const termDates = values.terms === undefined ? undefined : await readTermDatesFile(values.terms);
  const region = parseRegion(values.region) ?? termDates?.region ?? DEFAULT_REGION;
  if (termDates !== undefined && values.region !== undefined && termDates.region !== region) {
    throw new CliError(`--region ${region} disagrees with the term dates file, which says ${termDates.region}.`);
  }
  return new SchoolCalendar({ region, termDates, closuresAreNonWorkingDays });
}
