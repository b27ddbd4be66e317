import { parseArgs } from 'node:util';
import { InvalidSlugError, setSchool } from '../../core/schools/set-school.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { readPolicyArgument, readTermDatesFile } from '../read-arguments.ts';
import { withServices } from '../with-services.ts';

export const SCHOOL_USAGE = 'trellis school set SCHOOL --policy PRESET|FILE --terms FILE [--name NAME] [--trust TRUST]';

/** `trellis school set`: create or update a school with its policy and term dates. */
export async function runSchoolCommand(args: string[], context: CommandContext): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== 'set') throw new CliError(`Unknown school command "${verb ?? ''}".\n\nUsage:\n${SCHOOL_USAGE}`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${SCHOOL_USAGE}`);
  }
  const [slug, ...extra] = parsed.positionals;
  const { values } = parsed;
  if (slug === undefined || extra.length > 0) throw new CliError(`Give exactly one school id.\n\nUsage:\n${SCHOOL_USAGE}`);
  if (values.policy === undefined || values.terms === undefined) throw new CliError(`--policy and --terms are both required.\n\nUsage:\n${SCHOOL_USAGE}`);
  // Read and validate both files before touching the database, so a typo changes nothing.
  const { policy, source } = await readPolicyArgument(values.policy);
  const termDates = await readTermDatesFile(values.terms);
  await withServices(context, async (services) => {
    try {
      const result = await setSchool(services, { slug, name: values.name, trustSlug: values.trust, policy, policySource: source, termDates });
      const { created, updated, removed } = result.obligations;
      context.output.out(`${result.created ? 'Created' : 'Updated'} school "${slug}" (${result.school.name}) with ${policy.organisation}'s "${policy.name}" (${source}), ${termDates.region} term dates.`);
      if (created + updated + removed > 0) context.output.out(`Obligations: ${created} added, ${updated} moved, ${removed} removed.`);
    } catch (error) {
      if (error instanceof InvalidSlugError) throw new CliError(error.message);
      throw error;
    }
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { policy: { type: 'string' }, terms: { type: 'string' }, name: { type: 'string' }, trust: { type: 'string' } } });
}
