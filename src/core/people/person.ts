import { z } from 'zod';

/**
 * The roles a roster may give a member of staff. Each maps to the standards they reflect against.
 * `trust-leader` is a trust's CEO or executive: on a school's roster so they can be reached, not
 * covered by a school's policy, and never taken for that school's head.
 */
export const ROLES = ['teacher', 'teaching-assistant', 'support', 'leader', 'headteacher', 'trust-leader'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/**
 * Flags from the roster's `flags` column. `ect`/`nqt` mean statutory induction (`ect-year-2`: an
 * ECT in the second year of it), `assessment-only` a teacher on the "assessment only" route to QTS
 * (004 §2.1.3), `ups`/`upr` the upper pay scale/range, `grade6plus` support staff on grade 6 or
 * above (004 §5.5), `pm-deputy` the deputy head responsible for performance management (002 §18).
 */
export const FLAGS = [
  'ect',
  'nqt',
  'ect-year-2',
  'assessment-only',
  'ups',
  'upr',
  'tlr',
  'part-time',
  'capability',
  'agency',
  'support-plan',
  'grade6plus',
  'leadership-scale',
  /** The deputy head to whom the head delegated performance management (002 §18): sees named reports. */
  'pm-deputy',
] as const;
export const FlagSchema = z.enum(FLAGS);
export type Flag = z.infer<typeof FlagSchema>;

/** The flags this version knows, from a stored list: one it does not know is left out, not guessed. */
export function knownFlags(stored: readonly string[]): Flag[] {
  return stored.flatMap((flag) => {
    const parsed = FlagSchema.safeParse(flag);
    return parsed.success ? [parsed.data] : [];
  });
}

export const CONTRACTS = ['permanent', 'fixed-term', 'agency'] as const;
export const ContractSchema = z.enum(CONTRACTS);
export type Contract = z.infer<typeof ContractSchema>;

/** What the timeline needs to know about a person: nothing identifying. */
export interface PersonProfile {
  role: Role;
  /** First day of employment at this school, ISO date; absent means "before anything we compute". */
  startDate?: string | undefined;
  contract: Contract;
  /** Last day of a fixed-term contract, ISO date. */
  contractEnd?: string | undefined;
  flags: readonly Flag[];
  /**
   * The day the head decided, after a move to a new post, that the person's cycle begins again
   * (002 §35): the cycle it falls in is planned as if they started that day.
   */
  cycleRestartedOn?: string | undefined;
}

/**
 * Two profiles with the same key get the same timeline (`computeTimeline` reads nothing else of a
 * person): planning a school computes each distinct profile once. Every field of `PersonProfile`
 * is listed (the `Record` fails to compile when one is added and not here); flags in any order are
 * the same flags.
 */
export function profileKey(profile: PersonProfile): string {
  const fields: Record<keyof PersonProfile, string | undefined> = {
    role: profile.role,
    startDate: profile.startDate,
    contract: profile.contract,
    contractEnd: profile.contractEnd,
    flags: [...profile.flags].sort().join(';'),
    cycleRestartedOn: profile.cycleRestartedOn,
  };
  return JSON.stringify(fields);
}

/** Flags that mean statutory induction, in either year (003 §4.2, 004 §2.1.3). */
export const INDUCTION_FLAGS: readonly Flag[] = ['ect', 'nqt', 'ect-year-2'];

export function hasAnyFlag(person: Pick<PersonProfile, 'flags'>, flags: readonly Flag[]): boolean {
  return flags.some((flag) => person.flags.includes(flag));
}

/** Splits a flags cell or option (`ect;ups` or `ect,ups`), reporting any it doesn't know. */
export function parseFlagList(value: string | undefined): { flags: Flag[]; unknown: string[] } {
  const items = (value ?? '')
    .split(/[,;]/)
    .map((flag) => flag.trim().toLowerCase())
    .filter((flag) => flag !== '');
  const isFlag = (item: string): item is Flag => (FLAGS as readonly string[]).includes(item);
  return { flags: [...new Set(items.filter(isFlag))], unknown: items.filter((item) => !isFlag(item)) };
}
