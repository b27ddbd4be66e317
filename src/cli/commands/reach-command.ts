import { parseArgs } from 'node:util';
import { type ChannelReach, type ReachReport, reachReport } from '../../core/reach/reach.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const REACH_USAGE = 'trellis reach --school SCHOOL [--json]';

/**
 * `trellis reach`: every active person on the school's roster, whether Slack and Teams can reach
 * them (the reason when not), and the totals; `--json` for a script or a console.
 */
export async function runReachCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${REACH_USAGE}`);
  }
  const slug = parsed.values.school;
  if (slug === undefined || parsed.positionals.length > 0) throw new CliError(`Give the school with --school.\n\nUsage:\n${REACH_USAGE}`);
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`There is no school "${slug}".`);
    const report = await reachReport(services.reach, school.id);
    if (parsed.values.json === true) {
      context.output.out(JSON.stringify({ school: slug, ...jsonOf(report) }, null, 2));
      return;
    }
    for (const line of describeReach(slug, report)) context.output.out(line);
  });
}

function jsonOf(report: ReachReport) {
  const channel = (reach: ChannelReach) => (reach.reachable ? { reachable: true, how: reach.how } : { reachable: false, reason: reach.reason });
  const people = report.people.map((person) => ({ email: person.email, fullName: person.fullName, role: person.role, slack: channel(person.slack), teams: channel(person.teams) }));
  const headReviewers = report.headReviewers?.map((r) => ({ name: r.name, email: r.email ?? null, as: r.as, rule: r.rule, ...channel(r.reach) }));
  return { people, ...(headReviewers === undefined ? {} : { headReviewers }), totals: report.totals };
}

function describeReach(slug: string, report: ReachReport): string[] {
  const { totals } = report;
  if (totals.people === 0) return [`"${slug}" has nobody active on its roster: import one with trellis import roster FILE --school ${slug}.`];
  const said = (name: string, reach: ChannelReach) => (reach.reachable ? `${name}: yes` : `${name}: no, ${reach.reason}`);
  return [
    `Who Trellis can reach at "${slug}" (${totals.people} active staff):`,
    ...report.people.map((person) => `  ${person.fullName} <${person.email}>, ${person.role}. ${said('Slack', person.slack)}. ${said('Teams', person.teams)}.`),
    `Slack reaches ${totals.slack} of ${totals.people}, Teams ${totals.teams} of ${totals.people}; ${totals.either} by at least one, ${totals.neither} by neither.`,
    ...headReviewerLines(report),
  ];
}

/** The head's own reviewers (002 §22–24, 003 §6.3, 004 §9.1): how each is reached, or why the head is reminded instead. */
function headReviewerLines(report: ReachReport): string[] {
  if (report.headReviewers === undefined || report.headReviewers.length === 0) return [];
  return [
    'The head’s own reviewers:',
    ...report.headReviewers.map((r) => `  ${r.name}${r.email === undefined ? '' : ` <${r.email}>`} (${r.as}): ${r.reach.reachable ? r.reach.how : r.reach.reason} (${r.rule}).`),
  ];
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, json: { type: 'boolean' } } });
}
