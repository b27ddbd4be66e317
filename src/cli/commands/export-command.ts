import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gatherPersonRecords, personalRecordFiles } from '../../core/records/personal-records.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const EXPORT_USAGE = 'trellis export person EMAIL [--school SCHOOL] [--out DIR]';

/**
 * `trellis export person EMAIL`: everything Trellis holds about one person, as the readable HTML
 * document and the JSON file `/growth my-records` gives them, for an administrator answering a
 * subject access request (002 §44; UK GDPR right of access).
 */
export async function runExportCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${EXPORT_USAGE}`);
  }
  const [what, email, ...extra] = parsed.positionals;
  if (what !== 'person' || email === undefined || extra.length > 0) throw new CliError(`Usage:\n${EXPORT_USAGE}`);
  const out = resolve(parsed.values.out ?? '.');
  await withServices(context, async (services) => {
    const matches = await services.records.findByEmail(email, parsed.values.school);
    if (matches.length === 0) {
      const where = parsed.values.school === undefined ? 'in any school' : `in ${parsed.values.school}`;
      throw new CliError(`Nobody with the e-mail ${email} is on a roster ${where}.`);
    }
    if (matches.length > 1) {
      throw new CliError(`${email} is on the roster of several schools (${matches.map((m) => m.schoolSlug).join(', ')}): say which with --school.`);
    }
    const [subject] = matches;
    const records = subject === undefined ? undefined : await gatherPersonRecords(services.records, subject.id);
    if (records === undefined) throw new CliError(`Nobody with the e-mail ${email} is on a roster any more.`);
    const files = personalRecordFiles(records, context.clock.now());
    await services.records.noteExport(records.subject, { via: 'cli' }, context.clock.now());
    await mkdir(out, { recursive: true });
    for (const file of [files.html, files.json]) {
      const path = join(out, file.filename);
      await writeFile(path, file.content, 'utf8');
      context.output.out(`Wrote ${path}`);
    }
    const count = records.tables.reduce((sum, t) => sum + t.rows.length, 0);
    context.output.out(`${records.subject.fullName} (${records.subject.schoolName}): ${count} records from ${records.tables.filter((t) => t.rows.length > 0).length} kinds.`);
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, out: { type: 'string' } } });
}
