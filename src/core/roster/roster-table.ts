import { CsvError, parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';

/**
 * A roster file once read, whatever its format: the header's cells and each non-empty row's cells,
 * with the number the person sees beside it (the CSV line, the spreadsheet row). Everything after
 * reading — the column mapping, validation, the diff against the database — works on this.
 */
export interface RosterTable {
  /** "line" for a CSV file, "row" for a spreadsheet: what a problem's number counts. */
  unit: 'line' | 'row';
  header: string[];
  rows: { line: number; cells: string[] }[];
}

export type TableRead = { ok: true; table: RosterTable } | { ok: false; fileProblem: string };

/** Reads a roster file's bytes: an Excel workbook (.xlsx, its first sheet) or CSV text. */
export async function readRosterFile(bytes: Uint8Array): Promise<TableRead> {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return readRosterXlsx(bytes);
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0])) return { ok: false, fileProblem: 'This is an old-style Excel file (.xls). Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV.' };
  return readRosterCsv(decodeText(bytes));
}

/**
 * UTF-8 when the bytes are valid UTF-8; otherwise Windows-1252, which is what Excel on Windows
 * writes for "CSV (Comma delimited)", so "Siân" is not turned into "Si�n".
 */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** CSV text to a table; broken quoting is the one problem that stops the whole file. */
export function readRosterCsv(text: string): TableRead {
  try {
    const records = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    const [first, ...rest] = records;
    return { ok: true, table: { unit: 'line', header: first?.record ?? [], rows: rest.map(({ record, info }) => ({ line: info.lines, cells: record })) } };
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, fileProblem: `The file is not valid CSV near line ${lineOf(error)}: ${error.message.replace(/^Invalid Record Length: /, '')}` };
    throw error;
  }
}

function lineOf(error: CsvError): number {
  const lines = (error as CsvError & { lines?: number }).lines;
  return typeof lines === 'number' ? lines : 1;
}

/**
 * The first sheet of an Excel workbook: its first non-empty row is the header, and each later
 * non-empty row keeps its row number as Excel shows it. Dates typed as dates become YYYY-MM-DD;
 * links, rich text and formulas give the text they show.
 */
export async function readRosterXlsx(bytes: Uint8Array): Promise<TableRead> {
  // Loaded on first use: the server, which never reads a spreadsheet, does not carry it.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  } catch (error) {
    return { ok: false, fileProblem: `The file is not an Excel workbook Trellis can read (${error instanceof Error ? error.message : String(error)}). Save it again as .xlsx or as CSV.` };
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) return { ok: false, fileProblem: 'The workbook has no sheets.' };
  let header: string[] | undefined;
  const rows: RosterTable['rows'] = [];
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(cellText(row.getCell(column).value).trim());
    if (cells.every((cell) => cell === '')) return;
    if (header === undefined) header = cells;
    else rows.push({ line: row.number, cells });
  });
  return { ok: true, table: { unit: 'row', header: header ?? [], rows } };
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value !== 'object') return String(value);
  if ('richText' in value) return value.richText.map((run) => run.text).join('');
  if ('hyperlink' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result);
  if ('error' in value) return String(value.error);
  return '';
}
