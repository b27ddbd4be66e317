import { addCalendarDays, assertIsoDate, type IsoDate, isIsoDate } from '../../core/calendar/iso-date.ts';
import { londonDateOf, londonInstant } from '../../core/calendar/london-time.ts';
import { readableDate } from '../../core/reports/readable-date.ts';
import { calendarOf, type School } from '../../core/schools/school.ts';
import type { Clock } from '../../core/time/clock.ts';
import { SimulatedClock } from '../../core/time/simulated-clock.ts';
import type { PrismaClient } from '../../storage/db/create-prisma-client.ts';
import type { PlaygroundState } from './playground-state.ts';
import { PlaygroundInputError } from './playground-turns.ts';

/** When no school says otherwise: the policies' default reminder window opens at 15:30, after lessons. */
const DEFAULT_WINDOW_START = '15:30';

export interface ClockView {
  date: IsoDate;
  instant: string;
  weekday: string;
}

export interface PlaygroundClockDeps {
  /** A SimulatedClock when the playground runs alone; the real clock next to Slack or Teams, which is never moved. */
  clock: Clock;
  state: PlaygroundState;
  prisma: PrismaClient;
  schools: { findSchool(slug: string): Promise<School | undefined> };
  /** The reminder sweep of every school, at the clock's new moment. */
  sweep: () => Promise<void>;
}

/**
 * The playground's clock controls. Each move persists the new moment and runs the reminder sweep,
 * so whatever the new day brings (a plan reminder, an overdue nudge) arrives straight away.
 */
export class PlaygroundClock {
  readonly #deps: PlaygroundClockDeps;

  constructor(deps: PlaygroundClockDeps) {
    this.#deps = deps;
  }

  view(): ClockView {
    const now = this.#deps.clock.now();
    const date = londonDateOf(now);
    return { date, instant: now.toISOString(), weekday: new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' }) };
  }

  async setDate(date: string, schoolSlugs: readonly string[]): Promise<{ clock: ClockView; note: string }> {
    this.#movable();
    if (!isIsoDate(date)) throw new PlaygroundInputError(`"${date}" is not a date; pick one from the calendar (YYYY-MM-DD).`);
    return this.#moveTo(date, await this.#schools(schoolSlugs), `Moved to ${readableDate(date, this.view().date)}.`);
  }

  async nextSchoolDay(schoolSlugs: readonly string[]): Promise<{ clock: ClockView; note: string }> {
    this.#movable();
    const schools = await this.#schools(schoolSlugs);
    const calendars = schools.map(calendarOf);
    let day = addCalendarDays(this.view().date, 1);
    for (let i = 0; i < 200 && !calendars.some((c) => c.isSchoolDay(day)); i++) day = addCalendarDays(day, 1);
    return this.#moveTo(day, schools, `Next school day: ${readableDate(day, this.view().date)}.`);
  }

  /** To the day the next open obligation of these schools falls due, so its "due today" nudge arrives. */
  async nextDeadline(schoolSlugs: readonly string[], schoolIds: readonly string[]): Promise<{ clock: ClockView; note: string }> {
    this.#movable();
    const today = this.view().date;
    const next = await this.#deps.prisma.obligation.findFirst({
      where: { status: 'open', dueOn: { gt: new Date(`${today}T00:00:00Z`) }, cycle: { schoolId: { in: [...schoolIds] } } },
      orderBy: { dueOn: 'asc' },
      select: { dueOn: true, label: true },
    });
    if (next === null) return { clock: this.view(), note: 'Nothing else is due this year.' };
    const date = assertIsoDate(next.dueOn.toISOString().slice(0, 10));
    return this.#moveTo(date, await this.#schools(schoolSlugs), `Next deadline: ${next.label}, due ${readableDate(date, today)}.`);
  }

  /** Lands at the opening of the schools' reminder window, so that day's nudges go out at once. */
  async #moveTo(date: IsoDate, schools: readonly School[], note: string): Promise<{ clock: ClockView; note: string }> {
    const instant = londonInstant(date, windowOpening(schools));
    this.#movable().set(instant);
    this.#deps.state.clockAt = instant;
    await this.#deps.state.save();
    await this.#deps.sweep();
    return { clock: this.view(), note };
  }

  /** The simulated clock to move; next to real channels the clock is the real one and a move is refused. */
  #movable(): SimulatedClock {
    const { clock } = this.#deps;
    if (clock instanceof SimulatedClock) return clock;
    throw new PlaygroundInputError('The clock can’t be moved here: Trellis is serving real Slack or Teams users on this server, and their reminders follow the real date.', 403);
  }

  async #schools(slugs: readonly string[]): Promise<School[]> {
    const schools = await Promise.all(slugs.map((slug) => this.#deps.schools.findSchool(slug)));
    return schools.filter((s): s is School => s !== undefined);
  }
}

/** The latest opening among the schools' windows (HH:MM sorts as text), so every school's is open. */
export function windowOpening(schools: readonly Pick<School, 'policy'>[]): string {
  return schools.map((s) => s.policy.reminders.window.start).reduce((a, b) => (b > a ? b : a), DEFAULT_WINDOW_START);
}
