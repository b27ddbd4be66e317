import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { isIsoDate } from '../calendar/iso-date.ts';
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
  /** The line of the file, counting the header as line 1, so a spreadsheet user can find it. */
  line: number;
  email?: string | undefined;
  message: string;
}

export const REQUIRED_COLUMNS = ['email', 'full_name', 'role', 'line_manager_email'] as const;
export const OPTIONAL_COLUMNS = ['department', 'coach_email', 'start_date', 'contract', 'contract_end', 'flags', 'fte'] as const;

export type RosterParse = { ok: true; rows: RosterRow[]; problems: RowProblem[] } | { ok: false; fileProblem: string };

const EmailSchema = z.email({ error: 'is not an e-mail address' });

/**
 * Reads a roster CSV. A file that cannot be read as a roster at all (missing columns, broken
 * quoting) is one problem; otherwise each bad line is reported and the good lines come back.
 */
export function parseRosterCsv(text: string): RosterParse {
  let records: { record: Record<string, string>; line: number }[];
  let header: string[];
  try {
    const parsed = parse(text, { bom: true, columns: (names: string[]) => names.map(normaliseHeader), skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as { record: Record<string, string>; info: { lines: number } }[];
    records = parsed.map(({ record, info }) => ({ record, line: info.lines }));
    header = Object.keys(records[0]?.record ?? {});
    if (records.length === 0) header = normaliseFirstLine(text);
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, fileProblem: `The file is not valid CSV near line ${lineOf(error)}: ${error.message.replace(/^Invalid Record Length: /, '')}` };
    throw error;
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    return { ok: false, fileProblem: `The file needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in its first line (it has: ${header.join(', ') || 'nothing'}).` };
  }
  const rows: RosterRow[] = [];
  const problems: RowProblem[] = [];
  const seen = new Map<string, number>();
  for (const { record, line } of records) {
    const result = parseRow(record, line);
    if ('message' in result) {
      problems.push(result);
      continue;
    }
    const earlier = seen.get(result.email);
    if (earlier !== undefined) {
      problems.push({ line, email: result.email, message: `${result.email} is already on line ${earlier}` });
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
  const role = cell('role')?.toLowerCase();
  if (role === undefined || !(ROLES as readonly string[]).includes(role)) return fail(`role "${role ?? ''}" should be one of ${ROLES.join(', ')}`);
  const lineManagerEmail = cell('line_manager_email')?.toLowerCase();
  if (lineManagerEmail !== undefined && !EmailSchema.safeParse(lineManagerEmail).success) return fail(`line_manager_email "${lineManagerEmail}" is not an e-mail address`);
  if (lineManagerEmail === rawEmail) return fail('a person cannot be their own line manager');
  if (lineManagerEmail === undefined && role !== 'headteacher' && role !== 'trust-leader') return fail('line_manager_email is empty (only a headteacher or a trust leader may have none)');
  const coachEmail = cell('coach_email')?.toLowerCase();
  if (coachEmail !== undefined && !EmailSchema.safeParse(coachEmail).success) return fail(`coach_email "${coachEmail}" is not an e-mail address`);
  const startDate = cell('start_date');
  if (startDate !== undefined && !isIsoDate(startDate)) return fail(`start_date "${startDate}" should be a real date written YYYY-MM-DD`);
  const contract = (cell('contract')?.toLowerCase() ?? 'permanent') as Contract;
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

function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function normaliseFirstLine(text: string): string[] {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.split(',').map(normaliseHeader).filter((name) => name !== '');
}

function lineOf(error: CsvError): number {
  const lines = (error as CsvError & { lines?: number }).lines;
  return typeof lines === 'number' ? lines : 1;
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
