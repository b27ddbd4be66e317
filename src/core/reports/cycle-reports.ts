import type { AccessGuard } from '../access/access-guard.ts';
import type { AccessLogStore } from '../access/access-ports.ts';
import type { BotReports, HomeDeadline, HomeView, KnownPerson } from '../bot/bot-ports.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { ALL_DIALOGS } from '../conversations/dialogs/all-dialogs.ts';
import { exclusionInWords } from '../conversations/dialogs/dialog-helpers.ts';
import { type OutgoingMessage, type SummaryItem, say } from '../conversations/engine/outgoing-message.ts';
import { academicYearOf } from '../time/clock.ts';
import { overdueReport, summaryReport } from './leader-reports.ts';
import { dialogForObligation } from '../obligations/obligation-kinds.ts';
import { dueText, plural, readableDate } from './readable-date.ts';
import type { PersonCycleView, ReportObligation, ReportReads } from './report-ports.ts';
import { canBeOverdue, isPending, stageOf } from './stages.ts';
import { seenByLines } from './who-has-seen.ts';

/** How many deadlines `status` lists; the home panel shows a few more. */
const STATUS_DEADLINES = 6;
const HOME_DEADLINES = 10;
const HOME_ACTIONS = 5;
/** How many lines of the access log App Home shows; `who-has-seen` shows more. */
const HOME_SEEN = 5;
const WHO_HAS_SEEN = 30;

const DIALOG_TITLES = new Map(ALL_DIALOGS.map((dialog) => [dialog.id, dialog.title]));

/**
 * Status, App Home and leaders' summaries, over a storage port. A person sees their own cycle and
 * what they owe others; reviewees appear as counts and their next item, never their answers.
 */
export class CycleReports implements BotReports {
  readonly #reads: ReportReads;
  readonly #guard: AccessGuard;
  readonly #log: AccessLogStore;

  /** Every read of someone else's records goes through `guard` (the one access rule) and is logged. */
  constructor(reads: ReportReads, access: { guard: AccessGuard; log: AccessLogStore }) {
    this.#reads = reads;
    this.#guard = access.guard;
    this.#log = access.log;
  }

  /** What the person owes in others' cycles, kept to the people the access rule lets them see (and logged). */
  async #owedForOthers(person: KnownPerson, year: number, now: Date): Promise<ReportObligation[]> {
    const owed = await this.#reads.owedForOthers(person.id, year);
    if (owed.length === 0) return owed;
    const readable = await this.#guard.readable(person.id, [...new Set(owed.map((o) => o.personId))], 'obligations', now);
    return owed.filter((o) => readable.has(o.personId));
  }

  async status(person: KnownPerson, now: Date): Promise<OutgoingMessage[]> {
    const today = londonDateOf(now);
    const year = academicYearOf(today);
    const [cycle, owed] = await Promise.all([this.#reads.cycleOf(person.id, year), this.#owedForOthers(person, year, now)]);
    const title = `Your ${yearLabel(year)} cycle`;
    if (cycle === undefined && owed.length === 0) return [say(`${title}: there is no cycle for you this year yet. If you think there should be, please ask your Trellis administrator.`)];
    const items: SummaryItem[] = [{ label: 'Stage', value: stageText(cycle, today) }];
    if (cycle?.plan !== undefined) items.push({ label: 'Growth plan', value: planText(cycle.plan) });
    const deadlines = deadlinesOf(person.id, cycle, owed, today);
    for (const deadline of deadlines.slice(0, STATUS_DEADLINES)) items.push({ label: deadlineLabel(deadline), value: deadlineValue(deadline, today) });
    if (deadlines.length > STATUS_DEADLINES) items.push({ label: 'And', value: `${plural(deadlines.length - STATUS_DEADLINES, 'more item')} later in the year` });
    if (deadlines.length === 0) items.push({ label: 'Next', value: 'Nothing is waiting for you right now.' });
    return [{ type: 'summary', title, items }];
  }

  /**
   * `why`: messages speak of dates and things to do, never of paragraph numbers; asked, this names
   * the policy paragraph and the rule behind the person's next item (the digest's first item).
   */
  async why(person: KnownPerson, now: Date): Promise<OutgoingMessage[]> {
    const today = londonDateOf(now);
    const year = academicYearOf(today);
    const [cycle, owed] = await Promise.all([this.#reads.cycleOf(person.id, year), this.#owedForOthers(person, year, now)]);
    const next = deadlinesOf(person.id, cycle, owed, today)[0];
    // Someone the policy leaves outside the cycle is told why, with the paragraph (004 §2.1, 002 introduction, 003 §4.2).
    const outside = cycle?.status === 'excluded' ? [say(`You’re not in this year’s growth cycle. Why: ${cycle.exclusionReason ?? 'your school’s growth policy does not cover you this year'}.`)] : [];
    if (next === undefined) return [...outside, say('Nothing is waiting for you right now, so there is nothing to explain. Say `status` to see your cycle.')];
    return [...outside, say(whyText(next, today))];
  }

  async home(person: KnownPerson, now: Date): Promise<HomeView> {
    const today = londonDateOf(now);
    const year = academicYearOf(today);
    const glanceable = await this.#guard.readableReviewees(person.id, 'obligations', now);
    const [cycle, owed, reviewees, inProgress, seen] = await Promise.all([
      this.#reads.cycleOf(person.id, year),
      this.#owedForOthers(person, year, now),
      this.#reads.reviewees(glanceable, year, today),
      this.#reads.dialogsInProgress(person.id),
      this.#log.seenBy(person.id, HOME_SEEN),
    ]);
    const deadlines = deadlinesOf(person.id, cycle, owed, today);
    return {
      person: { id: person.id, fullName: person.fullName, role: person.role },
      academicYear: year,
      stage: stageText(cycle, today),
      // In plain words: the paragraph the stored reason ends with is for `why`.
      exclusion: cycle?.status === 'excluded' ? exclusionInWords(cycle.exclusionReason ?? 'Not covered by the policy this year', today) : undefined,
      deadlines: deadlines.slice(0, HOME_DEADLINES),
      plan: cycle?.plan,
      reviewees: reviewees.map((r) => ({
        id: r.id,
        fullName: r.fullName,
        open: r.open,
        overdue: r.overdue,
        next: r.next === undefined ? undefined : `${r.next.label} — ${dueText(r.next.dueOn, today)}`,
      })),
      actions: actionsFor(deadlines),
      inProgress: inProgress.map((d) => ({ dialogId: d.dialogId, title: DIALOG_TITLES.get(d.dialogId) ?? d.dialogId, platform: d.platform, threadKey: d.threadKey, status: d.status })),
      seenBy: seenByLines(seen, today),
    };
  }

  /** `who-has-seen`: the person's own access log, in plain words (002 §18). */
  async whoHasSeen(person: KnownPerson, now: Date): Promise<OutgoingMessage[]> {
    const seen = await this.#log.seenBy(person.id, WHO_HAS_SEEN);
    const lines = seenByLines(seen, londonDateOf(now));
    const title = 'Who has seen my records';
    if (lines.length === 0) return [say(`${title}: nobody but you has looked at your records. If anyone does — your reviewer, your head — it will show here.`)];
    return [{ type: 'summary', title, items: lines.map((line) => ({ label: line.when, value: line.text })) }, say(WHO_HAS_SEEN_NOTE)];
  }

  summary(person: KnownPerson, department: string | undefined, now: Date): Promise<OutgoingMessage[]> {
    return summaryReport(this.#reads, person, department, londonDateOf(now));
  }

  overdue(person: KnownPerson, department: string | undefined, now: Date, page = 1): Promise<OutgoingMessage[]> {
    return overdueReport(this.#reads, this.#guard, person, department, now, page);
  }
}

/** Under `who-has-seen`, in plain words; the rule that lets each reader (002 §18) is in `help` and the access log. */
const WHO_HAS_SEEN_NOTE =
  'Everyone other than you who reads your records — your plan, reflection, check-ins, observations, reviews, appeal, or what is due in your cycle — is recorded here, with the reason they were allowed to. The same reader on the same day is listed once.';

export function yearLabel(year: number): string {
  return `${year}/${String((year + 1) % 100).padStart(2, '0')}`;
}

function stageText(cycle: PersonCycleView | undefined, today: string): string {
  if (cycle === undefined) return 'No cycle this year';
  if (cycle.status === 'excluded') return 'Not in this year’s cycle';
  if (cycle.status === 'closed') return 'Cycle closed';
  return stageOf(cycle.obligations, today);
}

function planText(plan: { status: string; goals: string[] }): string {
  const goals = plan.goals.length === 0 ? 'no goals yet' : plural(plan.goals.length, 'goal');
  return `${plan.status.replace(/-/g, ' ')}, ${goals}${plan.goals.length > 0 ? `: ${plan.goals.join('; ')}` : ''}`;
}

/**
 * What is waiting: open items of the person's own cycle (whoever owes them, so a teacher sees
 * the check-in their reviewer is to hold) and what they owe in others' cycles, soonest first.
 */
function deadlinesOf(personId: string, cycle: PersonCycleView | undefined, owed: readonly ReportObligation[], today: string): HomeDeadline[] {
  const own = (cycle?.obligations ?? []).filter(isPending);
  return [...own, ...owed]
    // A lapsed right (an unused appeal window) is no longer anything to do.
    .filter((o) => canBeOverdue(o) || o.optional || o.dueOn >= today)
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.key.localeCompare(b.key))
    .map((o) => ({
      obligationKey: o.key,
      kind: o.kind,
      label: o.label,
      dueOn: o.dueOn,
      dueText: dueText(o.dueOn, today),
      overdue: canBeOverdue(o) && o.dueOn < today,
      optional: o.optional,
      snoozed: o.status === 'snoozed',
      rule: o.rule,
      yours: o.ownerPersonId === personId || (o.ownerRole === 'reviewee' && o.personId === personId),
      about: o.personId === personId ? undefined : { personId: o.personId, fullName: o.personName },
    }));
}

/** "Your next item is “Self-reflection”, due Thu 15 Oct. It comes from your school’s growth policy, paragraph 004 §4.2 …" */
export function whyText(deadline: Pick<HomeDeadline, 'label' | 'dueOn' | 'rule' | 'about' | 'overdue'>, today: string): string {
  const whose = deadline.about === undefined ? '' : ` for ${deadline.about.fullName}`;
  const when = deadline.overdue ? dueText(deadline.dueOn, today) : `due ${readableDate(deadline.dueOn, today)}`;
  const rule = deadline.rule === '' ? 'your school’s growth policy' : `${deadline.rule} of your school’s growth policy`;
  return `Your next item is “${deadline.label}”${whose}, ${when}. Why: ${rule}, the rule “${deadline.label}”. If it doesn’t seem right for you, talk to your reviewer, or press Not applicable on its reminder and say why.`;
}

function deadlineLabel(deadline: HomeDeadline): string {
  return deadline.about === undefined ? deadline.label : `${deadline.label} (${deadline.about.fullName})`;
}

function deadlineValue(deadline: HomeDeadline, today: string): string {
  const due = deadline.overdue ? `OVERDUE — ${dueText(deadline.dueOn, today)}` : deadline.dueText ?? readableDate(deadline.dueOn, today);
  return `${due}${deadline.snoozed ? ' · snoozed' : ''}${deadline.optional ? ' · optional' : ''}`;
}

/** Buttons for what the person can start now: one per dialog, soonest item first. */
function actionsFor(deadlines: readonly HomeDeadline[]): { label: string; value: string }[] {
  const actions: { label: string; value: string }[] = [];
  for (const deadline of deadlines) {
    if (deadline.kind === undefined) continue;
    // Own-cycle items are offered whoever owes them: a check-in the reviewer arranges is still
    // recorded by the reviewee (004 §6.6).
    const asReviewee = deadline.about === undefined;
    const start = dialogForObligation(deadline.kind, asReviewee);
    if ('none' in start) continue;
    const value = start.aboutColleague ? `start:${deadline.obligationKey}` : start.word;
    if (actions.some((a) => a.value === value)) continue;
    const title = DIALOG_TITLES.get(start.dialogId) ?? deadline.label;
    actions.push({ label: start.aboutColleague && deadline.about ? `${title} — ${deadline.about.fullName}` : title, value });
    if (actions.length >= HOME_ACTIONS) break;
  }
  return actions;
}
