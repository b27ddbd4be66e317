import { parseArgs } from 'node:util';
import { londonDateOf } from '../../core/calendar/london-time.ts';
import { type ColumnMapping, describeMapping, parseMappingJson, parseMappingOption } from '../../core/roster/column-mapping.ts';
import { handOverTable, importRoster, type RosterTableSource, UnknownSchoolError } from '../../core/roster/import-roster.ts';
import { readRosterStream } from '../../core/roster/roster-table.ts';
import { describeReviewLoadWarning } from '../../core/roster/review-load.ts';
import { CliError } from '../cli-error.ts';
import type { LeaversChoice, NamedPerson, RosterChanges } from '../../core/ports.ts';
import type { CommandContext } from '../command-context.ts';
import { openFileStream, readTextFile, requireInteger, requireIsoDate } from '../read-arguments.ts';
import { withServices } from '../with-services.ts';
import { installAfterImport } from './teams-command.ts';

export const IMPORT_USAGE = 'trellis import roster FILE.csv|FILE.xlsx --school SCHOOL [--map "field=Column,…" | --mapping FILE.json] [--academic-year YYYY] [--leavers mark|keep] [--left-on YYYY-MM-DD]';

/**
 * `trellis import roster`: loads staff from a CSV or an Excel workbook (its first sheet), with its
 * columns mapped to Trellis's fields when `--map`/`--mapping` says so (or as remembered for the
 * school). Good lines load even when others are bad; the command still exits 1 then, so a script
 * notices the lines that need fixing.
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
  const leavers = parsed.values.leavers ?? 'list';
  if (leavers !== 'list' && leavers !== 'mark' && leavers !== 'keep') throw new CliError(`--leavers is "mark" or "keep", not "${leavers}".\n\nUsage:\n${IMPORT_USAGE}`);
  const leftOn = parsed.values['left-on'] === undefined ? undefined : requireIsoDate(parsed.values['left-on'], '--left-on');
  if (leftOn !== undefined && leavers !== 'mark') throw new CliError(`--left-on goes with --leavers mark.\n\nUsage:\n${IMPORT_USAGE}`);
  if (leftOn !== undefined && leftOn > londonDateOf(context.clock.now())) throw new CliError(`--left-on ${leftOn} is after today: mark leavers once they have left.`);
  if (parsed.values.map !== undefined && parsed.values.mapping !== undefined) throw new CliError('Give the column mapping with --map or with --mapping FILE.json, not both.');
  const mapping = await readMapping(parsed.values.map, parsed.values.mapping);
  const table = await readRosterFileHandedOver(file);
  const school = parsed.values.school;
  await withServices(context, async (services) => {
    let result: Awaited<ReturnType<typeof importRoster>>;
    try {
      result = await importRoster(services, school, table, year, { leavers, leftOn, mapping });
    } catch (error) {
      if (error instanceof UnknownSchoolError) throw new CliError(error.message);
      throw error;
    }
    if (!result.ok) throw new CliError(`${file}: ${result.fileProblem} Nothing was loaded.`);
    if (result.mapping !== undefined) {
      const how = result.mapping.used === 'given' ? 'Read with the column mapping' : 'Read with the column mapping remembered for this school';
      context.output.out(`${how}: ${describeMapping(result.mapping.columns)}${result.mapping.used === 'given' ? ' (remembered for the next file of this shape).' : '.'}`);
    }
    const { created, updated, unchanged } = result.changes;
    const total = result.loaded + result.problems.length;
    context.output.out(`Loaded ${result.loaded} of ${total} staff into "${school}": ${created} new, ${updated} changed, ${unchanged} unchanged.`);
    for (const line of describeRosterChanges(result.changes, leavers)) context.output.out(line);
    const o = result.obligations;
    context.output.out(`Obligations for ${result.academicYear}/${String((result.academicYear + 1) % 100).padStart(2, '0')}: ${o.created} added, ${o.updated} moved, ${o.removed} removed, ${o.unchanged} unchanged.`);
    for (const warning of result.reviewLoad) {
      context.output.out(`Note: ${describeReviewLoadWarning(warning, 'reviews')}`);
    }
    for (const transfer of result.transfers) {
      context.output.out(`Moved to a new post part-way through the cycle: ${transfer.fullName} <${transfer.email}>. ${transfer.consequences.join(' ')} They, their reviewers before and after the move${transfer.decides?.by === 'head' ? ' and the head' : ''} are told in Trellis.`);
    }
    // Staff who never opened Trellis in Teams get it installed, where the school has Graph set up.
    await installAfterImport(context, services, school);
    if (result.problems.length > 0) {
      const lines = result.problems.map((p) => `  ${result.unit} ${p.line}${p.email === undefined ? '' : ` (${p.email})`}: ${p.message}`);
      throw new CliError(`${result.problems.length} ${result.unit}${result.problems.length > 1 ? 's were' : ' was'} not loaded:\n${lines.join('\n')}`);
    }
  });
}

/** The file read, a bad one refused before the database is opened; handed over so that only the import holds it. */
async function readRosterFileHandedOver(file: string): Promise<RosterTableSource> {
  const read = await readRosterStream(await openFileStream(file, 'roster'));
  if (!read.ok) throw new CliError(`${file}: ${read.fileProblem} Nothing was loaded.`);
  return handOverTable(read.table);
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, map: { type: 'string' }, mapping: { type: 'string' }, 'academic-year': { type: 'string' }, leavers: { type: 'string' }, 'left-on': { type: 'string' } } });
}

async function readMapping(option: string | undefined, path: string | undefined): Promise<ColumnMapping | undefined> {
  if (option === undefined && path === undefined) return undefined;
  const read = option !== undefined ? parseMappingOption(option) : parseMappingJson(await readTextFile(path!, 'column mapping'));
  if (!read.ok) throw new CliError(`${option !== undefined ? '--map' : path}: ${read.problem}`);
  return read.mapping;
}

const who = (people: readonly NamedPerson[]) => people.map((person) => `${person.fullName} <${person.email}>`).join(', ');

/** The import's changes to who is who, each case in plain words. */
function describeRosterChanges(changes: RosterChanges, leavers: LeaversChoice): string[] {
  const lines: string[] = [];
  for (const r of changes.reusedEmails) {
    lines.push(`${r.email} now belongs to a new person, ${r.now}: added as someone new with no earlier records. ${r.previous}'s records stay with ${r.previous}, under the released address.`);
  }
  for (const r of changes.renamed) lines.push(`${r.email}: ${r.from} is now called ${r.to} (the same person, records kept).`);
  if (changes.returned.length > 0) lines.push(`Back from leaving, active again: ${who(changes.returned)}. Their reviewer and coach are the ones this file gives, from today.`);
  const missing = changes.notInFile;
  if (leavers === 'mark' && changes.leaversMarked.length > 0) {
    lines.push(`Marked ${changes.leaversMarked.length} leaver${changes.leaversMarked.length > 1 ? 's' : ''}: ${who(changes.leaversMarked)}. Their reviewer and coach assignments ended, their chat links were removed and their open obligations closed; their records are kept.`);
  } else if (leavers === 'list' && missing.length > 0) {
    lines.push(`${missing.length} ${missing.length > 1 ? 'people are' : 'person is'} not in this file: ${who(missing)}. Run again with \`--leavers mark\` to mark them as leavers (or \`--leavers keep\` to leave them as they are).`);
  }
  if (changes.managerLeft.length > 0) lines.push(`No line manager now (theirs has left; give them one in the file): ${who(changes.managerLeft)}.`);
  return lines;
}
