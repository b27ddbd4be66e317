import { parseArgs } from 'node:util';
import { runRetention } from '../../core/retention/retention.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const RETENTION_USAGE = 'trellis retention [--school SCHOOL] [--dry-run]';

/**
 * `trellis retention`: destroys every record whose retention period has run out (003 §14.3,
 * 004 §11.2), in one school or all, and prints what went — the message each head is sent. With
 * `--dry-run` it prints what would go and changes nothing.
 */
export async function runRetentionCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${RETENTION_USAGE}`);
  }
  if (parsed.positionals.length > 0) throw new CliError(`Unexpected "${parsed.positionals.join(' ')}".\n\nUsage:\n${RETENTION_USAGE}`);
  const dryRun = parsed.values['dry-run'] === true;
  await withServices(context, async (services) => {
    const school = parsed.values.school;
    if (school !== undefined && (await services.schools.findSchool(school)) === undefined) {
      throw new CliError(`There is no school "${school}" yet: create it first with trellis school set ${school} --policy … --terms …`);
    }
    const slugs = school === undefined ? await services.reminders.listSchoolSlugs() : [school];
    const results = await runRetention({ store: services.retention, findSchool: (slug) => services.schools.findSchool(slug), clock: context.clock }, slugs, { dryRun });
    if (results.length === 0) context.output.out('No schools yet: nothing to do.');
    for (const result of results) {
      context.output.out(result.message ?? `${result.schoolName}: nothing has run out its retention period (${result.rule}).`);
      if (result.tell.length > 0) context.output.out(`Told: ${result.tell.map((head) => head.fullName).join(', ')}.`);
    }
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, 'dry-run': { type: 'boolean' } } });
}
