import type { PeopleFacts } from '../access/access-ports.ts';
import { type HeadReviewer, headReviewersOf, relationshipsOn } from '../access/relationships.ts';
import { addCalendarDays, type IsoDate } from '../calendar/iso-date.ts';
import type { NotificationQueue } from '../notifications/notification-queue.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import { appealOutcomeDeadline } from '../deadlines/event-deadlines.ts';
import { calendarOf, type School } from '../schools/school.ts';
import type { Clock } from '../time/clock.ts';
import { type Metrics, noMetrics } from '../metrics/metrics.ts';
import { headReviewerReach } from './head-reviewer-reminders.ts';
import { holidayLookupOf } from './holiday-ahead.ts';
import { composeDigest } from './compose-digest.ts';
import { byRecipientThenKey, catchUpStart, planReminderPage, type ReminderPagePlan, settleWaiting, type WaitingGroup } from './plan-reminders.ts';
import type { DigestDelivery, DigestRecipient, ReminderStore } from './reminder-ports.ts';
import type { Reminder, ReminderObligation, ReminderPerson } from './reminder-types.ts';
import { schoolDaysOf } from './school-days.ts';
import { sendingMoment } from './sending-window.ts';
import { type SweepCandidates, sweepCandidates } from './sweep-candidates.ts';

export interface SweepDeps {
  reminders: ReminderStore;
  clock: Clock;
  /** Where each school's sweep duration is recorded (`/metrics`). */
  metrics?: Metrics | undefined;
  /**
   * Reaching the head's own reviewers (002 §22–24, 003 §6.3, 004 §9.1; `headReviewerReach`): who
   * they are, the queue their e-mails go on, and whether e-mail is configured (`SMTP_URL`). Without
   * it only the head is reminded of what they owe together.
   */
  headReviewers?: { facts: Pick<PeopleFacts, 'factsOf'>; queue: Pick<NotificationQueue, 'queue'>; emailEnabled: boolean } | undefined;
}

/**
 * Candidate obligations read per page, for the server and `trellis sweep` alike. Measured
 * (docs/benchmarks.md, "`trellis sweep` on a `pg` pool alone"): a page of 5,000 holds the sweep's
 * peak 30–100 MiB below one of 20,000 at 10,000 and 100,000 staff, for no more CPU and three more
 * statements a page (28 instead of 10 at 10,000 staff, 244 instead of 64 at 100,000): each page's
 * rows, people and insert live for seconds and are promoted before they die, and V8 lets the old
 * generation fill with them between full collections.
 */
export const SWEEP_PAGE_SIZE = 5_000;

export interface SweepOptions {
  /** Candidate obligations read per page (`SWEEP_PAGE_SIZE`): bounds the sweep's memory whatever the school's size. */
  pageSize?: number;
  catchUpSchoolDays?: number;
  /**
   * Plan only: read what is due, write nothing, and return the digests that would be queued
   * (`trellis sweep --dry-run`).
   */
  dryRun?: boolean;
}

export interface SweepResult {
  school: string;
  /** Why nothing was done: nudges go out only on school days inside the window. */
  skipped?: 'not-a-school-day' | 'outside-window' | undefined;
  planned: number;
  /** Deadlines the sweep created from earlier events (an appeal meeting marked held → its written outcome). */
  followUps: number;
  queuedReminders: number;
  /** Digests queued, each with its delivery job (the job engine delivers them). */
  queuedDigests: number;
  /** E-mails queued for the head's reviewers who are not on the roster. */
  queuedEmails?: number | undefined;
  /** With `dryRun`: the digests that would be queued now, one per recipient. */
  wouldSend?: DigestDelivery[] | undefined;
}

/** Obligations overdue for longer than this stop being chased: a year-old item is a conversation, not a nudge. */
const OVERDUE_HORIZON_DAYS = 366;

/**
 * One sweep of one school at the clock's moment: plan the reminders due now, queue them and the
 * day's digests in the outbox, each digest with its delivery job (`deliverQueuedDigest` runs it).
 * Safe to run as often as wanted and from several processes at once: every write is keyed.
 */
export function sweepSchool(deps: SweepDeps, school: School, options: SweepOptions = {}): Promise<SweepResult> {
  return (deps.metrics ?? noMetrics).timeSweep(() => sweepOnce(deps, school, options));
}

async function sweepOnce(deps: SweepDeps, school: School, options: SweepOptions): Promise<SweepResult> {
  const now = deps.clock.now();
  const calendar = calendarOf(school);
  const result: SweepResult = { school: school.slug, planned: 0, followUps: 0, queuedReminders: 0, queuedDigests: 0 };
  const moment = sendingMoment(school.policy, calendar, now);
  if (!moment.ok) return { ...result, skipped: moment.reason };
  const today = moment.today;
  const dueSince = addCalendarDays(today, -OVERDUE_HORIZON_DAYS);

  if (options.dryRun) return { ...result, wouldSend: await wouldSend(deps, school, today, now, options) };
  result.followUps = await createFollowUps(deps, school, calendar, today);
  const candidates = candidatesOf(school, calendar, today, dueSince, options.catchUpSchoolDays);
  // A later tick of the same day reads only obligations changed since the last complete one:
  // everything else has had today's reminders queued already (issue 16: work proportional to change).
  const mark = await deps.reminders.beginSweep(school.id, today);
  const head = await deps.reminders.loadHead(school.id);
  const panel = await headPanel(deps, school, head, today);
  // Pages overlap: while one page's reminders are written, the next is read and planned, so the
  // database writes while Node plans (issue 16). One insert at a time, in page order, so two
  // sweeps still lock the same keys in the same order; at most two pages are held at once.
  const writing = new InsertsInOrder((reminders: readonly Reminder[]) => deps.reminders.queueReminders(today, now, reminders));
  // Whether a coming-up nudge joins its recipient's digest today depends on every page, not its
  // own: a recipient messaged on any page counts. Groups wait (with their obligation) until their
  // recipient is messaged or the last page is planned, so a paged sweep plans what one pass would.
  const pages = new PagesPlanned();
  try {
    let after: string | undefined;
    do {
      // Each page is read, planned and handed to the insert in a function of its own: a suspended
      // async function keeps what its locals last held, so a page read in this loop would stay
      // referenced while the next one is read, and two pages' obligations and people would be
      // held besides the reminders being inserted.
      after = await sweepPage({ deps, school, calendar, candidates, head, panel, now, today, options, changedSince: mark.changedSince, after, pages, writing, result });
    } while (after !== undefined);
  } catch (error) {
    // The sweep fails with its own error, once the insert in flight has finished either way.
    await writing.settled();
    throw error;
  }
  result.queuedReminders += await writing.last();
  // Once, after every page is queued: a recipient's reminders from several pages make one digest.
  // A full read always assembles (it heals a sweep that died before this step); an incremental
  // one when it planned anything (queued now, or by a sweep that died before assembling), as the
  // tick it follows finished this step.
  if (mark.changedSince === undefined || result.planned > 0) result.queuedDigests = await deps.reminders.assembleDigests(school.id, today, now);
  await deps.reminders.finishSweep(school.id, today, mark);
  return result;
}

/** What `sweepPage` is given: the sweep's state and where this page starts. */
interface PageInput {
  deps: SweepDeps;
  school: School;
  calendar: SchoolCalendar;
  candidates: SweepCandidates;
  head: ReminderPerson | undefined;
  panel: HeadReviewer[] | undefined;
  now: Date;
  today: IsoDate;
  options: SweepOptions;
  changedSince: Date | undefined;
  after: string | undefined;
  pages: PagesPlanned;
  writing: InsertsInOrder<Reminder>;
  result: SweepResult;
}

/**
 * One page of the sweep: read and planned (`planPage`), then its reminders handed to the insert;
 * counts go into `result`. Returns where the next page starts, if any. Handing them over waits for
 * the previous page's insert, so the page is planned in a function that has returned by then:
 * while it waits, the page's obligations and people are no longer held, only its reminders.
 */
async function sweepPage(page: PageInput): Promise<string | undefined> {
  const { reminders, next } = await planPage(page);
  page.result.queuedReminders += await page.writing.next(reminders);
  return next;
}

/**
 * A page read after `after`, planned with the waiting groups it settles and its head's-reviewer
 * reach (whose e-mails are queued here): the reminders to insert and where the next page starts.
 */
async function planPage(page: PageInput): Promise<{ reminders: Reminder[]; next: string | undefined }> {
  const { deps, school, calendar, head, panel, now, today, options, pages, result } = page;
  const read = await deps.reminders.loadSweepPage(school.id, page.candidates, { after: page.after, limit: options.pageSize ?? SWEEP_PAGE_SIZE, changedSince: page.changedSince });
  const planned = planReminderPage({ school, calendar, obligations: read.obligations, people: read.people, head, now, catchUpSchoolDays: options.catchUpSchoolDays });
  const settled = pages.add(planned, read.obligations, read.next === undefined);
  let reminders = [...planned.reminders, ...settled.reminders];
  if (panel !== undefined && head !== undefined && deps.headReviewers !== undefined) {
    const { emailEnabled, queue } = deps.headReviewers;
    const obligations = new Map([...read.obligations, ...settled.obligations].map((o) => [o.id, o]));
    const reach = headReviewerReach({ school, head, reviewers: panel, obligations, reminders, emailEnabled, today });
    reminders = [...reminders, ...reach.chat];
    if (reach.email.length > 0) result.queuedEmails = (result.queuedEmails ?? 0) + (await queue.queue(reach.email, now));
  }
  result.planned += reminders.length;
  return { reminders, next: read.next };
}

/**
 * What the pages planned so far say about coming-up nudges (`WaitingGroup`): who is messaged today
 * on any page, and the groups still waiting. `add` takes a page's plan and returns the waiting
 * groups it settles (their recipient is now messaged, or this is the last page), with the
 * obligations they are about.
 */
class PagesPlanned {
  readonly #messaged = new Set<string>();
  #waiting: { group: WaitingGroup; obligation: ReminderObligation }[] = [];

  add(plan: ReminderPagePlan, obligations: readonly ReminderObligation[], last: boolean): { reminders: Reminder[]; obligations: ReminderObligation[] } {
    for (const id of plan.messagedToday) this.#messaged.add(id);
    // Looked up only for the page's waiting groups: no map of a page's thousands of obligations when none wait.
    const byId = plan.waiting.length === 0 ? undefined : new Map(obligations.map((o) => [o.id, o]));
    for (const group of plan.waiting) {
      const obligation = byId?.get(group.comingUp[0]!.obligationId);
      if (obligation !== undefined) this.#waiting.push({ group, obligation });
    }
    const ready = last ? this.#waiting : this.#waiting.filter((w) => this.#messaged.has(w.group.recipientId));
    this.#waiting = last ? [] : this.#waiting.filter((w) => !this.#messaged.has(w.group.recipientId));
    return { reminders: settleWaiting(ready.map((w) => w.group), this.#messaged), obligations: ready.map((w) => w.obligation) };
  }
}

/**
 * Page inserts one after another, each started without waiting for it: `next` waits for the
 * previous one (returning how many it queued) and starts the given one; `last` waits for the one
 * in flight. A failed insert is reported where it is waited for, never as an unhandled rejection.
 */
class InsertsInOrder<T> {
  readonly #insert: (rows: readonly T[]) => Promise<number>;
  #inFlight: Promise<{ ok: true; count: number } | { ok: false; error: unknown }> | undefined;

  constructor(insert: (rows: readonly T[]) => Promise<number>) {
    this.#insert = insert;
  }

  async next(rows: readonly T[]): Promise<number> {
    const done = await this.last();
    this.#inFlight = this.#insert(rows).then(
      (count) => ({ ok: true as const, count }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    return done;
  }

  async last(): Promise<number> {
    const outcome = await this.#inFlight;
    this.#inFlight = undefined;
    if (outcome === undefined) return 0;
    if (!outcome.ok) throw outcome.error;
    return outcome.count;
  }

  async settled(): Promise<void> {
    await this.#inFlight;
    this.#inFlight = undefined;
  }
}

/** The head's reviewers on `today`, when the sweep reaches them and the policy names any (001 does not). */
async function headPanel(deps: SweepDeps, school: School, head: { id: string } | undefined, today: IsoDate): Promise<HeadReviewer[] | undefined> {
  if (deps.headReviewers === undefined || head === undefined || school.policy.headReviewers === undefined) return undefined;
  const [facts] = await deps.headReviewers.facts.factsOf([head.id]);
  if (facts === undefined) return undefined;
  const panel = headReviewersOf(relationshipsOn(facts, today), school.policy, facts.headReviewerContacts ?? []);
  return panel.some((reviewer) => reviewer.kind !== 'body') ? panel : undefined;
}

/**
 * The sweep's candidate dates, remembered per process: they depend only on the cadence, the
 * calendar and the day, and working them out tries every due date of the year against the
 * cadence (hundreds of milliseconds of date arithmetic), which a tick every five minutes would
 * otherwise repeat all day. Keyed by what they are made from, so a changed policy or calendar
 * is a new key; a few days of schools are kept.
 */
const rememberedCandidates = new Map<string, SweepCandidates>();
const REMEMBERED_CANDIDATES = 256;

function candidatesOf(school: School, calendar: SchoolCalendar, today: IsoDate, dueSince: IsoDate, catchUpSchoolDays: number | undefined): SweepCandidates {
  const key = JSON.stringify([school.id, school.region, school.termDates, school.policy.calendar, school.policy.reminders, today, dueSince, catchUpSchoolDays ?? null]);
  const known = rememberedCandidates.get(key);
  if (known !== undefined) return known;
  const days = schoolDaysOf(calendar);
  const candidates = sweepCandidates(school.policy.reminders, days, today, catchUpStart(days, today, catchUpSchoolDays), dueSince);
  if (rememberedCandidates.size >= REMEMBERED_CANDIDATES) rememberedCandidates.delete(rememberedCandidates.keys().next().value!);
  rememberedCandidates.set(key, candidates);
  return candidates;
}

/** The dry run: the same plan, less what is already queued, grouped into the digests it would make. */
async function wouldSend(deps: SweepDeps, school: School, today: IsoDate, now: Date, options: SweepOptions): Promise<DigestDelivery[]> {
  const calendar = calendarOf(school);
  const candidates = candidatesOf(school, calendar, today, addCalendarDays(today, -OVERDUE_HORIZON_DAYS), options.catchUpSchoolDays);
  const head = await deps.reminders.loadHead(school.id);
  const byRecipient = new Map<string, Reminder[]>();
  const recipients = new Map<string, DigestRecipient>();
  const pages = new PagesPlanned();
  let after: string | undefined;
  do {
    const page = await deps.reminders.loadSweepPage(school.id, candidates, { after, limit: options.pageSize ?? SWEEP_PAGE_SIZE });
    const plan = planReminderPage({ school, calendar, obligations: page.obligations, people: page.people, head, now, catchUpSchoolDays: options.catchUpSchoolDays });
    const planned = [...plan.reminders, ...pages.add(plan, page.obligations, page.next === undefined).reminders].sort(byRecipientThenKey);
    const queued = await deps.reminders.queuedKeys(planned.map((reminder) => reminder.key));
    for (const person of [...page.people, ...(head === undefined ? [] : [head])]) recipients.set(person.id, { id: person.id, email: person.email, fullName: person.fullName });
    for (const reminder of planned) {
      if (queued.has(reminder.key)) continue;
      byRecipient.set(reminder.recipientId, [...(byRecipient.get(reminder.recipientId) ?? []), reminder]);
    }
    after = page.next;
  } while (after !== undefined);
  return [...byRecipient].map(([recipientId, reminders]) => ({
    key: `digest:${recipientId}:${today}`,
    recipient: recipients.get(recipientId) ?? { id: recipientId, email: recipientId, fullName: recipientId },
    message: composeDigest(recipientId, today, reminders, holidayLookupOf(calendar)),
  }));
}

/**
 * 002 §17: once an appeal meeting is marked held, the appeal manager has N working days to
 * confirm the outcome in writing. The sweep notices held meetings and adds that deadline, so it
 * works however the meeting was marked (a `done:` button, a dialog, an administrator).
 */
async function createFollowUps(deps: SweepDeps, school: School, calendar: SchoolCalendar, today: IsoDate): Promise<number> {
  const appeals = school.policy.appeals;
  if (appeals === undefined) return 0;
  const held = await deps.reminders.heldMeetingsWithoutOutcome(school.id, addCalendarDays(today, -OVERDUE_HORIZON_DAYS));
  if (held.length === 0) return 0;
  return deps.reminders.saveDeadlines(held.map((meeting) => appealOutcomeDeadline({ meeting, heldOn: meeting.heldOn, appeals, calendar })));
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
