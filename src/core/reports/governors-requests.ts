import type { AccessGuard } from '../access/access-guard.ts';
import { reportAudience } from '../access/report-audience.ts';
import type { KnownPerson } from '../bot/bot-ports.ts';
import type { IsoDate } from '../calendar/iso-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { academicYearLabel } from '../calendar/term-dates.ts';
import { type OutgoingMessage, say } from '../conversations/engine/outgoing-message.ts';
import type { School } from '../schools/school.ts';
import { academicYearOf, type Clock } from '../time/clock.ts';
import type { GovernorsReportReads, GovernorsSchools, PlanStatement } from './governors-ports.ts';
import { buildGovernorsReport, type GovernorsReport } from './governors-report.ts';
import { type GovernorsReportFiles, governorsReportFiles } from './governors-render.ts';
import { summaryTablesOf } from './published-counts.ts';
import type { ReportReads } from './report-ports.ts';

export interface GovernorsDeps {
  reads: GovernorsReportReads;
  schools: GovernorsSchools;
  people: Pick<ReportReads, 'storedPerson'>;
  guard: AccessGuard;
  clock: Clock;
  /** A number in [0, 1): which plans moderation samples. */
  random?: (() => number) | undefined;
}

/** Refusals in plain words; the paragraphs (002 §37, §18 the report, 002 §8 moderation) stay in `help` and in the report itself. */
export const GOVERNORS_REPORT_REFUSED = 'The governors’ report is for the head teacher and the deputy the head delegated performance management to; a trust leader gets each school’s. If you think you should have it, please ask your Trellis administrator.';
export const MODERATION_REFUSED = 'Moderating a sample of planning statements is for the head teacher.';

/** The default and the largest sample `moderate` draws. */
export const MODERATION_SAMPLE = { default: 5, max: 20 } as const;

/** One school's report and its files: what the CLI writes and the bot sends. */
export async function governorsReportOf(reads: GovernorsReportReads, school: School, academicYear: number, today: IsoDate): Promise<{ report: GovernorsReport; files: GovernorsReportFiles }> {
  // Of the current year, the report is of the same day as leaders' summary and is suppressed with it as one.
  const summary = academicYear === academicYearOf(today) ? summaryTablesOf(await reads.countsByDepartment(school.id, academicYear, today)).tables : undefined;
  const report = buildGovernorsReport(school, academicYear, await reads.figures(school.id, academicYear), today, summary);
  return { report, files: await governorsReportFiles(report, school.slug) };
}

/**
 * `report governors [year]` and `moderate [n]` in chat. Who gets the report is `reportAudience`'s
 * decision: the head and the PM deputy (names audience) get their school's; a trust leader gets
 * each of the trust's schools'; everyone else is refused. Moderation is the head's (002 §8), and
 * every plan in the sample is read through the access guard, so it is logged like any other read.
 */
export class GovernorsRequests {
  readonly #deps: GovernorsDeps;

  constructor(deps: GovernorsDeps) {
    this.#deps = deps;
  }

  /**
   * `report governors [year]` in a turn: a refusal, or a message naming the report to make for
   * them, which is made when the reply is sent (`report`), after the platform has its answer.
   */
  async request(person: Pick<KnownPerson, 'id' | 'schoolId'>, year: number | undefined, askedAt: Date): Promise<OutgoingMessage[]> {
    if ((await this.#audienceOf(person)) === undefined) return [say(GOVERNORS_REPORT_REFUSED)];
    return [{ type: 'text', text: 'The governors’ report could not be made just now: please ask again in a few minutes.', make: { kind: 'governors-report', personId: person.id, schoolId: person.schoolId, year, askedAt: askedAt.toISOString() } }];
  }

  /**
   * The report's files for each school the person gets it for, asked again when made (they may
   * have left or changed role), as of the day they were asked for (`askedAt`; today if not given).
   */
  async report(person: Pick<KnownPerson, 'id' | 'schoolId'>, year: number | undefined, askedAt?: Date): Promise<OutgoingMessage[]> {
    const { schools, reads, clock } = this.#deps;
    const audience = await this.#audienceOf(person);
    if (audience === undefined) return [say(GOVERNORS_REPORT_REFUSED)];
    const today = londonDateOf(askedAt ?? clock.now());
    const academicYear = year ?? academicYearOf(today);
    const slugs = audience.trustLeader ? await schools.trustSchoolSlugs(person.schoolId) : [await schools.slugOf(person.schoolId)];
    const messages: OutgoingMessage[] = [];
    for (const slug of slugs) {
      const school = slug === undefined ? undefined : await schools.findSchool(slug);
      if (school === undefined) continue;
      const { files } = await governorsReportOf(reads, school, academicYear, today);
      messages.push(
        { type: 'text', text: `${school.name}: the annual report to governors on performance management, ${academicYearLabel(academicYear)}, as a PDF to circulate. It names nobody, and figures from 1 to 4 are not shown.`, attachment: files.pdf },
        { type: 'text', text: 'The same report as a web page.', attachment: files.html },
        { type: 'text', text: 'Its figures as a spreadsheet (CSV).', attachment: files.csv },
      );
    }
    return messages.length === 0 ? [say('I can’t find your school’s records: please ask your Trellis administrator.')] : messages;
  }

  /** Whether the person gets the report (undefined: refused), and whether as a trust leader, for each of the trust's schools. */
  async #audienceOf(person: Pick<KnownPerson, 'id' | 'schoolId'>): Promise<{ trustLeader: boolean } | undefined> {
    const stored = await this.#deps.people.storedPerson(person.id);
    if (stored === undefined || stored.schoolId !== person.schoolId) return undefined;
    const audience = reportAudience(stored);
    const trustLeader = stored.role === 'trust-leader' && audience === 'counts';
    return audience === 'named' || trustLeader ? { trustLeader } : undefined;
  }

  async moderate(person: KnownPerson, requested: number | undefined): Promise<OutgoingMessage[]> {
    const { people, reads, guard, clock } = this.#deps;
    const stored = await people.storedPerson(person.id);
    if (stored === undefined || !stored.active || stored.role !== 'headteacher' || stored.schoolId !== person.schoolId) return [say(MODERATION_REFUSED)];
    const size = Math.min(MODERATION_SAMPLE.max, Math.max(1, requested ?? MODERATION_SAMPLE.default));
    const now = clock.now();
    const academicYear = academicYearOf(londonDateOf(now));
    const plans = (await reads.planStatements(stored.schoolId, academicYear)).filter((p) => p.personId !== person.id);
    if (plans.length === 0) return [say(`No planning statements have been written down yet for ${academicYearLabel(academicYear)}, so there is nothing to moderate.`)];
    const sample = sampleOf(plans, size, this.#deps.random ?? Math.random);
    const readable = await guard.readable(person.id, sample.map((p) => p.personId), 'growth-plan', now);
    const shown = sample.filter((p) => readable.has(p.personId));
    const intro = `A random sample of ${shown.length} of the ${plans.length} planning statements written down for ${academicYearLabel(academicYear)}, without names, to check they are consistent between colleagues with similar experience and responsibility and comply with the policy. Each one you see is recorded in its owner’s access log.`;
    return [say(intro), ...shown.map((plan, i) => say(statementText(plan, i)))];
  }
}

/** Pay and responsibility flags that help moderation compare like with like. */
const CONTEXT_FLAGS = ['ect', 'ups', 'upr', 'tlr', 'part-time', 'leadership-scale', 'grade6plus'];

function statementText(plan: PlanStatement, index: number): string {
  const context = [plan.role.replace(/-/g, ' '), ...plan.flags.filter((f) => CONTEXT_FLAGS.includes(f)).map((f) => f.toUpperCase().replace('-', ' '))].join(', ');
  const lines = plan.objectives.map((o, i) => {
    const extra = [o.detail, o.successCriteria === undefined ? undefined : `Success: ${o.successCriteria}`].filter((t) => t !== undefined && t.trim() !== '');
    return `${i + 1}. ${o.title}${extra.length > 0 ? ` — ${extra.join(' ')}` : ''}`;
  });
  return [`*Plan ${String.fromCharCode(65 + index)}* (${context}; ${plan.status})`, ...(lines.length > 0 ? lines : ['No objectives written down.'])].join('\n');
}

/** `n` of the items picked at random (a partial Fisher–Yates shuffle). */
export function sampleOf<T>(items: readonly T[], n: number, random: () => number): T[] {
  const pool = [...items];
  const count = Math.min(n, pool.length);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, count);
}
