import { z } from 'zod';
import { isIsoDate } from '../calendar/iso-date.ts';
import { resolveColumns } from './column-mapping.ts';
import { readRosterCsv, type RosterTable } from './roster-table.ts';
import { CONTRACTS, type Contract, type Flag, parseFlagList, ROLES, type Role } from '../people/person.ts';

/** One valid roster line, normalised (e-mails lower-cased, empty cells absent). */
export interface RosterRow {
  line: number;
  email: string;
  fullName: string;
  role: Role;
  lineManagerEmail?: string | undefined;
  department?: string | undefined;
  coachEmail?: string | undefined;
  startDate?: string | undefined;
  contract: Contract;
  contractEnd?: string | undefined;
  flags: Flag[];
  /** Full-time equivalent, 0 < fte ≤ 1 (002 Annex 1 §3, 004 §5.9); absent when the file gives none. */
  fte?: number | undefined;
}

export interface RowProblem {
  /** The CSV line (the header is line 1) or the spreadsheet row, as the person sees it in their editor. */
  line: number;
  email?: string | undefined;
  message: string;
}

export { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from './roster-columns.ts';

export type RosterParse = { ok: true; rows: RosterRow[]; problems: RowProblem[] } | { ok: false; fileProblem: string };

const EmailSchema = z.email({ error: 'is not an e-mail address' });

/**
 * Reads a roster CSV with Trellis's own columns. A file that cannot be read as a roster at all
 * (missing columns, broken quoting) is one problem; otherwise each bad line is reported and the
 * good lines come back.
 */
export function parseRosterCsv(text: string): RosterParse {
  const read = readRosterCsv(text);
  if (!read.ok) return read;
  const columns = resolveColumns(read.table, undefined, undefined);
  return columns.ok ? parseRosterTable(columns.table) : columns;
}

/**
 * Validates a table whose header is Trellis's fields (`resolveColumns`), whatever file it came
 * from: each bad row is a problem with its line or row number, the good rows come back.
 */
export function parseRosterTable(table: RosterTable): RosterParse & { ok: true } {
  const rows: RosterRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const { cells, line } of table.rows) {
    const record = Object.fromEntries(table.header.map((name, at) => [name, cells[at] ?? '']));
    const result = parseRow(record, line);
    if ('message' in result) {
      problems.push(result);
      continue;
    }
    const earlier = seen.get(result.email);
    if (earlier !== undefined) {
      problems.push({ line, email: result.email, message: `${result.email} is already on ${table.unit} ${earlier}` });
      continue;
    }
    seen.set(result.email, line);
    rows.push(result);
  }
  return { ok: true, rows, problems };
}

function parseRow(record: Record<string, string>, line: number): RosterRow | RowProblem {
  const cell = (name: string) => {
    const value = record[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const rawEmail = cell('email')?.toLowerCase();
  const fail = (message: string): RowProblem => ({ line, email: rawEmail, message });
  if (rawEmail === undefined) return fail('email is empty');
  if (!EmailSchema.safeParse(rawEmail).success) return fail(`email "${rawEmail}" is not an e-mail address`);
  const fullName = cell('full_name');
  if (fullName === undefined) return fail('full_name is empty');
  const role = term(cell('role'));
  if (role === undefined || !(ROLES as readonly string[]).includes(role)) return fail(`role "${role ?? ''}" should be one of ${ROLES.join(', ')}`);
  const lineManagerEmail = cell('line_manager_email')?.toLowerCase();
  if (lineManagerEmail !== undefined && !EmailSchema.safeParse(lineManagerEmail).success) return fail(`line_manager_email "${lineManagerEmail}" is not an e-mail address`);
  if (lineManagerEmail === rawEmail) return fail('a person cannot be their own line manager');
  if (lineManagerEmail === undefined && role !== 'headteacher' && role !== 'trust-leader') return fail('line_manager_email is empty (only a headteacher or a trust leader may have none)');
  const coachEmail = cell('coach_email')?.toLowerCase();
  if (coachEmail !== undefined && !EmailSchema.safeParse(coachEmail).success) return fail(`coach_email "${coachEmail}" is not an e-mail address`);
  const startDate = cell('start_date');
  if (startDate !== undefined && !isIsoDate(startDate)) return fail(`start_date "${startDate}" should be a real date written YYYY-MM-DD`);
  const contract = (term(cell('contract')) ?? 'permanent') as Contract;
  if (!(CONTRACTS as readonly string[]).includes(contract)) return fail(`contract "${contract}" should be one of ${CONTRACTS.join(', ')}`);
  const contractEnd = cell('contract_end');
  if (contractEnd !== undefined && !isIsoDate(contractEnd)) return fail(`contract_end "${contractEnd}" should be a real date written YYYY-MM-DD`);
  if (contractEnd !== undefined && startDate !== undefined && contractEnd < startDate) return fail(`contract_end ${contractEnd} is before start_date ${startDate}`);
  if (contract === 'fixed-term' && contractEnd === undefined) return fail('a fixed-term contract needs a contract_end');
  const { flags, unknown } = parseFlagList(cell('flags'));
  if (unknown.length > 0) return fail(`flags: ${unknown.map((f) => `"${f}"`).join(', ')} not known (use ect, ups, upr, tlr, part-time, capability, …)`);
  const fteText = cell('fte');
  const fte = fteText === undefined ? undefined : Number(fteText);
  if (fte !== undefined && (!/^\d*\.?\d+$/.test(fteText ?? '') || fte <= 0 || fte > 1)) return fail(`fte "${fteText}" should be the full-time equivalent, more than 0 and at most 1 (e.g. 0.6 for three days a week)`);
  return { line, email: rawEmail, fullName, role: role as Role, lineManagerEmail, department: cell('department'), coachEmail, startDate, contract, contractEnd, flags, fte };
}

/** A role or contract as a spreadsheet may write it: "Teaching Assistant", "Fixed Term" → teaching-assistant, fixed-term. */
function term(value: string | undefined): string | undefined {
  return value?.toLowerCase().replace(/[\s_]+/g, '-');
}

/**
 * Drops rows whose line manager or coach is not in the file (or was itself rejected), repeating
 * until stable so a rejected manager's reports are explained too.
 */
export function checkRosterReferences(rows: readonly RosterRow[]): { rows: RosterRow[]; problems: RowProblem[] } {
  const all = new Map(rows.map((row) => [row.email, row]));
  const problems: RowProblem[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const row of all.values()) {
      for (const [column, email] of [['line_manager_email', row.lineManagerEmail], ['coach_email', row.coachEmail]] as const) {
        if (email !== undefined && !all.has(email)) {
          problems.push({ line: row.line, email: row.email, message: `${column} ${email} is not a valid row of this file` });
          all.delete(row.email);
          changed = true;
          break;
        }
      }
    }
  }
  return { rows: [...all.values()], problems };
}
