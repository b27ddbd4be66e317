import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { attachmentBytes } from '../../core/conversations/engine/outgoing-message.ts';
import { gatherPersonRecords, type PersonalRecordFiles, personalRecordFiles } from '../../core/records/personal-records.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const EXPORT_USAGE = `trellis export person EMAIL [--school SCHOOL] [--format pdf|html|json] [--out DIR]
  trellis records export --person EMAIL [--school SCHOOL] [--format pdf|html|json] [--out DIR]`;

const FORMATS = ['pdf', 'html', 'json'] as const;
type Format = (typeof FORMATS)[number];

/**
 * `trellis export person EMAIL` (or `trellis records export --person EMAIL`): everything Trellis
 * holds about one person, as the readable document (PDF and HTML) and the JSON file `/growth
 * my-records` gives them, for an administrator answering a subject access request (002 §44; UK
 * GDPR right of access). `--format` writes only one of them.
 */
export async function runExportCommand(args: string[], context: CommandContext): Promise<void> {
  const parsed = parse(args);
  const [what, email, ...extra] = parsed.positionals;
  if (what !== 'person' || email === undefined || extra.length > 0 || parsed.values.person !== undefined) throw new CliError(`Usage:\n${EXPORT_USAGE}`);
  await exportPerson(email, { school: parsed.values.school, out: parsed.values.out, format: formatOf(parsed.values.format) }, context);
}

/** `trellis records export --person EMAIL`: the same export, named the way the records are. */
export async function runRecordsCommand(args: string[], context: CommandContext): Promise<void> {
  const parsed = parse(args);
  const [what, ...extra] = parsed.positionals;
  const email = parsed.values.person;
  if (what !== 'export' || email === undefined || extra.length > 0) throw new CliError(`Usage:\n${EXPORT_USAGE}`);
  await exportPerson(email, { school: parsed.values.school, out: parsed.values.out, format: formatOf(parsed.values.format) }, context);
}

async function exportPerson(email: string, options: { school?: string | undefined; out?: string | undefined; format?: Format | undefined }, context: CommandContext): Promise<void> {
  const out = resolve(options.out ?? '.');
  await withServices(context, async (services) => {
    const matches = await services.records.findByEmail(email, options.school);
    if (matches.length === 0) {
      const where = options.school === undefined ? 'in any school' : `in ${options.school}`;
      throw new CliError(`Nobody with the e-mail ${email} is on a roster ${where}.`);
    }
    if (matches.length > 1) {
      throw new CliError(`${email} is on the roster of several schools (${matches.map((m) => m.schoolSlug).join(', ')}): say which with --school.`);
    }
    const [subject] = matches;
    const records = subject === undefined ? undefined : await gatherPersonRecords(services.records, subject.id);
    if (records === undefined) throw new CliError(`Nobody with the e-mail ${email} is on a roster any more.`);
    const files: PersonalRecordFiles = await personalRecordFiles(records, context.clock.now());
    await services.records.noteExport(records.subject, { via: 'cli' }, context.clock.now());
    await mkdir(out, { recursive: true });
    for (const format of options.format === undefined ? FORMATS : [options.format]) {
      const file = files[format];
      const path = join(out, file.filename);
      await writeFile(path, attachmentBytes(file));
      context.output.out(`Wrote ${path}`);
    }
    const count = records.tables.reduce((sum, t) => sum + t.rows.length, 0);
    context.output.out(`${records.subject.fullName} (${records.subject.schoolName}): ${count} records from ${records.tables.filter((t) => t.rows.length > 0).length} kinds.`);
  });
}

function formatOf(value: string | undefined): Format | undefined {
  if (value === undefined) return undefined;
  const format = FORMATS.find((f) => f === value.toLowerCase());
  if (format === undefined) throw new CliError(`--format must be one of ${FORMATS.join(', ')}, not “${value}”.\n\nUsage:\n${EXPORT_USAGE}`);
  return format;
}

function parse(args: string[]) {
  try {
    return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, person: { type: 'string' } } });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${EXPORT_USAGE}`);
  }
}
