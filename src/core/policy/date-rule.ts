import { z } from 'zod';

/**
 * When something opens or falls due, said the way a policy says it: "31 October", "by February
 * half term", "the second half of the spring term", "within 2 working weeks of starting".
 * The timeline resolves these against one school's calendar and one academic year.
 */

const MonthDaySchema = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD, e.g. 10-31 for 31 October');

export const TERM_NAMES = ['autumn', 'spring', 'summer'] as const;
export const TermNameSchema = z.enum(TERM_NAMES);

/** Points of a term the policies name. `second-half-start` is the first school day after half term. */
export const TERM_POINTS = ['start', 'end', 'half-term-start', 'half-term-end', 'first-half-end', 'second-half-start'] as const;

const OffsetSchema = z.strictObject({
  amount: z.number().int(),
  /**
   * `working-days` skip weekends and bank holidays (appeal windows, 002 §16); `school-days` also
   * skip holidays and closures, which is what "working weeks" means for term-time staff (004 §4.3).
   */
  unit: z.enum(['working-days', 'school-days', 'calendar-days']),
});

const AdjustSchema = z
  .enum(['none', 'working-day-on-or-before', 'working-day-on-or-after', 'school-day-on-or-before', 'school-day-on-or-after'])
  .default('none');

export const DateRuleSchema = z.discriminatedUnion('from', [
  z.strictObject({
    from: z.literal('month-day'),
    /** A day of the year: months September–August belong to the academic year's own span. */
    monthDay: MonthDaySchema,
    /** Add a year, e.g. a review due "31 October" of the following cycle. */
    yearsAfter: z.number().int().min(0).max(1).default(0),
    offset: OffsetSchema.optional(),
    adjust: AdjustSchema,
  }),
  z.strictObject({
    from: z.literal('term'),
    term: TermNameSchema,
    point: z.enum(TERM_POINTS),
    offset: OffsetSchema.optional(),
    adjust: AdjustSchema,
  }),
  z.strictObject({
    from: z.enum(['cycle-start', 'cycle-end']),
    offset: OffsetSchema.optional(),
    adjust: AdjustSchema,
  }),
  z.strictObject({
    /** The person's first day: new starters' windows (004 §4.3). */
    from: z.literal('start-date'),
    offset: OffsetSchema.optional(),
    adjust: AdjustSchema,
  }),
  z.strictObject({
    /** The start or end of the term or half term a repeated rule is being applied to. */
    from: z.enum(['period-start', 'period-end']),
    offset: OffsetSchema.optional(),
    adjust: AdjustSchema,
  }),
]);

export type DateRule = z.infer<typeof DateRuleSchema>;
export type DateRuleInput = z.input<typeof DateRuleSchema>;
export type TermPoint = (typeof TERM_POINTS)[number];
