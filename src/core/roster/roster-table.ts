import { Readable } from 'node:stream';
import { parse as parseCsvStream } from 'csv-parse';
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

/** Reads a roster file's bytes already in memory (an upload): an Excel workbook (.xlsx, its first sheet) or CSV text. */
export function readRosterFile(bytes: Uint8Array): Promise<TableRead> {
  return readRosterStream(async function* () {
    yield bytes;
  });
}

/**
 * Reads a roster file from its bytes as they stream in (`open` starts the stream from the
 * beginning, and may be called again): CSV is parsed a chunk at a time, never held as one text;
 * an Excel workbook (.xlsx, its first sheet) is read whole, since its rows sit in a zip.
 */
export async function readRosterStream(open: () => AsyncIterable<Uint8Array>): Promise<TableRead> {
  const head = await firstChunk(open());
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) return readRosterXlsx(await wholeOf(open()));
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0])) return { ok: false, fileProblem: 'This is an old-style Excel file (.xls). Open it in Excel and save it as an Excel Workbook (.xlsx) or as CSV.' };
  // UTF-8 when the bytes are valid UTF-8; otherwise Windows-1252, which is what Excel on Windows
  // writes for "CSV (Comma delimited)", so "Siân" is not turned into "Si�n".
  try {
    return await readCsvText(decoded(open(), 'utf-8'));
  } catch (error) {
    if (!isUndecodable(error)) throw error;
    return readCsvText(decoded(open(), 'windows-1252'));
  }
}

async function firstChunk(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  for await (const chunk of source) if (chunk.length > 0) return chunk;
  return new Uint8Array();
}

async function wholeOf(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function* decoded(source: AsyncIterable<Uint8Array>, encoding: 'utf-8' | 'windows-1252'): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  for await (const chunk of source) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

function isUndecodable(error: unknown): boolean {
  return error instanceof TypeError && (error as TypeError & { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
}

const CSV_OPTIONS = { bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true } as const;

/** CSV text as it streams in, through csv-parse's streaming parser, to a table; broken quoting stops the whole file. */
async function readCsvText(text: AsyncIterable<string>): Promise<TableRead> {
  const parser = parseCsvStream(CSV_OPTIONS);
  const source = Readable.from(text);
  source.on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let header: string[] | undefined;
  const rows: RosterTable['rows'] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === undefined) header = record;
      else rows.push({ line: info.lines, cells: record });
    }
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, fileProblem: csvProblem(error) };
    throw error;
  }
  return { ok: true, table: { unit: 'line', header: header ?? [], rows } };
}

function csvProblem(error: CsvError): string {
  return `The file is not valid CSV near line ${lineOf(error)}: ${error.message.replace(/^Invalid Record Length: /, '')}`;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, index) => bytes[index] === byte);
}

/** CSV text to a table; broken quoting is the one problem that stops the whole file. */
export function readRosterCsv(text: string): TableRead {
  try {
    const records = parse(text, CSV_OPTIONS) as unknown as { record: string[]; info: { lines: number } }[];
    const [first, ...rest] = records;
    return { ok: true, table: { unit: 'line', header: first?.record ?? [], rows: rest.map(({ record, info }) => ({ line: info.lines, cells: record })) } };
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, fileProblem: csvProblem(error) };
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
