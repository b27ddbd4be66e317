import { parseArgs } from 'node:util';
import { parseReminderWindow, type ReminderWindow, withReminderWindow } from '../../core/reminders/reminder-window.ts';
import { InvalidSlugError, setSchool } from '../../core/schools/set-school.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { readPolicyArgument, readTermDatesFile } from '../read-arguments.ts';
import { withServices } from '../with-services.ts';

export const SCHOOL_USAGE = [
  'trellis school set SCHOOL --policy PRESET|FILE --terms FILE [--name NAME] [--trust TRUST] [--reminder-window HH:MM-HH:MM]',
  'trellis school set SCHOOL --reminder-window HH:MM-HH:MM   (an existing school: only its reminder window changes)',
].join('\n');

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
  const window = values['reminder-window'] === undefined ? undefined : parseReminderWindow(values['reminder-window']);
  if (window !== undefined && !window.ok) throw new CliError(window.error);
  if (window !== undefined && values.policy === undefined && values.terms === undefined) return setReminderWindowOnly(slug, window.window, values, context);
  if (values.policy === undefined || values.terms === undefined) throw new CliError(`--policy and --terms are both required.\n\nUsage:\n${SCHOOL_USAGE}`);
  // Read and validate both files before touching the database, so a typo changes nothing.
  const read = await readPolicyArgument(values.policy);
  const { source } = read;
  // The window is stored in the school's policy (policy.reminders.window), where the sweep reads it.
  const policy = window === undefined ? read.policy : withReminderWindow(read.policy, window.window);
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

/**
 * `--reminder-window` on its own: a school changes when nudges go out without rewriting its
 * policy file. Its stored policy and term dates are kept, so no deadline moves.
 */
async function setReminderWindowOnly(slug: string, window: ReminderWindow, values: ReturnType<typeof parse>['values'], context: CommandContext): Promise<void> {
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`There is no school "${slug}" yet: create it first with --policy and --terms.\n\nUsage:\n${SCHOOL_USAGE}`);
    await setSchool(services, {
      slug,
      name: values.name,
      trustSlug: values.trust,
      policy: withReminderWindow(school.policy, window),
      policySource: school.policySource,
      termDates: school.termDates,
    });
    context.output.out(`Reminders for "${slug}" now go out between ${window.start} and ${window.end} (London time) on school days.`);
  });
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { policy: { type: 'string' }, terms: { type: 'string' }, name: { type: 'string' }, trust: { type: 'string' }, 'reminder-window': { type: 'string' } },
  });
}
