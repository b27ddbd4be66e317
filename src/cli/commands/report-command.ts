import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { londonDateOf } from '../../core/calendar/london-time.ts';
import { academicYearLabel } from '../../core/calendar/term-dates.ts';
import { attachmentBytes } from '../../core/conversations/engine/outgoing-message.ts';
import { governorsReportOf } from '../../core/reports/governors-requests.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

export const REPORT_USAGE = 'trellis report governors --school SCHOOL --year YEAR [--out DIR]';

/**
 * `trellis report governors`: the annual report to governors on performance management (002
 * §36–39) for one school's academic year (YEAR is the year the cycle starts in: 2026 for 2026/27),
 * written as a PDF, an HTML page and a CSV of the same figures. Nobody is named in any of them.
 */
export async function runReportCommand(args: string[], context: CommandContext): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\nUsage:\n${REPORT_USAGE}`);
  }
  const [what, ...extra] = parsed.positionals;
  const { school: slug, year: yearText } = parsed.values;
  if (what !== 'governors' || extra.length > 0 || slug === undefined || yearText === undefined) throw new CliError(`Usage:\n${REPORT_USAGE}`);
  const year = /^(20\d\d)(?:\/\d\d)?$/.exec(yearText);
  if (year === null) throw new CliError(`--year ${yearText} is not a year: give the year the cycle starts in, e.g. --year 2026 for 2026/27.`);
  const academicYear = Number(year[1]);
  const out = resolve(parsed.values.out ?? '.');
  await withServices(context, async (services) => {
    const school = await services.schools.findSchool(slug);
    if (school === undefined) throw new CliError(`No school called "${slug}". Create it with: trellis school set ${slug} --policy PRESET`);
    const { report, files } = await governorsReportOf(services.governors, school, academicYear, londonDateOf(context.clock.now()));
    await mkdir(out, { recursive: true });
    for (const file of [files.pdf, files.html, files.csv]) {
      const path = join(out, file.filename);
      await writeFile(path, attachmentBytes(file));
      context.output.out(`Wrote ${path}`);
    }
    context.output.out(`${school.name}: report to governors for ${academicYearLabel(academicYear)}, figures as of ${report.asOf}. It names nobody; figures from 1 to 4 are not shown.`);
  });
}

function parse(args: string[]) {
  return parseArgs({ args, strict: true, allowPositionals: true, options: { school: { type: 'string' }, year: { type: 'string' }, out: { type: 'string' } } });
}
