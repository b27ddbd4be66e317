import type { KnownPerson } from '../bot/bot-ports.ts';
import { daysBetween, type IsoDate } from '../calendar/iso-date.ts';
import { type OutgoingMessage, type SummaryItem, say } from '../conversations/engine/outgoing-message.ts';
import { academicYearOf } from '../time/clock.ts';
import { plural, readableDate } from './readable-date.ts';
import type { LeaderScope, ReportReads, ScopeCounts } from './report-ports.ts';
import { compareKinds, kindInfo, phaseOf } from '../obligations/obligation-kinds.ts';

/** A long overdue list is cut here, with a count of the rest, so a chat message stays readable. */
const OVERDUE_LINES = 40;

const NOT_A_LEADER = 'Summaries are for senior leaders and the head. If you think you should see them, please ask your Trellis administrator.';

type ScopeResult = { scope: LeaderScope; where: string } | { messages: OutgoingMessage[] };

/**
 * The school (and department) a leader may see. The bot has already checked the role; this is
 * checked again against the stored person, and the school always comes from storage, so a
 * leader can only ever be shown their own school's people whatever a channel passes in.
 */
async function leaderScope(reads: ReportReads, person: KnownPerson, department: string | undefined): Promise<ScopeResult> {
  const stored = await reads.storedPerson(person.id);
  if (stored === undefined || !stored.active || !(stored.role === 'leader' || stored.role === 'headteacher') || stored.schoolId !== person.schoolId) {
    return { messages: [say(NOT_A_LEADER)] };
  }
  const wanted = department?.trim();
  if (wanted === undefined || wanted === '') return { scope: { schoolId: stored.schoolId }, where: 'the whole school' };
  const departments = await reads.departments(stored.schoolId);
  const match = departments.find((d) => d.toLowerCase() === wanted.toLowerCase());
  if (match === undefined) {
    const known = departments.length === 0 ? 'No departments are recorded on your school’s roster yet.' : `Departments I know: ${departments.join(', ')}.`;
    return { messages: [say(`I don’t know a department called “${wanted}”. ${known}`)] };
  }
  return { scope: { schoolId: stored.schoolId, department: match }, where: match };
}

/** `summary [department]`: staff in scope and, per stage, done / open / overdue. Counts only. */
export async function summaryReport(reads: ReportReads, person: KnownPerson, department: string | undefined, today: IsoDate): Promise<OutgoingMessage[]> {
  const found = await leaderScope(reads, person, department);
  if ('messages' in found) return found.messages;
  const year = academicYearOf(today);
  const counts = await reads.scopeCounts(found.scope, year, today);
  const title = `Growth cycle ${year}/${String((year + 1) % 100).padStart(2, '0')} — ${found.where}, as of ${readableDate(today, today)}`;
  if (counts.staff === 0) return [say(`${title}: no active staff in scope.`)];
  return [{ type: 'summary', title, items: summaryItems(counts) }, say(SUMMARY_NOTE)];
}

const SUMMARY_NOTE =
  'Counts are of items, not people: check-ins happen several times a year. “Open” items are not yet due; optional items are never counted as overdue. Counts only — individual records stay with each person and their reviewer.';

function summaryItems(counts: ScopeCounts): SummaryItem[] {
  const covered = counts.staff - counts.excluded - counts.withoutCycle;
  const items: SummaryItem[] = [{ label: 'Staff in scope', value: `${counts.staff} (${covered} in this year’s cycle)` }];
  if (counts.excluded > 0) items.push({ label: 'Not covered by the policy this year', value: `${counts.excluded} (e.g. agency staff, ECTs on induction; they have no items)` });
  if (counts.withoutCycle > 0) items.push({ label: 'No cycle set up yet', value: String(counts.withoutCycle) });
  const stages = [...counts.stages].sort((a, b) => compareKinds(a.kind, b.kind));
  for (const stage of stages) {
    const info = kindInfo(stage.kind);
    const parts = [`${stage.done} done`, `${stage.open} open`, `${stage.overdue} overdue`];
    if (stage.notApplicable > 0) parts.push(`${stage.notApplicable} not applicable`);
    items.push({ label: `${phaseOf(stage.kind)} · ${info.label}`, value: parts.join(' · ') });
  }
  if (stages.length === 0) items.push({ label: 'Items', value: 'none yet this year' });
  return items;
}

/** `overdue [department]`: who is overdue for what, longest first. Names and items, never contents. */
export async function overdueReport(reads: ReportReads, person: KnownPerson, department: string | undefined, today: IsoDate): Promise<OutgoingMessage[]> {
  const found = await leaderScope(reads, person, department);
  if ('messages' in found) return found.messages;
  const year = academicYearOf(today);
  // The storage query is already limited to the school; rows from anywhere else are dropped
  // here too, so a storage bug cannot leak another school's names.
  const rows = (await reads.overdueItems(found.scope, year, today)).filter((row) => row.schoolId === found.scope.schoolId);
  if (rows.length === 0) return [say(`Nothing is overdue for ${found.where} as of ${readableDate(today, today)}.`)];
  const people = new Set(rows.map((row) => row.personId)).size;
  const sorted = [...rows].sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.fullName.localeCompare(b.fullName) || compareKinds(a.kind, b.kind));
  const items: SummaryItem[] = sorted.slice(0, OVERDUE_LINES).map((row) => ({
    label: `${row.fullName} — ${row.label}`,
    value: `due ${readableDate(row.dueOn, today)}, ${plural(daysBetween(row.dueOn, today), 'calendar day')} overdue`,
  }));
  if (sorted.length > OVERDUE_LINES) items.push({ label: 'And', value: `${plural(sorted.length - OVERDUE_LINES, 'more item')}` });
  const title = `Overdue — ${found.where}: ${plural(rows.length, 'item')} for ${people === 1 ? "1 person" : `${people} people`} (days are calendar days)`;
  return [{ type: 'summary', title, items }];
}
