import { defaultTermDates } from '../core/calendar/default-term-dates.ts';
import type { TermDates } from '../core/calendar/term-dates.ts';
import { getPreset, PRESET_NAMES } from '../core/policy/presets/index.ts';
import type { ObligationRepository, RosterRepository, SchoolRepository } from '../core/ports.ts';
import { importRoster } from '../core/roster/import-roster.ts';
import { setSchool } from '../core/schools/set-school.ts';
import type { Clock } from '../core/time/clock.ts';
import { demoRosterCsv } from './demo-roster.ts';

export const DEMO_TRUST_SLUG = 'demo-trust';
export const DEMO_TRUST_NAME = 'Trellis Demo Trust';

const SCHOOL_NAMES: Record<string, string> = {
  kingsmead: 'Kingsmead Demo Academy',
  'thomas-alleyne': 'Thomas Alleyne Demo High School',
  tpat: 'Penwith Demo Primary (TPAT policy)',
  whmat: 'Washwood Demo Academy (WHMAT policy)',
};

export function demoSchoolSlug(preset: string): string {
  return `demo-${preset}`;
}

export class UnknownPresetError extends Error {}

/** `--preset` names one preset; without it the demo trust has one school per preset. */
export function demoPresets(preset: string | undefined): string[] {
  if (preset === undefined) return [...PRESET_NAMES];
  if (getPreset(preset) === undefined) throw new UnknownPresetError(`There is no preset "${preset}". Choose one of ${PRESET_NAMES.join(', ')}.`);
  return [preset];
}

export interface DemoDeps {
  schools: SchoolRepository;
  roster: RosterRepository;
  obligations: ObligationRepository;
  clock: Clock;
}

/**
 * The demo trust: one school per preset, each with the demo staff and this academic year's cycles
 * and obligations, through the same use cases as `trellis school set` and `trellis import roster`.
 * Running it again changes nothing (both are idempotent), so every start may call it.
 */
export async function seedDemo(deps: DemoDeps, presets: readonly string[], academicYear: number): Promise<{ slug: string; staff: number }[]> {
  const seeded: { slug: string; staff: number }[] = [];
  for (const preset of presets) {
    const policy = getPreset(preset)!;
    const slug = demoSchoolSlug(preset);
    const termDates = demoTermDates(academicYear);
    // The port takes the trust's display name; setSchool keeps it from then on.
    if ((await deps.schools.findSchool(slug)) === undefined) {
      await deps.schools.saveSchool({ slug, name: SCHOOL_NAMES[preset] ?? slug, trustSlug: DEMO_TRUST_SLUG, trustName: DEMO_TRUST_NAME, policy, policySource: `preset:${preset}`, termDates, region: termDates.region });
    }
    await setSchool(deps, { slug, name: SCHOOL_NAMES[preset], trustSlug: DEMO_TRUST_SLUG, policy, policySource: `preset:${preset}`, termDates });
    const result = await importRoster(deps, slug, demoRosterCsv(slug, academicYear), academicYear);
    if (!result.ok) throw new Error(`the demo roster for ${slug} did not load: ${result.fileProblem}`);
    if (result.problems.length > 0) throw new Error(`the demo roster for ${slug} has problems: ${result.problems.map((p) => p.message).join('; ')}`);
    seeded.push({ slug, staff: result.loaded });
  }
  return seeded;
}

/** This year's and next year's estimated English terms, so the demo can be stepped into 2027/28. */
export function demoTermDates(academicYear: number): TermDates {
  const first = defaultTermDates('england-and-wales', academicYear);
  const second = defaultTermDates('england-and-wales', academicYear + 1);
  return { ...first, terms: [...first.terms, ...second.terms], closures: [...first.closures, ...second.closures] };
}
