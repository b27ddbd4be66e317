import { parseArgs } from 'node:util';
import { CONTRACTS, type Contract, FLAGS, type Flag, parseFlagList, type PersonProfile, ROLES, type Role } from '../../core/people/person.ts';
import { computeTimeline } from '../../core/timeline/compute-timeline.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { readPolicyArgument, requireInteger, requireIsoDate } from '../read-arguments.ts';
import { calendarFromArguments } from './calendar-command.ts';

export const TIMELINE_USAGE = `trellis timeline --policy PRESET|FILE --role ROLE --start YYYY-MM-DD --academic-year YYYY
                 [--terms FILE] [--region REGION] [--flags ect,ups,…] [--contract permanent|fixed-term|agency]
                 [--contract-end YYYY-MM-DD] [--json]`;

/** `trellis timeline`: one person's obligations for an academic year, as JSON or a table. */
export async function runTimelineCommand(args: string[], { output }: CommandContext): Promise<void> {
  const { values } = parseCommandArgs(args);
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
