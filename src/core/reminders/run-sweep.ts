import { addCalendarDays } from '../calendar/iso-date.ts';
import { calendarOf, type School } from '../schools/school.ts';
import type { Clock } from '../time/clock.ts';
import { composeDigest } from './compose-digest.ts';
import { planReminders } from './plan-reminders.ts';
import type { ClaimedDigest, Deliverer, ReminderStore } from './reminder-ports.ts';
import type { ReminderPerson } from './reminder-types.ts';
import { sendingMoment } from './sending-window.ts';

export interface SweepDeps {
  reminders: ReminderStore;
  deliverer: Deliverer;
  clock: Clock;
}

export interface SweepOptions {
  /** How long a claimed digest is ours before another sweep may take it over (a crashed sender). */
  leaseSeconds?: number;
  /** Failed attempts (rate limits aside) before a digest is marked failed. */
  maxAttempts?: number;
  /** Digests claimed per round trip. */
  batchSize?: number;
  catchUpSchoolDays?: number;
}

export interface SweepResult {
  school: string;
  /** Why nothing was done: nudges go out only on school days inside the window. */
  skipped?: 'not-a-school-day' | 'outside-window' | undefined;
  planned: number;
  queuedReminders: number;
  queuedDigests: number;
  delivered: number;
  retrying: number;
  failed: number;
}

/** Obligations overdue for longer than this stop being chased: a year-old item is a conversation, not a nudge. */
const OVERDUE_HORIZON_DAYS = 366;

/**
 * One sweep of one school at the clock's moment: plan the reminders due now, queue them and the
 * day's digests in the outbox, then deliver whatever digests are due, each once. Safe to run as
 * often as wanted and from several processes at once.
 */
export async function sweepSchool(deps: SweepDeps, school: School, options: SweepOptions = {}): Promise<SweepResult> {
  const now = deps.clock.now();
  const calendar = calendarOf(school);
  const result: SweepResult = { school: school.slug, planned: 0, queuedReminders: 0, queuedDigests: 0, delivered: 0, retrying: 0, failed: 0 };
  const moment = sendingMoment(school.policy, calendar, now);
  if (!moment.ok) return { ...result, skipped: moment.reason };

  const { obligations, people } = await deps.reminders.loadSweepInputs(school.id, moment.today, addCalendarDays(moment.today, -OVERDUE_HORIZON_DAYS));
  const reminders = planReminders({ school, calendar, obligations, people, now, catchUpSchoolDays: options.catchUpSchoolDays });
  result.planned = reminders.length;
  const queued = await deps.reminders.record(school.id, moment.today, now, reminders);
  result.queuedReminders = queued.reminders;
  result.queuedDigests = queued.digests;

  await deliverDue(deps, school, new Map(people.map((p) => [p.id, p])), now, options, result);
  return result;
}

async function deliverDue(deps: SweepDeps, school: School, people: Map<string, ReminderPerson>, now: Date, options: SweepOptions, result: SweepResult): Promise<void> {
  const batchSize = options.batchSize ?? 500;
  const leaseUntil = new Date(now.getTime() + (options.leaseSeconds ?? 120) * 1000);
  for (;;) {
    const claimed = await deps.reminders.claimDigests(school.id, now, leaseUntil, batchSize);
    for (const digest of claimed) await deliverOne(deps, people, digest, now, options.maxAttempts ?? 5, result);
    if (claimed.length < batchSize) return;
  }
}

async function deliverOne(deps: SweepDeps, people: Map<string, ReminderPerson>, digest: ClaimedDigest, now: Date, maxAttempts: number, result: SweepResult): Promise<void> {
  const recipient = people.get(digest.recipientId);
  if (recipient === undefined || !recipient.active) {
    await deps.reminders.markFailed(digest, 'the recipient is no longer on the school roster');
    result.failed++;
    return;
  }
  const message = composeDigest(digest.recipientId, digest.date, digest.reminders);
  let outcome: Awaited<ReturnType<Deliverer['deliver']>>;
  try {
    outcome = await deps.deliverer.deliver({ key: digest.key, recipient: { id: recipient.id, email: recipient.email, fullName: recipient.fullName }, message });
  } catch (error) {
    outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  if (outcome.ok) {
    await deps.reminders.markSent(digest, now);
    result.delivered++;
    return;
  }
  if (outcome.retryAfterSeconds !== undefined) {
    // The platform asked us to wait: that is not the digest's fault, so it costs no attempt.
    await deps.reminders.markRetry(digest, new Date(now.getTime() + outcome.retryAfterSeconds * 1000), outcome.error, false);
    result.retrying++;
  } else if (digest.attempts >= maxAttempts) {
    await deps.reminders.markFailed(digest, outcome.error);
    result.failed++;
  } else {
    await deps.reminders.markRetry(digest, new Date(now.getTime() + backoffSeconds(digest.attempts) * 1000), outcome.error, true);
    result.retrying++;
  }
}

/** 1, 2, 4, 8… minutes, at most an hour: the next sweeps retry without hammering a broken channel. */
function backoffSeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 3600);
}

/** Sweeps every school Trellis knows, or the named one, one after another. */
export async function sweepSchools(deps: SweepDeps & { findSchool(slug: string): Promise<School | undefined> }, slugs: readonly string[], options: SweepOptions = {}): Promise<SweepResult[]> {
  const results: SweepResult[] = [];
  for (const slug of slugs) {
    const school = await deps.findSchool(slug);
    if (school === undefined) throw new Error(`There is no school "${slug}".`);
    results.push(await sweepSchool(deps, school, options));
  }
  return results;
}
