import { parseArgs } from 'node:util';
import { describeRecount, recountKeptCounts } from '../../core/reports/kept-counts.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const RECOUNT_USAGE = 'trellis recount [--school SCHOOL]';

/**
 * `trellis recount`: recounts the counts `summary` and `overdue` read (kept by the database as
 * items change) from the tables, in one school or all, as the nightly job does, and prints for
 * each school how many it corrected. Safe while Trellis is running: writers wait a moment.
 */
export async function runRecountCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${RECOUNT_USAGE}`);
  }
  if (parsed.positionals.length > 0) throw new CliError(`Unexpected "${parsed.positionals.join(' ')}".\n\nUsage:\n${RECOUNT_USAGE}`);
  await withServices(context, async (services) => {
    const school = parsed.values.school;
    const results = await recountKeptCounts(services.keptCounts, school === undefined ? undefined : { slug: school });
    if (school !== undefined && results.length === 0) {
      throw new CliError(`There is no school "${school}" yet: create it first with trellis school set ${school} --policy … --terms …`);
    }
    if (results.length === 0) context.output.out('No schools yet: nothing to recount.');
    for (const result of results) context.output.out(describeRecount(result));
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' } } });
}
