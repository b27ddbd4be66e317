import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { compareDates, isIsoDate, isoDateParts, looksLikeIsoDate } from './iso-date.ts';
import { type Parsed, type Problem, formatPath } from '../validation/problems.ts';
import { REGIONS } from './region.ts';

/**
 * A school's term dates, as the school supplies them (YAML, or the same shape in JSON):
 *
 *   region: england-and-wales
 *   terms:
 *     - { name: autumn, start: 2026-09-02, end: 2026-12-18, halfTerm: { start: 2026-10-26, end: 2026-10-30 } }
 *   closures: [2026-09-01, 2027-01-04]
 *
 * A file may cover several academic years. A term belongs to academic year Y (Y/Y+1) when it is
 * an autumn term starting in Y, or a spring or summer term starting in Y+1. Half term is optional
 * because Scottish summer terms have none.
 */

export const TERM_NAMES = ['autumn', 'spring', 'summer'] as const;
export type TermName = (typeof TERM_NAMES)[number];

const DATE_FORMAT = 'a date written YYYY-MM-DD';

const IsoDateSchema = z
  .string({ error: (issue) => expected(DATE_FORMAT, issue.input) })
  .superRefine((text, ctx) => {
    if (!looksLikeIsoDate(text)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(text)} is not ${DATE_FORMAT}` });
    else if (!isIsoDate(text)) ctx.addIssue({ code: 'custom', message: `${text} is not a real date` });
  });

const HalfTermSchema = z
  .strictObject(
    { start: IsoDateSchema, end: IsoDateSchema },
    { error: (issue) => expected('a mapping with start and end', issue.input) },
  )
  .superRefine((halfTerm, ctx) => {
    if (!allRealDates(halfTerm.start, halfTerm.end)) return;
    if (compareDates(halfTerm.end, halfTerm.start) < 0) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `${halfTerm.end} is before the half term's start ${halfTerm.start}` });
    }
  });

const TermSchema = z
  .strictObject(
    {
      name: z.enum(TERM_NAMES, { error: (issue) => expected('one of autumn, spring, summer', issue.input) }),
      start: IsoDateSchema,
      end: IsoDateSchema,
      halfTerm: HalfTermSchema.optional(),
    },
    { error: (issue) => expected('a mapping with name, start, end and optionally halfTerm', issue.input) },
  )
  .superRefine((term, ctx) => {
    if (!allRealDates(term.start, term.end, term.halfTerm?.start, term.halfTerm?.end)) return;
    if (compareDates(term.end, term.start) < 0) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: `${term.end} is before the term's start ${term.start}` });
      return;
    }
    const half = term.halfTerm;
    if (!half) return;
    if (compareDates(half.start, term.start) < 0) {
      ctx.addIssue({ code: 'custom', path: ['halfTerm', 'start'], message: `${half.start} is before the ${term.name} term starts (${term.start})` });
    }
    if (compareDates(half.end, term.end) > 0) {
      ctx.addIssue({ code: 'custom', path: ['halfTerm', 'end'], message: `${half.end} is after the ${term.name} term ends (${term.end})` });
    }
  });

export const TermDatesSchema = z
  .strictObject(
    {
      region: z.enum(REGIONS, { error: (issue) => expected(`one of ${REGIONS.join(', ')}`, issue.input) }),
      terms: z
        .array(TermSchema, { error: (issue) => expected('a list of terms', issue.input) })
        .min(1, { error: 'must list at least one term' }),
      closures: z.array(IsoDateSchema, { error: (issue) => expected('a list of dates', issue.input) }).default([]),
    },
    { error: (issue) => expected('a mapping with region, terms and closures', issue.input) },
  )
  .superRefine((dates, ctx) => {
    const termDates = dates.terms.flatMap((t) => [t.start, t.end, t.halfTerm?.start, t.halfTerm?.end]);
    // Zod still runs this when a date inside failed its own check; one bad date is enough to report.
    if (allRealDates(...termDates)) checkTermsFollowOneAnother(dates.terms, ctx);
  });

export type TermDates = z.output<typeof TermDatesSchema>;
export type Term = TermDates['terms'][number];
export type HalfTerm = NonNullable<Term['halfTerm']>;

/** The academic year a term belongs to: 2026 for the 2026/27 year's autumn, spring and summer terms. */
export function academicYearOfTerm(term: Pick<Term, 'name' | 'start'>): number {
  const { year } = isoDateParts(term.start);
  return term.name === 'autumn' ? year : year - 1;
}

/** "2026/27" */
export function academicYearLabel(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}

/** A problem found in a term-dates file: `path` like `terms[1].halfTerm.start`, or `(file)`. */
export type TermDatesProblem = Problem;

export type ParseTermDatesResult = Parsed<TermDates>;

/**
 * Reads and checks a term-dates file. JSON is accepted too, because JSON is YAML. `sourceName`
 * (a file name, "upload") is named in problems about the file as a whole.
 */
export function parseTermDates(text: string, sourceName: string): ParseTermDatesResult {
  let data: unknown;
  try {
    // The core schema (YAML 1.2) keeps 2026-09-02 a string; YAML 1.1 would make it a Date.
    data = parseYaml(text, { schema: 'core' });
  } catch (error) {
    if (!(error instanceof YAMLParseError)) throw error;
    // The library's own hint for several documents names its API; a school needs the cause.
    const firstLine =
      error.code === 'MULTIPLE_DOCS'
        ? 'it holds more than one document (a line of ---); put everything in one'
        : (error.message.split('\n')[0]?.replace(/:$/, '') ?? error.message);
    return { ok: false, problems: [{ path: formatPath([]), message: `${sourceName} is not valid YAML or JSON: ${firstLine}` }] };
  }
  if (data === null || data === undefined) {
    return { ok: false, problems: [{ path: formatPath([]), message: `${sourceName} is empty: it needs region, terms and closures` }] };
  }
  const result = TermDatesSchema.safeParse(data);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: result.error.issues.flatMap(toProblems) };
}

function checkTermsFollowOneAnother(terms: readonly Term[], ctx: z.RefinementCtx): void {
  let previous: { term: Term; index: number; order: number } | undefined;
  for (const [index, term] of terms.entries()) {
    const month = isoDateParts(term.start).month;
    // Which academic year a term belongs to is read from its start month, so it must be sensible.
    const inSeason = term.name === 'autumn' ? month >= 7 : month <= 6;
    if (!inSeason) {
      const season = term.name === 'autumn' ? 'between July and December' : 'between January and June';
      ctx.addIssue({ code: 'custom', path: ['terms', index, 'start'], message: `${article(term.name)} term must start ${season}, not on ${term.start}` });
    }
    if (previous && compareDates(term.start, previous.term.end) <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['terms', index, 'start'],
        message: `${term.start} is not after the end of the term before it (terms[${previous.index}] ends ${previous.term.end}); list terms in date order without overlaps`,
      });
    }
    const order = academicYearOfTerm(term) * 3 + TERM_NAMES.indexOf(term.name);
    if (inSeason && previous && order <= previous.order) {
      const yearLabel = academicYearLabel(academicYearOfTerm(term));
      const message =
        order === previous.order
          ? `academic year ${yearLabel} already has ${article(term.name)} term (terms[${previous.index}])`
          : `${article(term.name)} term cannot come after the ${previous.term.name} term of academic year ${yearLabel} (terms[${previous.index}])`;
      ctx.addIssue({ code: 'custom', path: ['terms', index, 'name'], message });
    }
    if (inSeason) previous = { term, index, order };
  }
}

/** Refinements run even when a date failed its own check, and the comparisons need real dates. */
function allRealDates(...dates: (string | undefined)[]): boolean {
  return dates.every((date) => date === undefined || isIsoDate(date));
}

function article(name: TermName): string {
  return name === 'autumn' ? 'an autumn' : `a ${name}`;
}

/** Field names by how deep the mapping is: the file, a term (terms[n]), a half term (terms[n].halfTerm). */
const FIELDS_AT_DEPTH = ['region, terms, closures', '', 'name, start, end, halfTerm', 'start, end'];

function toProblems(issue: z.core.$ZodIssue): TermDatesProblem[] {
  if (issue.code === 'unrecognized_keys') {
    const known = FIELDS_AT_DEPTH[Math.min(issue.path.length, 3)];
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: `is not a field here; the fields are ${known}` }));
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function expected(what: string, input: unknown): string {
  if (input === undefined) return `is missing: it should be ${what}`;
  return `should be ${what}, not ${describeValue(input)}`;
}

function describeValue(input: unknown): string {
  if (input === null) return 'empty';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return JSON.stringify(input);
  return `the ${typeof input} ${String(input)}`;
}
