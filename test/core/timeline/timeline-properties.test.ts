import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SchoolCalendar } from '../../../src/core/calendar/school-calendar.ts';
import { parseTermDates } from '../../../src/core/calendar/term-dates.ts';
import { type Contract, type Flag, type PersonProfile, ROLES } from '../../../src/core/people/person.ts';
import { getPreset, PRESET_NAMES } from '../../../src/core/policy/presets/index.ts';
import type { ObligationKind } from '../../../src/core/policy/policy-schema.ts';
import { computeTimeline, type Obligation } from '../../../src/core/timeline/compute-timeline.ts';
import { ENGLAND_2026_28 } from './timeline-fixtures.ts';

/**
 * Every preset × role × flags × start date × contract × region, on real 2026/27 and 2027/28 dates:
 * the properties issue 12 asks of every timeline. Enumerated rather than generated: it is pure and
 * cheap, and a failure names the exact person and calendar.
 */

function termsFile(path: string) {
  const parsed = parseTermDates(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'), path);
  if (!parsed.ok) throw new Error(`${path}: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

const CALENDARS: Record<string, SchoolCalendar> = {
  // A school's own term file, two years of it.
  'england-and-wales (term file)': new SchoolCalendar({ termDates: ENGLAND_2026_28, closuresAreNonWorkingDays: true }),
  // Scotland's own 2026/27 file (October week 12–16 Oct), then the estimate for 2027/28.
  'scotland (term file)': new SchoolCalendar({ termDates: termsFile('config/terms/scotland-2026-27.yaml'), closuresAreNonWorkingDays: true }),
  // No term file: the default estimate for each region (src/core/calendar/default-term-dates.ts).
  'england-and-wales (estimate)': new SchoolCalendar({ region: 'england-and-wales', closuresAreNonWorkingDays: true }),
  'scotland (estimate)': new SchoolCalendar({ region: 'scotland', closuresAreNonWorkingDays: true }),
  'northern-ireland (estimate)': new SchoolCalendar({ region: 'northern-ireland', closuresAreNonWorkingDays: true }),
};

const FLAG_SETS: Flag[][] = [[], ['ect'], ['ect', 'ect-year-2'], ['assessment-only'], ['ups', 'tlr'], ['capability']];

/** Support staff are covered exactly as teaching assistants are, so they are left out to keep the run short. */
const ROLES_TRIED = ROLES.filter((role) => role !== 'support');

/** In post for years; the first days of a term; in half terms and holidays; late in the year; September of the next year. */
const START_DATES: (string | undefined)[] = [undefined, '2026-09-02', '2026-09-21', '2026-10-28', '2027-01-11', '2027-02-17', '2027-06-01', '2027-06-21', '2027-07-01', '2027-08-16', '2027-09-06'];

const CONTRACTS: { contract: Contract; contractEnd?: string }[] = [
  { contract: 'permanent' },
  { contract: 'agency' },
  // Ending on a Saturday in half term, in the Easter holiday, on a school day, at the end of the summer.
  { contract: 'fixed-term', contractEnd: '2026-10-31' },
  { contract: 'fixed-term', contractEnd: '2027-03-31' },
  { contract: 'fixed-term', contractEnd: '2027-08-31' },
];

const PLANNING: ReadonlySet<ObligationKind> = new Set(['self-reflection', 'plan-agreed', 'leadership-goal']);
const REVIEWS: ReadonlySet<ObligationKind> = new Set(['interim-review', 'end-of-cycle-review', 'close-down']);

interface Case {
  name: string;
  preset: string;
  calendar: SchoolCalendar;
  person: PersonProfile;
}

function* cases(): Generator<Case> {
  for (const preset of PRESET_NAMES) {
    for (const [calendarName, calendar] of Object.entries(CALENDARS)) {
      for (const role of ROLES_TRIED) {
        for (const flags of FLAG_SETS) {
          for (const startDate of START_DATES) {
            for (const { contract, contractEnd } of CONTRACTS) {
              if (contractEnd !== undefined && startDate !== undefined && contractEnd <= startDate) continue;
              const person: PersonProfile = { role, flags, startDate, contract, contractEnd };
              yield { name: `${preset}, ${calendarName}, ${role} [${flags.join(';')}] from ${startDate ?? 'always'} ${contract}${contractEnd ? ` to ${contractEnd}` : ''}`, preset, calendar, person };
            }
          }
        }
      }
    }
  }
}

/** Every broken property of one year's timeline, in words. */
function problemsOf(obligations: readonly Obligation[], person: PersonProfile, calendar: SchoolCalendar): string[] {
  const problems: string[] = [];
  const latestPlanning = obligations.filter((o) => PLANNING.has(o.kind)).reduce<string | undefined>((max, o) => (max === undefined || o.due > max ? o.due : max), undefined);
  const ids = new Set<string>();
  for (const o of obligations) {
    if (ids.has(o.id)) problems.push(`${o.id} twice`);
    ids.add(o.id);
    if (!calendar.isSchoolDay(o.due)) problems.push(`${o.id} due ${o.due}, a day the school is closed`);
    if (o.opens > o.due) problems.push(`${o.id} opens ${o.opens} after it is due ${o.due}`);
    if (person.startDate !== undefined && o.due < person.startDate) problems.push(`${o.id} due ${o.due} before the start ${person.startDate}`);
    if (person.contractEnd !== undefined && o.due > person.contractEnd) problems.push(`${o.id} due ${o.due} after the contract ends ${person.contractEnd}`);
    if (REVIEWS.has(o.kind) && latestPlanning !== undefined && o.opens < latestPlanning) problems.push(`${o.id} opens ${o.opens} before the plan it reviews is due ${latestPlanning}`);
  }
  return problems;
}

interface Result extends Case {
  years: [Obligation[], Obligation[]];
}

let computed: Result[] | undefined;
/** Each case's 2026/27 and 2027/28 timelines, computed once for both tests. */
function results(): Result[] {
  computed ??= [...cases()].map((c) => {
    const policy = getPreset(c.preset)!;
    return { ...c, years: [computeTimeline(policy, c.calendar, c.person, 2026).obligations, computeTimeline(policy, c.calendar, c.person, 2027).obligations] };
  });
  return computed;
}

const MINUTE = 60_000;

describe('timeline properties over every preset × role × flags × start date × contract × region (001–004; issue 12 "Done means")', () => {
  it('001; 002 §31, §33–34; 003 §5.5, §7.3; 004 §2.1–2.2, §4.3, §5.1, Appendix A: no due date on a closed day, nothing due before a start or after a contract end, opens ≤ due, no review before its plan, in 2026/27 and 2027/28', () => {
    const problems: string[] = [];
    let obligations = 0;
    for (const { name, calendar, person, years } of results()) {
      years.forEach((list, i) => {
        obligations += list.length;
        for (const problem of problemsOf(list, person, calendar)) problems.push(`${name}, ${2026 + i}: ${problem}`);
      });
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // The enumeration really ran: thousands of people and calendars, most with obligations.
    expect(results().length).toBeGreaterThan(10_000);
    expect(obligations).toBeGreaterThan(50_000);
  }, 3 * MINUTE);

  it('002 §34, 004 §3.11, §4.3: across two academic years nobody plans next year’s cycle before this year’s planning is due, nor reflects or plans twice in a cycle', () => {
    const problems: string[] = [];
    const planningOf = (list: readonly Obligation[]) => list.filter((o) => PLANNING.has(o.kind));
    for (const { name, years } of results()) {
      years.forEach((list, i) => {
        for (const kind of ['plan-agreed', 'self-reflection'] as const) {
          const same = list.filter((o) => o.kind === kind);
          if (same.length > 1) problems.push(`${name}, ${2026 + i}: ${same.map((o) => o.id).join(', ')}`);
        }
      });
      const lastThisYear = planningOf(years[0]).reduce<string | undefined>((max, o) => (max === undefined || o.due > max ? o.due : max), undefined);
      const firstNextYear = planningOf(years[1]).reduce<string | undefined>((min, o) => (min === undefined || o.due < min ? o.due : min), undefined);
      if (lastThisYear !== undefined && firstNextYear !== undefined && firstNextYear <= lastThisYear) {
        problems.push(`${name}: 2027/28 planning due ${firstNextYear}, not after 2026/27's (${lastThisYear})`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  }, 3 * MINUTE);
});
