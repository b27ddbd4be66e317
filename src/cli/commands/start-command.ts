import { londonDateOf } from '../../core/calendar/london-time.ts';
import { getPreset } from '../../core/policy/presets/index.ts';
import { calendarOf } from '../../core/schools/school.ts';
import { currentAcademicYear } from '../../core/time/clock.ts';
import { computeTimeline } from '../../core/timeline/compute-timeline.ts';
import { defaultTermDates } from '../../core/calendar/default-term-dates.ts';
import { CliError } from '../cli-error.ts';
import type { CommandContext } from '../command-context.ts';
import { withServices } from '../with-services.ts';

/**
 * `trellis start` (`npm start`). The chat channels are not built yet, so for now it opens the
 * database (starting the embedded one if no DATABASE_URL is set), applies migrations, and shows
 * what Trellis computes: the current year's timeline for a teacher under each preset.
 */
export async function runStartCommand(args: string[], context: CommandContext): Promise<void> {
  if (args.length > 0) throw new CliError(`trellis start takes no arguments yet (got: ${args.join(' ')}).`);
  const { output } = context;
  await withServices(context, async ({ database }) => {
    const where = database.embedded ? `embedded PostgreSQL (${database.url.replace(/:[^:@/]*@/, ':***@')})` : 'DATABASE_URL';
    output.out(`Trellis: database ready on ${where}; ${database.appliedMigrations.length} migration(s) applied this start.`);
    const schools = await database.prisma.school.findMany({ include: { _count: { select: { people: true } } }, orderBy: { slug: 'asc' } });
    if (schools.length === 0) output.out('No schools yet. Create one with: npx trellis school set my-school --policy whmat --terms config/terms/england-2026-28.yaml');
    for (const school of schools) output.out(`  ${school.slug}: ${school.name}, ${school._count.people} staff (${school.policySource})`);
  });
  const year = currentAcademicYear(context.clock);
  output.out(`\nToday is ${londonDateOf(context.clock.now())}. A teacher in post, ${year}/${String((year + 1) % 100).padStart(2, '0')}, under each preset (estimated England term dates):`);
  for (const name of ['kingsmead', 'thomas-alleyne', 'tpat', 'whmat']) {
    const policy = getPreset(name)!;
    const timeline = computeTimeline(policy, calendarOf({ region: 'england-and-wales', termDates: defaultTermDates('england-and-wales', year), policy }), { role: 'teacher', contract: 'permanent', flags: [] }, year);
    if (timeline.excluded) continue;
    output.out(`\n${policy.organisation} (${name}):`);
    for (const o of timeline.obligations) output.out(`  due ${o.due}  ${o.label}  [${o.rule}]`);
  }
}
