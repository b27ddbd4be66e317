import { type AccessGuard, decisionFor } from '../access/access-guard.ts';
import { NAMES_ARE_FOR_HEAD_AND_DEPUTY, type ReportAudience, reportAudience } from '../access/report-audience.ts';
import type { KnownPerson } from '../bot/bot-ports.ts';
import { daysBetween, type IsoDate } from '../calendar/iso-date.ts';
import { londonDateOf } from '../calendar/london-time.ts';
import { type OutgoingMessage, type SummaryItem, say } from '../conversations/engine/outgoing-message.ts';
import { academicYearOf } from '../time/clock.ts';
import { plural, readableDate } from './readable-date.ts';
import type { LeaderScope, ReportReads, ScopeCounts } from './report-ports.ts';
import { outcomeTablesOf } from './governors-report.ts';
import { type PublishedTable, publishSchool, STAGE_MEASURES, summaryTablesOf } from './published-counts.ts';
import { kindInfo, phaseOf } from '../obligations/obligation-kinds.ts';
import { countText, groupIsReportable, type ShownCount, SMALL_NUMBER_THRESHOLD, SUPPRESSION_NOTE } from './suppression.ts';

/** The overdue list is shown this many items at a time, with a count of the rest, so a chat message stays readable. */
export const OVERDUE_PAGE = 20;

const NOT_A_LEADER = 'Summaries are for senior leaders and the head. If you think you should see them, please ask your Trellis administrator.';

type StoredPerson = Awaited<ReturnType<ReportReads['storedPerson']>>;

type ScopeResult = { scope: LeaderScope; where: string; audience: Exclude<ReportAudience, 'none'> } | { messages: OutgoingMessage[] };

/**
 * The school (and department) a leader may see, and whether they may see names. The bot has
 * already checked the role; this is checked again against the stored person, and the school
 * always comes from storage, so a leader can only ever be shown their own school's people
 * whatever a channel passes in.
 */
async function leaderScope(reads: ReportReads, person: KnownPerson, department: string | undefined, known?: StoredPerson): Promise<ScopeResult> {
  const stored = known ?? (await reads.storedPerson(person.id));
  const audience = stored === undefined ? 'none' : reportAudience(stored);
  if (stored === undefined || audience === 'none' || stored.schoolId !== person.schoolId) return { messages: [say(NOT_A_LEADER)] };
  const wanted = department?.trim();
  if (wanted === undefined || wanted === '') return { scope: { schoolId: stored.schoolId }, where: 'the whole school', audience };
  const departments = await reads.departments(stored.schoolId);
  const match = departments.find((d) => d.toLowerCase() === wanted.toLowerCase());
  if (match === undefined) {
    const known = departments.length === 0 ? 'No departments are recorded on your school’s roster yet.' : `Departments I know: ${departments.join(', ')}.`;
    return { messages: [say(`I don’t know a department called “${wanted}”. ${known}`)] };
  }
  return { scope: { schoolId: stored.schoolId, department: match }, where: match, audience };
}

function tooFewToShow(title: string): OutgoingMessage[] {
  return [say(`${title}: fewer than ${SMALL_NUMBER_THRESHOLD} staff are in scope, so no figures are shown — with so few, a figure could identify someone.`), say(SUPPRESSION_NOTE)];
}

/** `summary [department]`: staff in scope and, per stage, done / open / overdue. Counts only, small numbers suppressed. */
export async function summaryReport(reads: ReportReads, person: KnownPerson, department: string | undefined, today: IsoDate): Promise<OutgoingMessage[]> {
  const stored = await reads.storedPerson(person.id);
  const trustView = department?.trim().toLowerCase() === '--trust';
  if (stored?.role === 'trust-leader' && stored.active && stored.schoolId === person.schoolId && (trustView || department === undefined || department.trim() === '')) return trustSummary(reads, stored.schoolId, today);
  if (trustView) return [say('The trust view is for trust leaders; a head or leader sees their own school. Say `summary` for it.')];
  const found = await leaderScope(reads, person, department, stored);
  if ('messages' in found) return found.messages;
  const year = academicYearOf(today);
  const figures = await schoolFigures(reads, found.scope.schoolId, year, today);
  const counts = countsOf(figures, found.scope.department);
  const title = `Growth cycle ${year}/${String((year + 1) % 100).padStart(2, '0')} — ${found.where}, as of ${readableDate(today, today)}`;
  if (counts.staff === 0) return [say(`${title}: no active staff in scope.`)];
  if (!groupIsReportable(counts.staff)) return tooFewToShow(title);
  return [{ type: 'summary', title, items: summaryItems(figures, found.scope.department) }, say(SUMMARY_NOTE), say(SUPPRESSION_NOTE)];
}

/**
 * A school's counts for every group a leader can ask about (each department, and the staff with
 * none, whom no output shows) and for the whole school, with one suppression decision for all of
 * them and for the governors' report of the same day (`publishSchool`): `summary`, `summary
 * DEPARTMENT`, the counts of `overdue`, a trust leader's view and the governors' report all show
 * the same cells the same way, so no two of them can be combined to reveal a group under 5.
 */
interface SchoolFigures {
  school: ScopeCounts;
  departments: { name: string; counts: ScopeCounts }[];
  kinds: string[];
  staff: PublishedTable;
  stages: Map<string, PublishedTable>;
}

async function schoolFigures(reads: ReportReads, schoolId: string, year: number, today: IsoDate): Promise<SchoolFigures> {
  const [groups, governors] = await Promise.all([reads.countsByDepartment(schoolId, year, today), reads.yearFigures(schoolId, year)]);
  const { school, departments, kinds, tables } = summaryTablesOf(groups);
  const outcomes = governors === undefined ? undefined : outcomeTablesOf(governors.school, year, governors.stages, today, true);
  const published = publishSchool(tables, outcomes).summary ?? { staff: { total: [], groups: [] }, stages: new Map() };
  return { school, departments, kinds, staff: published.staff, stages: published.stages };
}

/** The counts of the school, or of one of its departments. */
function countsOf(figures: SchoolFigures, department: string | undefined): ScopeCounts {
  return department === undefined ? figures.school : (figures.departments.find((d) => sameDepartment(d.name, department))?.counts ?? { staff: 0, excluded: 0, withoutCycle: 0, stages: [] });
}

/** The published cells of the school's row, or of one department's. */
function rowOf(table: PublishedTable, figures: SchoolFigures, department: string | undefined): ShownCount[] {
  if (department === undefined) return table.total;
  return table.groups[figures.departments.findIndex((d) => sameDepartment(d.name, department))] ?? [];
}

function sameDepartment(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** `summary` for a trust leader: the same counts for each of the trust's schools, side by side, each suppressed on its own. */
async function trustSummary(reads: ReportReads, schoolId: string, today: IsoDate): Promise<OutgoingMessage[]> {
  const year = academicYearOf(today);
  const messages: OutgoingMessage[] = [];
  for (const school of await reads.trustSchools(schoolId)) {
    const figures = await schoolFigures(reads, school.id, year, today);
    const counts = figures.school;
    const title = `Growth cycle ${year}/${String((year + 1) % 100).padStart(2, '0')} — ${school.name}, as of ${readableDate(today, today)}`;
    if (counts.staff === 0) messages.push(say(`${title}: no active staff.`));
    else if (!groupIsReportable(counts.staff)) messages.push(say(`${title}: fewer than ${SMALL_NUMBER_THRESHOLD} staff, so no figures are shown.`));
    else messages.push({ type: 'summary', title, items: summaryItems(figures, undefined) });
  }
  return [...messages, say(SUMMARY_NOTE), say(SUPPRESSION_NOTE)];
}

const SUMMARY_NOTE =
  'Counts are of items, not people: check-ins happen several times a year. “Open” items are not yet due; optional items are never counted as overdue. Counts only — individual records stay with each person and their reviewer.';

function summaryItems(figures: SchoolFigures, department: string | undefined): SummaryItem[] {
  const counts = countsOf(figures, department);
  const [covered, excluded, withoutCycle] = rowOf(figures.staff, figures, department);
  const items: SummaryItem[] = [{ label: 'Staff in scope', value: `${counts.staff} (${covered === undefined ? '' : countText(covered)} in this year’s cycle)` }];
  if (counts.excluded > 0 && excluded !== undefined) items.push({ label: 'Not covered by the policy this year', value: `${countText(excluded)} (e.g. agency staff, ECTs on induction; they have no items)` });
  if (counts.withoutCycle > 0 && withoutCycle !== undefined) items.push({ label: 'No cycle set up yet', value: countText(withoutCycle) });
  const stages = figures.kinds.filter((kind) => counts.stages.some((s) => s.kind === kind));
  for (const kind of stages) {
    const stage = counts.stages.find((s) => s.kind === kind)!;
    const [done, open, overdue, notApplicable] = rowOf(figures.stages.get(kind)!, figures, department).map(countText);
    const parts = [`${done} done`, `${open} open`, `${overdue} overdue`];
    if (stage.notApplicable > 0) parts.push(`${notApplicable} not applicable`);
    items.push({ label: `${phaseOf(kind)} · ${kindInfo(kind).label}`, value: parts.join(' · ') });
  }
  if (stages.length === 0) items.push({ label: 'Items', value: 'none yet this year' });
  return items;
}

/**
 * `overdue [department] [page N]`: who is overdue for what, longest first, a page at a time — to
 * the head and the PM deputy (002 §18); to other leaders, overdue counts per stage with small
 * numbers suppressed. The access rule decides whom the list may name; the database pages over only
 * those people, and only the people on the page shown are read and logged (002 §18). Names and
 * items, never contents.
 */
export async function overdueReport(reads: ReportReads, guard: AccessGuard, person: KnownPerson, department: string | undefined, now: Date, page = 1): Promise<OutgoingMessage[]> {
  const today = londonDateOf(now);
  const found = await leaderScope(reads, person, department);
  if ('messages' in found) return found.messages;
  const year = academicYearOf(today);
  if (found.audience === 'counts') return overdueCounts(reads, found.scope, found.where, year, today);
  // The rule decides about the whole school in one read: the people close to the viewer one by
  // one, everyone else at once (the deputy does not see the head's own items: the head's review
  // is the governors', 002 §22).
  const access = await guard.checkSchool(person.id, found.scope.schoolId, 'obligations', now);
  const allowed = access.listed.filter((d) => d.decision.allowed).map((d) => d.subjectId);
  const decided = access.listed.map((d) => d.subjectId);
  const offset = (page - 1) * OVERDUE_PAGE;
  const list = await reads.overduePage(found.scope, year, today, { allowed, decided, everyoneElse: access.everyoneElse.allowed }, { offset, limit: OVERDUE_PAGE });
  // The storage query is already limited to the school; people from anywhere else are dropped
  // here too, so a storage bug cannot leak another school's names.
  const rows = list.items.filter((row) => row.schoolId === found.scope.schoolId);
  if (list.totalItems === 0) return [say(`Nothing is overdue for ${found.where} as of ${readableDate(today, today)}.`)];
  const pages = Math.ceil(list.totalItems / OVERDUE_PAGE);
  const again = `overdue${found.scope.department === undefined ? '' : ` ${found.scope.department}`}`;
  if (rows.length === 0) return [say(`The overdue list for ${found.where} has ${plural(pages, 'page')}. Say \`${again}\` for the first.`)];
  // Only the people on this page have been shown, so only they are logged as read (002 §18).
  const shown = [...new Set(rows.map((row) => row.personId))];
  await guard.log(
    person.id,
    shown.map((id) => decisionFor(access, id)),
    'obligations',
    now,
  );
  const items: SummaryItem[] = rows.map((row) => ({
    label: `${row.fullName} — ${row.label}`,
    value: `due ${readableDate(row.dueOn, today)}, ${plural(daysBetween(row.dueOn, today), 'calendar day')} overdue`,
  }));
  const after = list.totalItems - offset - rows.length;
  if (page > 1) items.push({ label: 'Page', value: `${page} of ${pages}` });
  if (after > 0) items.push({ label: 'And', value: `${plural(after, 'more item')} — say \`${again} page ${page + 1}\`` });
  const people = list.totalPeople;
  const title = `Overdue — ${found.where}: ${plural(list.totalItems, 'item')} for ${people === 1 ? '1 person' : `${people} people`} (days are calendar days)`;
  return [{ type: 'summary', title, items }, say('Each name you see here is recorded in that person’s “who has seen my records” log.')];
}

async function overdueCounts(reads: ReportReads, scope: LeaderScope, where: string, year: number, today: IsoDate): Promise<OutgoingMessage[]> {
  const figures = await schoolFigures(reads, scope.schoolId, year, today);
  const counts = countsOf(figures, scope.department);
  const title = `Overdue — ${where}, as of ${readableDate(today, today)}`;
  if (counts.staff === 0) return [say(`${title}: no active staff in scope.`)];
  if (!groupIsReportable(counts.staff)) return [...tooFewToShow(title), say(NAMES_ARE_FOR_HEAD_AND_DEPUTY)];
  const stages = figures.kinds.filter((kind) => (counts.stages.find((s) => s.kind === kind)?.overdue ?? 0) > 0);
  if (stages.length === 0) return [say(`Nothing is overdue for ${where} as of ${readableDate(today, today)}.`), say(NAMES_ARE_FOR_HEAD_AND_DEPUTY)];
  // The same cells as `summary`'s overdue column, decided once for every output (`schoolFigures`).
  const overdueColumn = STAGE_MEASURES.indexOf('overdue');
  const items: SummaryItem[] = stages.map((kind) => {
    const count = rowOf(figures.stages.get(kind)!, figures, scope.department)[overdueColumn];
    return { label: `${phaseOf(kind)} · ${kindInfo(kind).label}`, value: `${count === undefined ? '' : countText(count)} overdue` };
  });
  return [{ type: 'summary', title, items }, say(NAMES_ARE_FOR_HEAD_AND_DEPUTY), say(SUPPRESSION_NOTE)];
}
