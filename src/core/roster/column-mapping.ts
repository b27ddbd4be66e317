import { z } from 'zod';
import { OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from './roster-columns.ts';
import type { RosterTable } from './roster-table.ts';

export const ROSTER_FIELDS = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS] as const;
export type RosterField = (typeof ROSTER_FIELDS)[number];

/**
 * Which of the file's columns hold each of Trellis's fields, for files whose headers are not
 * Trellis's own (a staff export from the school's MIS). Several columns for one field are joined
 * with a space: `full_name` from a forename and a surname column.
 */
export type ColumnMapping = Partial<Record<RosterField, string[]>>;

export type MappingRead = { ok: true; mapping: ColumnMapping } | { ok: false; problem: string };

/** How headers are compared: case, spaces and dashes do not matter ("Work Email" = work_email). */
export function normaliseHeader(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, '_');
}

/** `--map "email=Work Email,full_name=Forename+Surname"`: field=column pairs, `+` joining columns. */
export function parseMappingOption(text: string): MappingRead {
  const pairs: [string, string][] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at < 0) return { ok: false, problem: `"${part.trim()}" in the column mapping should be field=column, e.g. email=Work Email.` };
    pairs.push([part.slice(0, at), part.slice(at + 1)]);
  }
  return buildMapping(pairs.map(([field, columns]) => [field, columns.split('+')]));
}

/** A mapping file: `{ "email": "Work Email", "full_name": ["Forename", "Surname"] }`. */
export function parseMappingJson(text: string): MappingRead {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `The mapping file is not valid JSON: ${(error as Error).message}` };
  }
  const shape = z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1)])).safeParse(value);
  if (!shape.success) return { ok: false, problem: 'The mapping file should be a JSON object of field names to a column name or a list of column names, e.g. {"email": "Work Email", "full_name": ["Forename", "Surname"]}.' };
  return buildMapping(Object.entries(shape.data).map(([field, columns]) => [field, typeof columns === 'string' ? [columns] : columns]));
}

/** A mapping as stored for a school; one that no longer reads as a mapping is treated as none. */
export function storedMapping(value: unknown): ColumnMapping | undefined {
  if (value === null || value === undefined) return undefined;
  const read = parseMappingJson(JSON.stringify(value));
  return read.ok ? read.mapping : undefined;
}

function buildMapping(pairs: readonly (readonly [string, readonly string[]])[]): MappingRead {
  const mapping: ColumnMapping = {};
  for (const [rawField, rawColumns] of pairs) {
    const field = normaliseHeader(rawField);
    if (!(ROSTER_FIELDS as readonly string[]).includes(field)) return { ok: false, problem: `"${rawField.trim()}" is not one of Trellis's roster fields (${ROSTER_FIELDS.join(', ')}).` };
    const columns = rawColumns.map((column) => column.trim());
    if (columns.some((column) => column === '')) return { ok: false, problem: `The column mapping gives ${field} an empty column name.` };
    if (mapping[field as RosterField] !== undefined) return { ok: false, problem: `The column mapping names ${field} twice.` };
    mapping[field as RosterField] = columns;
  }
  if (Object.keys(mapping).length === 0) return { ok: false, problem: 'The column mapping is empty: give field=column pairs, e.g. email=Work Email.' };
  return { ok: true, mapping };
}

/** The mapping in the `--map` form, in Trellis's order of fields, for messages. */
export function describeMapping(mapping: ColumnMapping): string {
  return ROSTER_FIELDS.flatMap((field) => {
    const columns = mapping[field];
    return columns === undefined ? [] : [`${field}=${columns.join('+')}`];
  }).join(',');
}

/** The mapped columns the file does not have, each with the field it was to fill. */
export function missingMappedColumns(table: RosterTable, mapping: ColumnMapping): { field: RosterField; column: string }[] {
  const present = new Set(table.header.map(normaliseHeader));
  return Object.entries(mapping).flatMap(([field, columns]) => columns.filter((column) => !present.has(normaliseHeader(column))).map((column) => ({ field: field as RosterField, column })));
}

/**
 * The table with Trellis's field names as its header: each mapped field from its columns, each
 * field not mapped from the file's column of that name if it has one. Call only once
 * `missingMappedColumns` is empty.
 */
export function applyMapping(table: RosterTable, mapping: ColumnMapping): RosterTable {
  const index = new Map<string, number>();
  table.header.forEach((name, at) => {
    if (!index.has(normaliseHeader(name))) index.set(normaliseHeader(name), at);
  });
  const sources = ROSTER_FIELDS.flatMap((field) => {
    const columns = mapping[field] ?? (index.has(field) ? [field] : []);
    return columns.length === 0 ? [] : [{ field, at: columns.map((column) => index.get(normaliseHeader(column))!) }];
  });
  return {
    unit: table.unit,
    header: sources.map((source) => source.field),
    rows: table.rows.map((row) => ({
      line: row.line,
      cells: sources.map((source) =>
        source.at
          .map((at) => (row.cells[at] ?? '').trim())
          .filter((cell) => cell !== '')
          .join(' '),
      ),
    })),
  };
}

/** The mapping a file was read with: given with this import, or remembered from an earlier one. */
export interface UsedMapping {
  used: 'given' | 'remembered';
  columns: ColumnMapping;
}

export type ResolvedColumns = { ok: true; table: RosterTable; mapping: UsedMapping | undefined } | { ok: false; fileProblem: string };

/**
 * Which mapping a file is read with, decided in one place: the one given with the import (every
 * column it names must be in the file); else the one remembered for the school, when the file has
 * every column it names (a file of the same shape); else the file's own headers as Trellis's.
 */
export function resolveColumns(table: RosterTable, given: ColumnMapping | undefined, remembered: ColumnMapping | undefined): ResolvedColumns {
  if (given !== undefined) {
    const missing = missingMappedColumns(table, given);
    if (missing.length > 0) return { ok: false, fileProblem: `${describeMissing(missing)} (it has: ${table.header.join(', ') || 'nothing'}).` };
    return withRequiredColumns(table, { used: 'given', columns: given });
  }
  if (remembered !== undefined) {
    const missing = missingMappedColumns(table, remembered);
    if (missing.length === 0) return withRequiredColumns(table, { used: 'remembered', columns: remembered });
    const own = new Set(table.header.map(normaliseHeader));
    if (!REQUIRED_COLUMNS.every((column) => own.has(column))) {
      return { ok: false, fileProblem: `The file has neither Trellis's columns nor the shape remembered for this school: ${describeMissing(missing)} (it has: ${table.header.join(', ') || 'nothing'}). Give its columns with --map field=column,….` };
    }
  }
  return withRequiredColumns(table, undefined);
}

function withRequiredColumns(table: RosterTable, mapping: UsedMapping | undefined): ResolvedColumns {
  const mapped = applyMapping(table, mapping?.columns ?? {});
  const missing = REQUIRED_COLUMNS.filter((column) => !mapped.header.includes(column));
  if (missing.length === 0) return { ok: true, table: mapped, mapping };
  const hint = mapping === undefined ? ' If they are there under other names, map them with --map field=column,….' : '';
  return { ok: false, fileProblem: `The file needs the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} in its first ${table.unit} (it has: ${table.header.join(', ') || 'nothing'}).${hint}` };
}

function describeMissing(missing: readonly { field: RosterField; column: string }[]): string {
  const named = missing.map(({ field, column }) => `"${column}" (for ${field})`).join(', ');
  return `The column mapping names ${named}, which the file does not have`;
}
