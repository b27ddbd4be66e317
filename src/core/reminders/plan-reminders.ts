import { addCalendarDays, compareDates, dayOfWeek, type IsoDate } from '../calendar/iso-date.ts';
import type { SchoolCalendar } from '../calendar/school-calendar.ts';
import type { Policy } from '../policy/policy-schema.ts';
import { isAdjustableKind } from '../obligations/obligation-kinds.ts';
import { ruleIdOfKey } from '../timeline/plan-obligations.ts';
import { type Chase, chaseOf, type Reminder, type ReminderAudience, type ReminderObligation, type ReminderPerson, type ReminderPoint, reminderKey } from './reminder-types.ts';
import { type SchoolDays, schoolDaysOf } from './school-days.ts';
import { sendingMoment } from './sending-window.ts';

export interface PlanRemindersInput {
  school: { policy: Pick<Policy, 'reminders' | 'obligations' | 'headReviewers'> };
  calendar: SchoolCalendar;
  obligations: readonly ReminderObligation[];
  people: readonly ReminderPerson[];
  /**
   * The school's head, for escalations. A sweep that loads people page by page passes it, as the
   * head need not own or be owed anything on the page; otherwise it is looked for in `people`.
   */
  head?: ReminderPerson | undefined;
  now: Date;
  /**
   * How many school days back a point that was never queued (the server was down all of that
   * day's window) is still sent. Points already queued are not sent again: the outbox key says so.
   */
  catchUpSchoolDays?: number;
}

/** The default catch-up: a missed day's reminders go out on the next school day or the one after. */
export const DEFAULT_CATCH_UP_SCHOOL_DAYS = 2;

interface CadencePoint {
  point: ReminderPoint;
  audience: ReminderAudience;
  scheduledOn: IsoDate;
  /** The school day on or after scheduledOn: a point on a weekend, bank holiday, holiday or closure is held, never dropped. */
  heldTo: IsoDate;
  /**
   * A "coming up" nudge (due in N) may go out early, from this school day on, in a digest the
   * owner gets anyway (see `bringForwardFrom`); absent when it may not.
   */
  earliestWith?: IsoDate | undefined;
}

/**
 * The reminders due at `now` under the school's cadence (`policy.reminders`). Pure: the same
 * obligations, people and moment always give the same reminders with the same keys, so a sweep
 * that runs twice queues each one once.
 *
 * - Nothing outside a school day's sending window (London time).
 * - Each open obligation's points: opened, N school days before due, due day, every K school days
 *   overdue, escalated to the reviewer after X school days overdue and to the head after Y.
 * - A point on a non-school day is held to the next school day; a snoozed obligation's points wait
 *   until `snoozedUntil`, unless its kind cannot be muted.
 * - Optional obligations (a UPR application, 004 §8.2) get only the opened and due-soon points:
 *   nobody is chased for something they may choose not to do.
 * - An obligation whose rule lets it pass when overdue (`whenOverdue: let-pass`, e.g. 003 §10.1's
 *   "desirable, though not essential" check-ins) is reminded up to and on its due day, and never
 *   chased or escalated afterwards.
 * - Nothing that looks ahead to a deadline (due soon, due today) is sent once the deadline has
 *   passed, whether its day was held past a closed due day or caught up after an outage.
 * - A "due in N" nudge that would go out on the school day before (or the same day as) the item's
 *   due-day nudge is folded into it when an earlier "due in N" was kept: "due tomorrow" then "due
 *   today" is one message, not two (items chased after their due day only).
 * - Escalations to a reviewer or the head go out on the weekly chase day on or after the day the
 *   cadence puts them, with that person's own chases: a manager hears of their team once a week.
 * - A look-ahead nudge (opened, due in N school days) is not sent when the same item was nudged
 *   within the last `nudgeGapSchoolDays` school days: nobody hears about one item on consecutive
 *   days unless it became due or overdue, which is always said.
 * - A "coming up" nudge (due in N school days) due to go out within the next
 *   `nudgeGapSchoolDays` school days goes out today instead when its owner gets a digest
 *   today anyway, so items falling due close together are announced in one message, not on
 *   consecutive days. Only ever earlier, never before the item opens and never sooner than
 *   `nudgeGapSchoolDays` after the item's previous nudge; a point already sent is not sent again
 *   (the outbox key), so the later day stays quiet.
 * - When points of one obligation for one recipient pile up (after a snooze or an outage), the
 *   latest day's points are sent and older unsent ones are superseded: one current state, not a
 *   backlog of stale nudges.
 */
export function planReminders(input: PlanRemindersInput): Reminder[] {
  const page = planReminderPage(input);
  return [...page.reminders, ...settleWaiting(page.waiting, page.messagedToday)].sort(byRecipientThenKey);
}

/**
 * A coming-up nudge's group (its recipient's reminders about one obligation) waiting to learn
 * whether the recipient gets a digest today: only then does the nudge join it (see
 * `bringForwardFrom`), and only then does it replace the group's older reminders.
 */
export interface WaitingGroup {
  recipientId: string;
  regular: Reminder[];
  comingUp: Reminder[];
}

/**
 * The plan of one page of obligations: the reminders it decides alone, the groups waiting on
 * whether their recipient is messaged today (a sweep reads obligations a page at a time, and a
 * recipient's message today may come from another page), and who this page messages today.
 * `planReminders` is this over all the obligations at once.
 */
export interface ReminderPagePlan {
  reminders: Reminder[];
  waiting: WaitingGroup[];
  messagedToday: ReadonlySet<string>;
}

/** The waiting groups' reminders once it is known who is messaged today: each group's latest. */
export function settleWaiting(waiting: readonly WaitingGroup[], messagedToday: ReadonlySet<string>): Reminder[] {
  return waiting.flatMap((group) => latestOf(messagedToday.has(group.recipientId) ? [...group.regular, ...group.comingUp] : group.regular));
}

/** A group's reminders sent on its latest day: an older catch-up one is dropped when a newer one goes. */
function latestOf(list: readonly Reminder[]): Reminder[] {
  if (list.length === 0) return [];
  const latest = list.reduce((max, r) => (compareDates(r.sendOn, max) > 0 ? r.sendOn : max), list[0]!.sendOn);
  return list.filter((reminder) => reminder.sendOn === latest);
}

/** The order `planReminders` answers in: by recipient, then key. */
export function byRecipientThenKey(a: Reminder, b: Reminder): number {
  return a.recipientId.localeCompare(b.recipientId) || a.key.localeCompare(b.key);
}

export function planReminderPage(input: PlanRemindersInput): ReminderPagePlan {
  const { calendar, now } = input;
  const cadence = input.school.policy.reminders;
  const moment = sendingMoment(input.school.policy, calendar, now);
  if (!moment.ok) return { reminders: [], waiting: [], messagedToday: new Set() };
  const today = moment.today;
  const days = schoolDaysOf(calendar);
  const earliest = catchUpStart(days, today, input.catchUpSchoolDays);
  const people = new Map(input.people.map((person) => [person.id, person]));
  const head = input.head ?? input.people.find((person) => person.active && person.role === 'headteacher');
  const held = (date: IsoDate) => days.onOrAfter(date);
  const namesHeadReviewers = input.school.policy.headReviewers !== undefined;
  const letPass = new Set(input.school.policy.obligations.filter((rule) => rule.whenOverdue === 'let-pass').map((rule) => rule.id));
  const schedules = new Map<string, CadencePoint[]>();

  const scheduleOf = (obligation: ReminderObligation): CadencePoint[] => {
    // Most obligations share their dates with many others (one timeline per role), so the
    // cadence is worked out once per distinct (opens, due, optional) and reused.
    const chase = chaseFor(obligation, letPass);
    const id = `${obligation.opensOn}|${obligation.dueOn}|${chase}`;
    let points = schedules.get(id);
    if (points === undefined) {
      const held = cadencePoints({ ...obligation, chase }, cadence, days, today).map((p) => ({ ...p, heldTo: holdPoint(p.scheduledOn, obligation, chase, days) }));
      const gap = nudgeGapSchoolDays(cadence);
      points = bringForwardFrom(chase === 'after-due' ? foldIntoDueDay(spaceLookAheadNudges(held, gap, days), obligation.dueOn, days) : spaceLookAheadNudges(held, gap, days), obligation.opensOn, gap, days);
      schedules.set(id, points);
    }
    return points;
  };

  const byRecipientAndObligation = new Map<string, Reminder[]>();
  const add = (reminder: Reminder) => {
    const group = `${reminder.recipientId}|${reminder.obligationId}`;
    const list = byRecipientAndObligation.get(group);
    if (list === undefined) byRecipientAndObligation.set(group, [reminder]);
    else list.push(reminder);
  };
  // Coming-up nudges that may join a digest their owner gets today (sent only if one is).
  const comingUp: Reminder[] = [];
  const messagedToday = new Set<string>();
  for (const obligation of input.obligations) {
    if (obligation.status !== 'open' && obligation.status !== 'snoozed') continue;
    const person = people.get(obligation.personId);
    const ownerId = ownerToRemind(obligation, person?.role === 'headteacher' && namesHeadReviewers);
    if (ownerId === undefined) continue;
    const owner = people.get(ownerId);
    if (person === undefined || !person.active || owner === undefined || !owner.active) continue;
    const mutable = isAdjustableKind(obligation.kind);
    // A snooze without a date would silence an obligation for ever, so it is read as no snooze.
    const snoozedUntil = obligation.status === 'snoozed' && mutable ? obligation.snoozedUntil : undefined;
    const wakesOn = snoozedUntil === undefined ? undefined : held(snoozedUntil);
    const manager = escalationManager(person, owner);
    for (const point of scheduleOf(obligation)) {
      const sendOn = wakesOn !== undefined && compareDates(point.heldTo, wakesOn) < 0 ? wakesOn : point.heldTo;
      const early = obligation.status === 'open' && point.earliestWith !== undefined && compareDates(point.earliestWith, today) <= 0 && compareDates(today, sendOn) < 0;
      if (early) {
        comingUp.push(reminderOf(obligation, point, owner.id, person, mutable, today));
        continue;
      }
      if (compareDates(sendOn, earliest) < 0 || compareDates(sendOn, today) > 0) continue;
      if (looksAhead(point.point) && compareDates(today, obligation.dueOn) > 0) continue;
      const recipientId = point.audience === 'owner' ? owner.id : point.audience === 'reviewer' ? manager : head?.id;
      if (recipientId === undefined || (point.audience !== 'owner' && recipientId === owner.id)) continue;
      if (point.audience === 'head' && recipientId === manager) continue;
      add(reminderOf(obligation, point, recipientId, person, mutable, sendOn));
      // A nudge that may have gone out early already (then the outbox holds it) does not make a digest today.
      if (sendOn === today && point.earliestWith === undefined) messagedToday.add(recipientId);
    }
  }
  // A coming-up nudge whose recipient this page messages today joins at once; the others wait,
  // with their group, for the pages still to come (the whole plan, for `planReminders`).
  const waitingFor = new Map<string, WaitingGroup>();
  for (const reminder of comingUp) {
    const group = `${reminder.recipientId}|${reminder.obligationId}`;
    if (messagedToday.has(reminder.recipientId)) {
      add(reminder);
      continue;
    }
    const waiting = waitingFor.get(group) ?? { recipientId: reminder.recipientId, regular: byRecipientAndObligation.get(group) ?? [], comingUp: [] };
    waiting.comingUp.push(reminder);
    waitingFor.set(group, waiting);
  }

  const reminders: Reminder[] = [];
  for (const [group, list] of byRecipientAndObligation) if (!waitingFor.has(group)) reminders.push(...latestOf(list));
  // Unsorted: a sweep's page goes to an insert that orders its keys itself, and a locale-aware
  // sort of 20,000 keys costs hundreds of milliseconds; `planReminders` sorts its answer.
  return { reminders, waiting: [...waitingFor.values()], messagedToday };
}

/** One object a reminder, made once (a copy with its send date added was one more object for each of a page's 20,000). */
function reminderOf(obligation: ReminderObligation, point: CadencePoint, recipientId: string, person: ReminderPerson, mutable: boolean, sendOn: IsoDate): Reminder {
  return {
    key: reminderKey(obligation.key, point.point, recipientId),
    recipientId,
    obligationId: obligation.id,
    obligationKey: obligation.key,
    point: point.point,
    audience: point.audience,
    scheduledOn: point.scheduledOn,
    kind: obligation.kind,
    label: obligation.label,
    dueOn: obligation.dueOn,
    rule: obligation.rule,
    about: { personId: person.id, fullName: person.fullName },
    mutable,
    sendOn,
  };
}

/**
 * Marks each owner's "due in N" point with the first school day it may go out early on
 * (`earliestWith`): at most `gap` school days before its own day, not before the item
 * opens, and not sooner than `gap` school days after the item's previous nudge to its owner, so
 * bringing it forward never makes a repeat on consecutive days. Only ever earlier: nothing waits.
 */
export function bringForwardFrom<P extends { point: ReminderPoint; audience: ReminderAudience; heldTo: IsoDate }>(points: readonly P[], opensOn: IsoDate, gap: number, days: SchoolDays): (P & { earliestWith?: IsoDate | undefined })[] {
  const order = [...points].sort((a, b) => compareDates(a.heldTo, b.heldTo));
  const from = new Map<P, IsoDate>();
  let last: IsoDate | undefined;
  for (const point of order) {
    if (point.audience !== 'owner') continue;
    if (point.point.startsWith('due-in-')) {
      const floors = [days.add(point.heldTo, -gap), days.onOrAfter(opensOn), ...(last === undefined ? [] : [days.add(last, 2)])];
      const earliest = floors.reduce((max, date) => (compareDates(date, max) > 0 ? date : max));
      if (compareDates(earliest, point.heldTo) < 0) from.set(point, earliest);
    }
    last = point.heldTo;
  }
  return points.map((point) => (from.has(point) ? { ...point, earliestWith: from.get(point) } : point));
}

/**
 * Drops an owner's "due in N" point that would go out on the school day before the item's due-day
 * point, or on the same day, when the owner has already had an earlier "due in N" nudge about it:
 * the next day's "due today" says it, so a person hears "due tomorrow" then "due today" as one
 * message. Only for items chased after their due day (the planner applies it to those alone: a
 * lapsing right such as 002 §16's appeal window, an optional item or one the policy lets pass keeps
 * its "due in 1", since after the day nothing follows) and only when the due-day point goes out by
 * the deadline (a due day in a holiday would hold "due today" past it, and then it is not sent). The earlier nudge stays, so no item reaches its due day
 * without a warning ahead of it. Applied to the points that survive `spaceLookAheadNudges`.
 */
export function foldIntoDueDay<P extends { point: ReminderPoint; audience: ReminderAudience; heldTo: IsoDate }>(points: readonly P[], dueOn: IsoDate, days: SchoolDays): P[] {
  const dueDay = points.find((point) => point.point === 'due-today' && point.audience === 'owner');
  if (dueDay === undefined || compareDates(dueDay.heldTo, dueOn) > 0) return [...points];
  const dayBefore = days.add(dueDay.heldTo, -1);
  const comingUp = (point: P) => point.audience === 'owner' && point.point.startsWith('due-in-');
  const late = (point: P) => comingUp(point) && compareDates(point.heldTo, dayBefore) >= 0 && compareDates(point.heldTo, dueDay.heldTo) <= 0;
  if (!points.some((point) => comingUp(point) && compareDates(point.heldTo, dayBefore) < 0)) return [...points];
  return points.filter((point) => !late(point));
}

/**
 * The fewest school days between two look-ahead nudges about one item: the smallest gap the
 * policy's own cadence puts between its look-ahead points (5 and 1 school days before due: 4),
 * never more than its overdue interval (a thing not yet due is not nudged more often than a late
 * one is chased) and never less than 2 (so never on consecutive school days).
 */
export function nudgeGapSchoolDays(cadence: Pick<Policy['reminders'], 'schoolDaysBefore' | 'overdueEverySchoolDays'>): number {
  const before = [...new Set(cadence.schoolDaysBefore)].sort((a, b) => b - a);
  let gap = cadence.overdueEverySchoolDays;
  for (let i = 1; i < before.length; i++) gap = Math.min(gap, before[i - 1]! - before[i]!);
  return Math.max(2, gap);
}

/**
 * Drops a look-ahead point (opened, due in N) that would go out fewer than `gap` school days after
 * the previous nudge of the same item kept for its owner; due-day, overdue and escalation points
 * always stay, since each says something new.
 */
export function spaceLookAheadNudges<P extends { point: ReminderPoint; audience: ReminderAudience; heldTo: IsoDate }>(points: readonly P[], gap: number, days: SchoolDays): P[] {
  const order = points.map((point, index) => ({ point, index })).sort((a, b) => compareDates(a.point.heldTo, b.point.heldTo) || a.index - b.index);
  const keep = new Set<P>();
  let last: IsoDate | undefined;
  for (const { point } of order) {
    if (point.audience !== 'owner') {
      keep.add(point);
      continue;
    }
    // Points on the same day as the last kept one go with it: the digest shows the most pressing.
    const soon = last !== undefined && compareDates(point.heldTo, last) > 0 && compareDates(point.heldTo, days.add(last, gap)) < 0;
    if (soon && (point.point === 'opened' || point.point.startsWith('due-in-'))) continue;
    keep.add(point);
    last = point.heldTo;
  }
  return points.filter((point) => keep.has(point));
}

/** A point that speaks of the deadline as still to come: "due in 5 school days", "due today". */
function looksAhead(point: ReminderPoint): boolean {
  return point === 'due-today' || point.startsWith('due-in-');
}

/** How far the cadence follows an obligation: its kind's chase, stopped at the due day when its rule lets it pass. */
function chaseFor(obligation: ReminderObligation, letPass: ReadonlySet<string>): Chase {
  const chase = chaseOf(obligation);
  // The key is split only when a let-pass rule could apply (a split for every obligation of a page was 9 MB of a 20,000-staff sweep's garbage).
  if (chase !== 'after-due' || letPass.size === 0) return chase;
  const ruleId = ruleIdOfKey(obligation.key);
  return ruleId !== undefined && letPass.has(ruleId) ? 'until-due' : chase;
}

/**
 * The school day a point goes out on: the next one, so nothing is dropped; but a lapsing right's
 * point that would then land after its last day (an appeal window ending in half term) goes on
 * the school day before instead, as a reminder after the window has closed would be no use.
 */
export function holdPoint(scheduledOn: IsoDate, window: Pick<ReminderObligation, 'opensOn' | 'dueOn'>, chase: Chase, days: SchoolDays): IsoDate {
  const next = days.onOrAfter(scheduledOn);
  if (chase !== 'until-due' || compareDates(next, window.dueOn) <= 0) return next;
  const before = days.onOrBefore(scheduledOn);
  // A window wholly inside a holiday has no school day in it: then late beats before it opened.
  return compareDates(before, window.opensOn) >= 0 ? before : next;
}

/** The first school day whose points a sweep today still sends (see `catchUpSchoolDays`). */
export function catchUpStart(days: SchoolDays, today: IsoDate, catchUpSchoolDays: number | undefined): IsoDate {
  return days.add(today, -(catchUpSchoolDays ?? DEFAULT_CATCH_UP_SCHOOL_DAYS));
}

/**
 * Every point of one obligation's cadence up to `today`, on the day the cadence puts it (before
 * holding). Overdue points stop at today, so an old overdue item costs a bounded loop.
 * `chase` says how far: optional things stop before the due day, a lapsing right (the appeal
 * window) at the due day, everything else goes on to overdue points and escalation.
 */
export function cadencePoints(
  obligation: Pick<ReminderObligation, 'opensOn' | 'dueOn'> & { chase: Chase },
  cadence: Policy['reminders'],
  schoolDays: SchoolDays,
  today: IsoDate,
): Omit<CadencePoint, 'heldTo'>[] {
  const { opensOn, dueOn } = obligation;
  const points: Omit<CadencePoint, 'heldTo'>[] = [];
  if (cadence.whenOpens) points.push({ point: 'opened', audience: 'owner', scheduledOn: opensOn });
  for (const before of cadence.schoolDaysBefore) {
    const on = schoolDays.add(dueOn, -before);
    // A due-soon point before the obligation opens would remind of something not yet asked for.
    if (compareDates(on, opensOn) >= 0) points.push({ point: `due-in-${before}`, audience: 'owner', scheduledOn: on });
  }
  if (obligation.chase === 'before-due') return points;
  if (cadence.onDueDay) points.push({ point: 'due-today', audience: 'owner', scheduledOn: dueOn });
  if (obligation.chase === 'until-due') return points;
  const every = cadence.overdueEverySchoolDays;
  for (let overdue = every, on = schoolDays.add(dueOn, every); compareDates(on, today) <= 0; overdue += every, on = schoolDays.add(on, every)) {
    // The first chase says it has become overdue, on its day; later ones wait for the weekly chase day.
    points.push({ point: `overdue-${overdue}`, audience: 'owner', scheduledOn: overdue === every ? on : weeklyChaseDay(on) });
  }
  // 0 turns an escalation off: "after 0 school days" would tell the manager before the owner had a chance.
  if (cadence.escalateToReviewerAfterSchoolDays > 0) {
    points.push({ point: 'escalated-reviewer', audience: 'reviewer', scheduledOn: weeklyChaseDay(schoolDays.add(dueOn, cadence.escalateToReviewerAfterSchoolDays)) });
  }
  if (cadence.escalateToHeadAfterSchoolDays > 0) {
    points.push({ point: 'escalated-head', audience: 'head', scheduledOn: weeklyChaseDay(schoolDays.add(dueOn, cadence.escalateToHeadAfterSchoolDays)) });
  }
  return points;
}

/** Monday: the one day of the week repeat chases of overdue items go out. */
export const CHASE_WEEKDAY = 1;

/**
 * The chase day on or after `date`. Repeat chases of overdue items all fall on it (held to the next
 * school day when it is not one), so someone with two late items hears of both in one message a
 * week rather than one message each on different days. It is never before `date`, so chases of one
 * item stay at least the cadence's overdue interval apart.
 */
export function weeklyChaseDay(date: IsoDate): IsoDate {
  return addCalendarDays(date, (CHASE_WEEKDAY - dayOfWeek(date) + 7) % 7);
}

/**
 * Who is reminded of an obligation: its owner; but governors are not on the roster, so what they
 * owe with the head (the head's planning by 31 December and review, 002 §22, §31) is the head's
 * to be reminded of, as the person who takes part. Likewise a head with no one over them on the
 * roster, under a policy that names the head's own reviewers (003 §6.3: the CEO and the Chair of
 * the LGB; 004 §9.1: an external adviser): what their reviewer or coach owes with them is the
 * head's to be reminded of. The reviewers hear of it too (`headReviewerReach`).
 */
export function ownerToRemind(obligation: Pick<ReminderObligation, 'ownerPersonId' | 'ownerRole' | 'personId'>, headWithNamedReviewers = false): string | undefined {
  if (obligation.ownerPersonId !== undefined) return obligation.ownerPersonId;
  if (obligation.ownerRole === 'governors') return obligation.personId;
  return headWithNamedReviewers && (obligation.ownerRole === 'reviewer' || obligation.ownerRole === 'coach') ? obligation.personId : undefined;
}

/**
 * Whom an overdue obligation is escalated to first: the reviewee's reviewer when the reviewee
 * owes it (as `relationshipsOn` decides, see `reminderPersonOf`: usually the line manager, 004 §3.9;
 * the coach under 003 §6.1), otherwise the owner's own line manager.
 */
function escalationManager(person: ReminderPerson, owner: ReminderPerson): string | undefined {
  if (owner.id === person.id) return person.reviewerId;
  return owner.lineManagerId;
}
