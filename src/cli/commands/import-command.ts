import { parseArgs } from 'node:util';
import { importRoster, UnknownSchoolError } from '../../core/roster/import-roster.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { readTextFile, requireInteger } from '../read-arguments.ts';
import { withServices } from '../with-services.ts';

export const IMPORT_USAGE = 'trellis import roster FILE --school SCHOOL [--academic-year YYYY]';

/**
 * `trellis import roster`: loads staff from a CSV. Good lines load even when others are bad; the
 * command still exits 1 then, so a script notices the lines that need fixing.
 */
export async function runImportCommand(args: string[], context: CommandContext): Promise<void> {
  const [what, ...rest] = args;
  if (what !== 'roster') throw new CliError(`Unknown import "${what ?? ''}".\n\nUsage:\n${IMPORT_USAGE}`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${IMPORT_USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0 || parsed.values.school === undefined) throw new CliError(`Give one roster file and --school.\n\nUsage:\n${IMPORT_USAGE}`);
  const year = parsed.values['academic-year'] === undefined ? undefined : requireInteger(parsed.values['academic-year'], '--academic-year', { min: 2000, max: 2100 });
  const text = await readTextFile(file, 'roster');
  const school = parsed.values.school;
  await withServices(context, async (services) => {
    let result: Awaited<ReturnType<typeof importRoster>>;
    try {
      result = await importRoster(services, school, text, year);
    } catch (error) {
      if (error instanceof UnknownSchoolError) throw new CliError(error.message);
      throw error;
    }
    if (!result.ok) throw new CliError(`${file}: ${result.fileProblem} Nothing was loaded.`);
    const { created, updated, unchanged, notInFile } = result.changes;
    const total = result.loaded + result.problems.length;
    context.output.out(`Loaded ${result.loaded} of ${total} staff into "${school}": ${created} new, ${updated} changed, ${unchanged} unchanged.`);
    if (notInFile > 0) context.output.out(`${notInFile} people already in Trellis for "${school}" are not in this file; they were left as they are.`);
    const o = result.obligations;
    context.output.out(`Obligations for ${result.academicYear}/${String((result.academicYear + 1) % 100).padStart(2, '0')}: ${o.created} added, ${o.updated} moved, ${o.removed} removed, ${o.unchanged} unchanged.`);
    for (const warning of result.reviewLoad) {
      context.output.out(`Note: ${warning.reviewer} reviews ${warning.reviewees.length} people (${warning.reviewees.join(', ')}); the policy expects at most ${warning.max} (${warning.rule}). Ask the head to confirm the exception or to name another reviewer.`);
    }
    if (result.problems.length > 0) {
      const lines = result.problems.map((p) => `  line ${p.line}${p.email === undefined ? '' : ` (${p.email})`}: ${p.message}`);
      throw new CliError(`${result.problems.length} line${result.problems.length > 1 ? 's were' : ' was'} not loaded:\n${lines.join('\n')}`);
    }
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, 'academic-year': { type: 'string' } } });
}
