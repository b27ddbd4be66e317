import { londonDateOf } from '../calendar/london-time.ts';
import { academicYearLabel } from '../calendar/term-dates.ts';
import { say } from '../conversations/engine/outgoing-message.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { recordTableTitle } from '../records/record-tables.ts';
import type { School } from '../schools/school.ts';
import { academicYearOf, type Clock } from '../time/clock.ts';
import type { DestroyedRecords, DestroyReason, RetentionStore } from './retention-ports.ts';

/**
 * When a record's clock runs out. Every record belongs to an academic year: a cycle's records to
 * the cycle's year; a reminder, access-log entry, access grant, audit event or conversation to the
 * year it was made (a grant: when it ended); a reviewer assignment to the year it ended. The clock
 * starts at the end of that year (31 August) and runs for the policy's `retentionYears`, so on
 * 30 November 2026 with six years everything of 2019/20 and earlier has expired and 2020/21 has
 * not. A leaver's roster row and chat accounts go once nothing else of theirs is left and the same
 * period has passed since they left (their contract's end if known, else the day the roster
 * marked them as left).
 */
export function expiredThroughYear(today: string, retentionYears: number): number {
  return academicYearOf(today) - retentionYears - 1;
}

/** The policy's `confidentiality.retentionYears` (six unless the policy says otherwise: 003 §14.3, 004 §11.2). */
export function retentionYearsOf(policy: Pick<Policy, 'confidentiality'>): number {
  return policy.confidentiality.retentionYears;
}

/** How long records are kept, in plain words for chat: “6 years after the end of the academic year”. */
export function retentionPeriod(policy: Pick<Policy, 'confidentiality'>): string {
  return `${retentionYearsOf(policy)} years after the end of the academic year`;
}

/** The rule written on each deletion-log row, citing the policy's seed paragraph. */
export function retentionRule(policy: Pick<Policy, 'confidentiality'>): string {
  return `${retentionPeriod(policy)} (${policy.confidentiality.rule})`;
}

export interface RetentionDeps {
  store: RetentionStore;
  findSchool(slug: string): Promise<School | undefined>;
  clock: Clock;
}

export interface RetentionResult {
  school: string;
  schoolName: string;
  expiredThroughYear: number;
  rule: string;
  /** The same period without its citation, for what a person is told in chat. */
  period: string;
  dryRun: boolean;
  destroyed: DestroyedRecords;
  /** What the head is told, or undefined when nothing went (nobody is messaged about nothing). */
  message?: string | undefined;
  /** The school's heads, sent `message` (queued with the deletions); none for a dry run, a person's own request, or nothing gone. */
  tell: { id: string; fullName: string }[];
}

/**
 * One retention run for each school: destroys every record whose clock has run out and returns
 * what went and the message for the head. The daily schedule calls this; `trellis retention` too.
 */
export async function runRetention(deps: RetentionDeps, slugs: readonly string[], options: { dryRun: boolean }): Promise<RetentionResult[]> {
  const results: RetentionResult[] = [];
  for (const slug of slugs) {
    const school = await deps.findSchool(slug);
    if (school === undefined) continue;
    results.push(await destroyFor(deps, school, { dryRun: options.dryRun, reason: 'retention' }));
  }
  return results;
}

/** A person's request to delete their time-expired records (002 §44): the same rule, only their records. */
export function deleteMyExpiredRecords(deps: RetentionDeps, school: School, personId: string, options: { dryRun: boolean } = { dryRun: false }): Promise<RetentionResult> {
  return destroyFor(deps, school, { dryRun: options.dryRun, reason: 'request', personId });
}

async function destroyFor(deps: RetentionDeps, school: School, options: { dryRun: boolean; reason: DestroyReason; personId?: string }): Promise<RetentionResult> {
  const now = deps.clock.now();
  const through = expiredThroughYear(londonDateOf(now), retentionYearsOf(school.policy));
  const rule = retentionRule(school.policy);
  // The heads hear of a school's retention run (not of one person's own request), queued with the
  // deletions; the key carries the day, so a second run that day queues nothing more. In chat the
  // period is in plain words; the deletion log and `trellis retention` keep its paragraph.
  const tellHeads =
    options.reason === 'retention'
      ? { cause: `retention:${school.slug}:${londonDateOf(now)}`, message: (destroyed: DestroyedRecords) => [say(retentionMessage({ schoolName: school.name, expiredThroughYear: through, rule: retentionPeriod(school.policy), dryRun: false, destroyed }))] }
      : undefined;
  const { destroyed, told: tell } = await deps.store.destroyExpired({ schoolId: school.id, expiredThroughYear: through, rule, reason: options.reason, personId: options.personId, dryRun: options.dryRun, now, tellHeads });
  return {
    school: school.slug,
    schoolName: school.name,
    expiredThroughYear: through,
    rule,
    period: retentionPeriod(school.policy),
    dryRun: options.dryRun,
    destroyed,
    message: destroyed.total === 0 ? undefined : retentionMessage({ schoolName: school.name, expiredThroughYear: through, rule, dryRun: options.dryRun, destroyed }),
    tell,
  };
}

/** What the head is told (and what `trellis retention` prints): counts by kind, never a name or the content. */
export function retentionMessage(input: { schoolName: string; expiredThroughYear: number; rule: string; dryRun: boolean; destroyed: DestroyedRecords }): string {
  const { destroyed } = input;
  const kinds = destroyed.byKind.filter((k) => k.count > 0).map((k) => `${k.count} × ${recordTableTitle(k.kind)}`);
  const verb = input.dryRun ? 'would be destroyed' : destroyed.total === 1 ? 'was destroyed' : 'were destroyed';
  const lines = [
    `${input.schoolName}: ${destroyed.total} ${destroyed.total === 1 ? 'record' : 'records'} from ${academicYearLabel(input.expiredThroughYear)} and earlier ${verb}, belonging to ${destroyed.people} ${destroyed.people === 1 ? 'person' : 'people'}. Rule: ${input.rule}.`,
    kinds.join('; '),
  ];
  if (destroyed.leavers > 0) lines.push(`${destroyed.leavers} ${destroyed.leavers === 1 ? 'leaver’s roster entry' : 'leavers’ roster entries'} went with them, as nothing else of theirs was left.`);
  lines.push(input.dryRun ? 'Nothing has been changed.' : 'The deletion log keeps what kind of record each was and when it went, never what it said.');
  return lines.join('\n');
}

/**
 * The daily job: one retention run over every school, each head told what went (queued in the
 * deletion's transaction; a retried day queues nothing twice, since the message key carries the date).
 */
export async function dailyRetention(deps: RetentionDeps & { listSchoolSlugs(): Promise<string[]> }): Promise<RetentionResult[]> {
  return runRetention(deps, await deps.listSchoolSlugs(), { dryRun: false });
}
