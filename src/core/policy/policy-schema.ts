import { z } from 'zod';
import { FlagSchema, RoleSchema } from '../people/person.ts';
import { OBLIGATION_KINDS } from '../obligations/obligation-kinds.ts';
import { DateRuleSchema } from './date-rule.ts';

/**
 * A school's growth policy as data. Every rule carries `rule`: the seed paragraph it comes from
 * (e.g. "002 §31"), so a person told "your plan is due 31 October" can be told why.
 */

const RuleRef = z.string().min(1, 'cite the policy paragraph this comes from, e.g. "002 §31"');

/** The kinds an obligation rule may name: the registry in src/core/obligations decides them. */
export const ObligationKindSchema = z.enum(OBLIGATION_KINDS);
export type { ObligationKind } from '../obligations/obligation-kinds.ts';

/** Who owes an obligation, resolved to a person later from the roster and assignments. */
export const OWNERS = ['reviewee', 'reviewer', 'coach', 'head', 'governors'] as const;
export const OwnerSchema = z.enum(OWNERS);

/** Who can review the head: the trust's CEO (a `trust-leader` on the roster), the chair of the (local) governing body, a panel of governors, an external adviser. */
export const HEAD_REVIEWER_MEMBERS = ['trust-ceo', 'chair-of-governors', 'governors-panel', 'external-adviser'] as const;
export type Owner = z.infer<typeof OwnerSchema>;

const AppliesToSchema = z
  .strictObject({
    roles: z.array(RoleSchema).min(1).optional(),
    /** Applies when the person has at least one of these flags. */
    anyFlags: z.array(FlagSchema).min(1).optional(),
    /** Does not apply when the person has one or more of these flags. */
    noFlags: z.array(FlagSchema).min(1).optional(),
  })
  .default({});

export const ObligationRuleSchema = z.strictObject({
  /** Stable id: part of each obligation's key, so renaming it re-creates obligations. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'use lower-case letters, digits and dashes'),
  kind: ObligationKindSchema,
  label: z.string().min(1),
  owner: OwnerSchema,
  appliesTo: AppliesToSchema,
  /**
   * Who this rule is for: staff in post at the start of the cycle, new starters, or everyone
   * covered; `excluded` rules are for those the policy excludes but still offers something
   * (004 §2.2: regular check-ins and feedback).
   */
  audience: z.enum(['everyone', 'in-post', 'new-starters', 'excluded']).default('everyone'),
  /** Apply once, or once for each term / half term of the academic year. */
  repeat: z.enum(['once', 'each-term', 'each-half-term']).default('once'),
  /** Something a person may choose to do (a pay-threshold application) rather than owes. */
  optional: z.boolean().default(false),
  /**
   * What happens once it is overdue: chased and escalated to the manager and the head (the
   * reminder cadence), or let pass: reminded up to and on the due day, never chased or escalated
   * afterwards (003 §10.1: half-termly check-ins are "desirable, though not essential").
   */
  whenOverdue: z.enum(['chase-and-escalate', 'let-pass']).default('chase-and-escalate'),
  opens: DateRuleSchema,
  due: DateRuleSchema,
  rule: RuleRef,
  /** Where Trellis reads the seed in a particular way (a date the seed leaves open), how and why; printed in docs/policies. */
  interpretation: z.string().min(1).optional(),
});
export type ObligationRule = z.infer<typeof ObligationRuleSchema>;

/**
 * Why a policy may exclude someone: `induction` is either year of statutory induction (003 §4.2,
 * 004 §2.1.3), `induction-year-1` only the first (002: "Early Career Framework Teachers in Year 1"),
 * `assessment-only` the "assessment only" route to QTS (004 §2.1.3).
 */
export const EXCLUSION_REASONS = ['agency', 'short-contract', 'induction', 'induction-year-1', 'assessment-only', 'capability', 'role-not-covered'] as const;
export const ExclusionReasonSchema = z.enum(EXCLUSION_REASONS);
export type ExclusionReason = z.infer<typeof ExclusionReasonSchema>;

const ExclusionSchema = z.strictObject({ reason: ExclusionReasonSchema, rule: RuleRef });

const ScaleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('levels'),
    levels: z
      .array(z.strictObject({ value: z.string().regex(/^[a-z-]+$/), label: z.string().min(1) }))
      .min(2),
  }),
  /** 004 §4.2: "no rag-rating is required", only reflection per standard. */
  z.strictObject({ kind: z.literal('none') }),
]);

export const STANDARDS_SETS = ['teachers-standards', 'ta-standards', 'headteachers-standards', 'job-description'] as const;
export const StandardsSetSchema = z.enum(STANDARDS_SETS);

const PlanFieldSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
  question: z.string().min(1),
  hint: z.string().optional(),
});

const PlanSchema = z.discriminatedUnion('shape', [
  /** 001's professional growth plan: reflections, class needs, goal, reality, options, summary. */
  z.strictObject({ shape: z.literal('grow-plan'), fields: z.array(PlanFieldSchema).min(1), rule: RuleRef }),
  /** 002 §10–12: three SMART targets, each naming its improvement-plan area. */
  z.strictObject({
    shape: z.literal('smart-targets'),
    targets: z
      .array(
        z.strictObject({
          kind: z.enum(['pupil-progress', 'team', 'leadership']),
          label: z.string().min(1),
          mustBeQuantitative: z.boolean().default(false),
          appliesTo: AppliesToSchema,
        }),
      )
      .min(1),
    count: z.number().int().min(1).max(10),
    mustCiteImprovementPlanArea: z.boolean(),
    rule: RuleRef,
  }),
  /** 004 §5: at most three expectations with detail, success and a completion date. */
  z.strictObject({
    shape: z.literal('expectations'),
    max: z.number().int().min(1).max(10),
    widerImpactRequiredFor: AppliesToSchema,
    /** 004 §7.1: the colleague's ideas for CPD / professional support, recorded in the plan. */
    cpdIdeas: z.strictObject({ question: z.string().min(1), hint: z.string().optional(), rule: RuleRef }).optional(),
    rule: RuleRef,
  }),
  /** 003 §8.9: goals with what success looks like, timescales, how I'll learn, check-in dates. */
  z.strictObject({ shape: z.literal('goals'), max: z.number().int().min(1).max(10), rule: RuleRef }),
]);

const ReminderCadenceSchema = z.strictObject({
  whenOpens: z.boolean().default(true),
  /** School days before the due date on which to remind, e.g. [5, 1]. */
  schoolDaysBefore: z.array(z.number().int().min(1).max(60)).default([5, 1]),
  onDueDay: z.boolean().default(true),
  overdueEverySchoolDays: z.number().int().min(1).max(60).default(5),
  escalateToReviewerAfterSchoolDays: z.number().int().min(0).max(60).default(2),
  escalateToHeadAfterSchoolDays: z.number().int().min(0).max(120).default(10),
  /** The daily window, school's local time, in which nudges may be sent. */
  window: z
    .strictObject({ start: z.string().regex(/^\d\d:\d\d$/), end: z.string().regex(/^\d\d:\d\d$/) })
    .default({ start: '15:30', end: '17:00' }),
});

export const PolicySchema = z.strictObject({
  /** Schema version of this file format. */
  format: z.literal(1).default(1),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1),
  organisation: z.string().min(1),
  source: z.string().min(1),
  cycle: z.strictObject({
    /** First and last day of the cycle as MM-DD; September-start cycles match the academic year. */
    startMonthDay: z.string().regex(/^\d\d-\d\d$/),
    endMonthDay: z.string().regex(/^\d\d-\d\d$/),
    /** 003 §5.5: a new cycle may begin when a goal is achieved. */
    continuous: z.boolean().default(false),
    rule: RuleRef,
  }),
  calendar: z
    .strictObject({
      /** Whether the school's closure days stop counting as working days. */
      closuresAreNonWorkingDays: z.boolean().default(true),
    })
    .default({ closuresAreNonWorkingDays: true }),
  coverage: z.strictObject({
    roles: z.array(RoleSchema).min(1),
    rolesRule: RuleRef,
    exclusions: z.array(ExclusionSchema),
    /** 004 §2.2: excluded colleagues still get regular check-ins and feedback. */
    excludedStillGetCheckIns: z.strictObject({ value: z.boolean(), rule: RuleRef }).optional(),
    /** 002 §16/§33: temporary staff get targets for their period of employment. */
    fixedTermCycleEndsWithContract: z.strictObject({ value: z.boolean(), rule: RuleRef }).optional(),
  }),
  standards: z.strictObject({
    byRole: z.partialRecord(RoleSchema, StandardsSetSchema),
    rule: RuleRef,
  }),
  reflection: z.strictObject({
    scale: ScaleSchema,
    /**
     * Whether a written answer per standard heading may be left out (where the scale is `none`):
     * 003 §7.2.1 asks for a summary (best at, strengths, growth areas), not a note per standard;
     * 004 §4.2 asks each colleague to reflect on how well they do against each standard. Absent:
     * required.
     */
    standardAnswerOptional: z.strictObject({ value: z.boolean(), rule: RuleRef }).optional(),
    nextStepsPerStandard: z.boolean(),
    /** Closing prompts, e.g. 004 §4.2's successes, strengths and areas for further growth. */
    closingPrompts: z.array(PlanFieldSchema).min(1),
    rule: RuleRef,
  }),
  plan: PlanSchema,
  planAgreement: z.strictObject({ requiredBeforeSubmission: z.boolean(), amendableByAgreement: z.boolean(), rule: RuleRef }),
  leadershipGoal: z
    .strictObject({
      appliesTo: AppliesToSchema,
      fields: z.array(PlanFieldSchema).min(1),
      rule: RuleRef,
      /**
       * 001 "Evaluating your process": senior leaders' goals are linked to the whole-school
       * strategic priorities. Those it applies to are asked these questions instead (and take
       * precedence over `appliesTo`); absent: everyone with a leadership goal is asked `fields`.
       */
      seniorLeaders: z.strictObject({ appliesTo: AppliesToSchema, fields: z.array(PlanFieldSchema).min(1), rule: RuleRef }).optional(),
    })
    .optional(),
  checkIns: z.strictObject({
    typicalMinutes: z.number().int().min(5).max(120),
    wellbeingCheck: z.boolean(),
    avoid: z.array(z.enum(['break', 'lunch', 'ppa'])),
    arrangedBy: OwnerSchema,
    rule: RuleRef,
  }),
  observation: z.strictObject({
    /** Cap on performance-management observation per cycle, in minutes; absent = no cap. */
    capMinutesPerCycle: z.number().int().min(0).optional(),
    capExemptFlags: z.array(FlagSchema).default([]),
    /** Counted in school days: feedback is given in directed time (002 Annex 1 §9–10). */
    oralFeedbackWithinWorkingDays: z.number().int().min(0).optional(),
    writtenFeedbackWithinWorkingDays: z.number().int().min(0).optional(),
    teacherMayAppendComments: z.boolean(),
    /** 002 §48: observations by someone other than the reviewer count as performance-management observations. */
    othersMayObserve: z.strictObject({ rule: RuleRef }).optional(),
    /**
     * 002 §50, Annex 1 §4: the plan records the observation arrangements agreed at the planning
     * meeting. `usualTiming` is the pattern the policy itself sets (002 §48: one graded observation
     * at the start of the cycle, a second reviewing progress), offered first when the plan asks when.
     */
    arrangementsInPlan: z.strictObject({ rule: RuleRef, usualTiming: z.strictObject({ text: z.string().min(1).max(75), rule: RuleRef }).optional() }).optional(),
    rule: RuleRef,
  }),
  /**
   * Part-time staff (002 Annex 1 §2–3, 003 §7.3, 004 §5.9), pro-rated by the roster's `fte`
   * (`src/core/people/part-time.ts`). Absent: the policy says nothing about part-time staff (001).
   */
  partTime: z
    .strictObject({
      /** 002 Annex 1 §2–3: the observation cap is pro-rated by FTE. */
      observationCapProRata: z.boolean(),
      /** 004 §5.9: the plan's most expectations (goals, targets) is pro-rated by FTE, rounded up, at least one. */
      planMaxProRata: z.boolean(),
      /** What the plan dialog tells someone part time. */
      planPrompt: z.string().min(1),
      rule: RuleRef,
      /** How Trellis reads the seed here, and why; printed in docs/policies. */
      interpretation: z.string().min(1).optional(),
      /**
       * Someone who starts part-way through the year (003 §7.3, 004 §5.9): `planMaxProRata` scales
       * the plan's most expectations by the share of the cycle left from their first day (times
       * their FTE), and `prompt` is what the plan dialog tells them. Absent: nothing is said.
       */
      lateStarters: z
        .strictObject({ planMaxProRata: z.boolean(), prompt: z.string().min(1), rule: RuleRef, interpretation: z.string().min(1).optional() })
        .optional(),
    })
    .optional(),
  /**
   * 002 §1, §14, §16: the reviewer's final report — an assessment against each target and, where
   * the policy has one, a pay recommendation. Issuing it is what opens the appeal window.
   */
  finalReport: z.strictObject({ payRecommendation: z.boolean(), rule: RuleRef }).optional(),
  appeals: z
    .strictObject({
      windowWorkingDays: z.number().int().min(1),
      meetingWithinWorkingDays: z.number().int().min(1),
      outcomeWithinWorkingDays: z.number().int().min(1),
      appealManager: z.strictObject({ default: z.enum(['head']), ifHeadTookPart: z.enum(['trust-ceo', 'chair-of-governors']) }),
      companionAllowed: z.boolean(),
      rule: RuleRef,
    })
    .optional(),
  payThreshold: z
    .strictObject({
      window: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('any-time-once-a-year') }),
        z.strictObject({ kind: z.literal('deadline'), due: DateRuleSchema }),
      ]),
      criteria: z.array(z.string().min(1)).min(1),
      rule: RuleRef,
    })
    .optional(),
  reviewers: z.strictObject({
    defaultReviewer: z.enum(['line-manager', 'coach']),
    /**
     * 002 §25: how many people one reviewer is expected to review at most. `import roster` and the
     * admin console's preview name anyone over it; the head may confirm an exception
     * (`allow-reviewees`), recorded in the audit trail. Absent: no limit.
     */
    revieweeLimit: z
      .strictObject({
        max: z.number().int().min(1),
        /** Reviewers with one of these flags may review more (002 §25: the leadership scale). */
        exemptFlags: z.array(FlagSchema).default([]),
        rule: RuleRef,
      })
      .optional(),
    /** 002 §27, 004 §3.10: a reviewee may ask in writing, with reasons, for another reviewer; the head or nominated officer decides. */
    revieweeMayRequestChange: z.boolean(),
    /**
     * 002 §29: "A performance management cycle will not begin again in the event of the reviewer
     * being changed." No policy restarts a cycle on a change of reviewer, so Trellis has no
     * restart: the new reviewer takes over what is still open and everything done stays.
     */
    changingReviewerRestartsCycle: z.literal(false, {
      error: 'Trellis never restarts a cycle when the reviewer changes (002 §29: "a performance management cycle will not begin again"); set it to false',
    }),
    /**
     * 002 §28: a replacement reviewer who is not the reviewee's line manager has an equivalent or
     * higher status in the staffing structure than that line manager; `replace-reviewer` refuses
     * anyone lower (status as `staffingStatus` reads it from the roster). Absent: no such rule.
     */
    replacementStatusAtLeastLineManager: z.strictObject({ rule: RuleRef, interpretation: z.string().min(1).optional() }).optional(),
    rule: RuleRef,
  }),
  /**
   * A move to a new post part-way through a cycle, seen when a roster import changes someone's line
   * manager or role (002 §35, 003 §7.4, 004 §4.4). Absent: the policy says nothing (001).
   */
  roleTransfer: z
    .strictObject({
      /** 003 §7.4, 004 §4.4: the original reviewer (coach, appraiser) holds a check-in before the new post starts, and the goals are reviewed for the new role. */
      originalReviewerChecksIn: z.boolean(),
      /** 002 §35: the head (the governing body, for the head) decides whether the cycle begins again and whether to change the reviewer. */
      headDecidesRestartAndReviewer: z.boolean(),
      rule: RuleRef,
    })
    .optional(),
  /**
   * Who reviews the head (002 §22–24: three governors, the trust's CEO chairing; 003 §6.3: the CEO
   * and the Chair of the LGB; 004 §9.1: an external school improvement partner), resolved by
   * `headReviewersOf` to the roster's trust leader, a named contact of the school, or the body.
   * Absent: the policy does not say (001), and the head's reviewer is their line manager.
   */
  headReviewers: z
    .strictObject({
      members: z.array(z.enum(HEAD_REVIEWER_MEMBERS)).min(1),
      /** The member who chairs the head's meetings (002 §24: the CEO). */
      chair: z.enum(HEAD_REVIEWER_MEMBERS).optional(),
      rule: RuleRef,
    })
    .optional(),
  confidentiality: z.strictObject({
    lineManagerAccessOnRequest: z.boolean(),
    tellRevieweeWhoWasGrantedAccess: z.boolean(),
    /** Years a record is kept after the end of its academic year, then destroyed (003 §14.3, 004 §11.2: six). */
    retentionYears: z.number().int().min(1).default(6),
    rule: RuleRef,
  }),
  governance: z.strictObject({ annualGovernorsReport: z.boolean(), rule: RuleRef }),
  reminders: ReminderCadenceSchema.default(ReminderCadenceSchema.parse({})),
  obligations: z.array(ObligationRuleSchema).min(1),
  /**
   * The seed's own words for paragraphs the dialogs cite, keyed by the citation as a rule writes
   * it ("004 §4.2", "001 Appendix B"), so `why` in a dialog can quote the paragraph behind the
   * question (see policy-paragraphs.ts). A rule cites a key when it names the same seed and
   * contains the key's paragraph ("004 §5.2, §5.5" cites "004 §5.5").
   */
  paragraphs: z.record(z.string().regex(/^\d{3} \S/, 'start with the seed number, e.g. "004 §4.2"'), z.string().min(1)).default({}),
});

export type Policy = z.infer<typeof PolicySchema>;
export type HeadReviewerMember = (typeof HEAD_REVIEWER_MEMBERS)[number];
export type PolicyInput = z.input<typeof PolicySchema>;
export type PlanShape = Policy['plan']['shape'];
export type AppliesTo = z.infer<typeof AppliesToSchema>;
