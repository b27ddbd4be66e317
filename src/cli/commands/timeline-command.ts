import { parseArgs } from 'node:util';
import { CONTRACTS, type Contract, FLAGS, type Flag, parseFlagList, type PersonProfile, ROLES, type Role } from '../../core/people/person.ts';
import { londonDateOf } from '../../core/calendar/london-time.ts';
import { currentAcademicYear } from '../../core/time/clock.ts';
import { computeTimeline } from '../../core/timeline/compute-timeline.ts';
import { ownerText, resolvedYear } from '../../core/timeline/resolved-owners.ts';
import { loadCliConfig, withServices } from '../with-services.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { readPolicyArgument, requireInteger, requireIsoDate } from '../read-arguments.ts';
import { calendarFromArguments } from './calendar-command.ts';

export const TIMELINE_USAGE = `trellis timeline --policy PRESET|FILE --role ROLE --start YYYY-MM-DD --academic-year YYYY
                 [--terms FILE] [--region REGION] [--flags ect,ups,…] [--contract permanent|fixed-term|agency]
                 [--contract-end YYYY-MM-DD] [--json]
trellis timeline --school SCHOOL --email EMAIL [--academic-year YYYY] [--json]   (someone on the roster, with who owes and who is reminded of each item)`;

/** `trellis timeline`: one person's obligations for an academic year, as JSON or a table. */
export async function runTimelineCommand(args: string[], context: CommandContext): Promise<void> {
  const { output } = context;
  const { values } = parseCommandArgs(args);
  if (values.school !== undefined || values.email !== undefined) return runRosterTimeline(values, context);
  if (values.policy === undefined) throw new CliError(`--policy is required.\n\nUsage:\n${TIMELINE_USAGE}`);
  const { policy } = await readPolicyArgument(values.policy);
  const academicYear = requireInteger(values['academic-year'], '--academic-year', { min: 2000, max: 2100 });
  const person: PersonProfile = {
    role: parseRole(values.role),
    startDate: values.start === undefined ? undefined : requireIsoDate(values.start, '--start'),
    contract: parseContract(values.contract),
    contractEnd: values['contract-end'] === undefined ? undefined : requireIsoDate(values['contract-end'], '--contract-end'),
    flags: parseFlags(values.flags),
  };
  const calendar = await calendarFromArguments(values, policy.calendar.closuresAreNonWorkingDays);
  const timeline = computeTimeline(policy, calendar, person, academicYear);
  if (values.json === true) {
    output.out(JSON.stringify(timeline.excluded ? { excluded: true, reason: timeline.reason, code: timeline.code, rule: timeline.rule, stillOffered: timeline.stillOffered, obligations: timeline.obligations } : timeline.obligations, null, 2));
    return;
  }
  if (timeline.excluded) {
    output.out(`Not covered: ${timeline.reason}.${timeline.stillOffered === undefined ? '' : ` Still offered: ${timeline.stillOffered}.`}`);
  } else {
    output.out(`${policy.organisation}, ${academicYear}/${String((academicYear + 1) % 100).padStart(2, '0')}: cycle ${timeline.cycle.start} to ${timeline.cycle.end}`);
  }
  for (const o of timeline.obligations) {
    output.out(`${o.opens} → ${o.due}  ${o.kind.padEnd(20)} ${o.owner.padEnd(9)} ${o.label}${o.optional ? ' (optional)' : ''}  [${o.rule}]`);
  }
}

function parseCommandArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        policy: { type: 'string' },
        role: { type: 'string' },
        start: { type: 'string' },
        'academic-year': { type: 'string' },
        terms: { type: 'string' },
        region: { type: 'string' },
        flags: { type: 'string' },
        contract: { type: 'string' },
        'contract-end': { type: 'string' },
        json: { type: 'boolean' },
        school: { type: 'string' },
        email: { type: 'string' },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${TIMELINE_USAGE}`);
  }
}

function parseRole(value: string | undefined): Role {
  if (value === undefined) throw new CliError(`--role is required: one of ${ROLES.join(', ')}.`);
  if (!(ROLES as readonly string[]).includes(value)) throw new CliError(`--role must be one of ${ROLES.join(', ')}, not "${value}".`);
  return value as Role;
}

function parseContract(value: string | undefined): Contract {
  if (value === undefined) return 'permanent';
  if (!(CONTRACTS as readonly string[]).includes(value)) throw new CliError(`--contract must be one of ${CONTRACTS.join(', ')}, not "${value}".`);
  return value as Contract;
}

function parseFlags(value: string | undefined): Flag[] {
  const { flags, unknown } = parseFlagList(value);
  if (unknown.length > 0) throw new CliError(`Unknown flag${unknown.length > 1 ? 's' : ''} ${unknown.map((f) => `"${f}"`).join(', ')}: use ${FLAGS.join(', ')}.`);
  return flags;
}

/**
 * `trellis timeline --school S --email E`: a person on the roster, their year as the import stores
 * it, with each item's owner resolved to a person or body (the head's reviewers, 002 §22–24, 003
 * §6.3, 004 §9.1) and who is reminded of it, so an administrator can check before the sweep does.
 */
async function runRosterTimeline(values: ReturnType<typeof parseCommandArgs>['values'], context: CommandContext): Promise<void> {
  const { output } = context;
  if (values.school === undefined || values.email === undefined) throw new CliError(`Give both --school and --email.\n\nUsage:\n${TIMELINE_USAGE}`);
  if (values.policy !== undefined || values.role !== undefined || values.start !== undefined) throw new CliError(`--school and --email read the person from the roster: leave out --policy, --role and --start.\n\nUsage:\n${TIMELINE_USAGE}`);
  const { school: slug, email } = values;
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`There is no school "${slug}".`);
    const today = londonDateOf(context.clock.now());
    const academicYear = values['academic-year'] === undefined ? currentAcademicYear(context.clock) : requireInteger(values['academic-year'], '--academic-year', { min: 2000, max: 2100 });
    const staff = await services.roster.findStaff(school.id, today);
    const person = staff.find((p) => p.active && p.email.toLowerCase() === email.trim().toLowerCase());
    if (person === undefined) throw new CliError(`Nobody active at "${slug}" has the e-mail ${email}: check the address, or import the roster first.`);
    const [facts] = await services.people.factsOf([person.id]);
    if (facts === undefined) throw new CliError(`Nobody active at "${slug}" has the e-mail ${email}.`);
    const people = new Map<string, { fullName: string; email?: string | undefined }>(staff.map((p) => [p.id, { fullName: p.fullName, email: p.email }]));
    const elsewhere = facts.trustLeaderIds.filter((id) => !people.has(id));
    for (const leader of await services.people.factsOf(elsewhere)) people.set(leader.person.id, { fullName: leader.person.fullName, email: leader.person.email });
    const emailEnabled = loadCliConfig(context).smtp !== undefined;
    const year = resolvedYear({ school, staff, person, facts, people, academicYear, today, emailEnabled });
    if (values.json === true) {
      output.out(JSON.stringify({ person: { fullName: person.fullName, email: person.email }, academicYear, excluded: year.excluded, headReviewers: year.headReviewers.map(ownerText), items: year.items.map((item) => ({ ...item, owners: item.owners.map(ownerText), reminded: item.reminded.length === 0 ? null : item.reminded.map(ownerText).join('; ') })) }, null, 2));
      return;
    }
    output.out(`${person.fullName} <${person.email}>, ${school.name}, ${academicYear}/${String((academicYear + 1) % 100).padStart(2, '0')}`);
    if (year.excluded !== undefined) output.out(`Not covered: ${year.excluded.reason} (${year.excluded.rule}).`);
    if (year.headReviewers.length > 0) output.out(`Reviewed by: ${year.headReviewers.map(ownerText).join('; ')}${school.policy.headReviewers === undefined ? '' : ` (${school.policy.headReviewers.rule})`}.`);
    for (const item of year.items) {
      const owners = item.owners.length === 0 ? `no one (${item.ownerRole}: none on the staff list)` : item.owners.map(ownerText).join('; ');
      const reminded = item.reminded.length === 0 ? 'nobody is reminded' : `reminded: ${item.reminded.map(ownerText).join('; ')}`;
      output.out(`${item.opens} → ${item.due}  ${item.label}${item.optional ? ' (optional)' : ''}: owed by ${owners}; ${reminded}  [${item.rule}]`);
    }
  });
}
