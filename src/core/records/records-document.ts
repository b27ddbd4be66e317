import { TZDate } from '@date-fns/tz';
import { LONDON } from '../calendar/london-time.ts';
import { RECORD_TABLES } from './record-tables.ts';
import type { PersonRecords, RecordRow, RecordValue } from './records-ports.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const ISO_DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/** One field of a record as a person reads it: its label, and its value as text (or as structured JSON). */
export type RecordField = { label: string; text: string; structured: boolean };

/** One kind of record: its heading, what it is, and each row's fields. */
export interface RecordSection {
  table: string;
  title: string;
  about: string;
  rows: RecordField[][];
}

/**
 * What the readable export says, whatever it is rendered as (HTML or PDF): the same title, the
 * same introduction, and one section per kind of record with dates written out and people named.
 * Plain text; each renderer escapes or lays it out.
 */
export interface RecordsDocument {
  title: string;
  subjectLine: string;
  introduction: string;
  sections: RecordSection[];
}

export function recordsDocument(records: PersonRecords, generatedAt: Date): RecordsDocument {
  const { subject } = records;
  const personColumns = new Map(RECORD_TABLES.map((t) => [t.table, new Set(t.personColumns)]));
  return {
    title: 'Your records in Trellis',
    subjectLine: `${subject.fullName} · ${subject.email} · ${subject.schoolName}`,
    introduction: `Everything Trellis held about you on ${readableInstant(generatedAt.toISOString())}: your records, the reminders sent to you, who read your records and what was destroyed when its retention period ended. You have a right to this under the UK GDPR (and 002 §44). The same data is in the JSON file that came with this document.`,
    sections: records.tables.map(({ table, rows }) => {
      const spec = RECORD_TABLES.find((t) => t.table === table);
      return { table, title: spec?.title ?? table, about: spec?.about ?? '', rows: rows.map((row) => fieldsOf(row, personColumns.get(table) ?? new Set(), records.names)) };
    }),
  };
}

function fieldsOf(row: RecordRow, personColumns: ReadonlySet<string>, names: { [id: string]: string }): RecordField[] {
  return Object.entries(row)
    .filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0))
    .map(([column, value]) => {
      const isPerson = personColumns.has(column) && typeof value === 'string' && column !== 'id';
      if (isPerson) return { label: labelOf(column.replace(/_id$/, '')), text: names[value] ?? value, structured: false };
      return { label: labelOf(column), ...valueText(value) };
    });
}

function valueText(value: RecordValue): { text: string; structured: boolean } {
  if (typeof value === 'string') return { text: readableText(value), structured: false };
  if (typeof value === 'number') return { text: String(value), structured: false };
  if (typeof value === 'boolean') return { text: value ? 'yes' : 'no', structured: false };
  if (value === null) return { text: '', structured: false };
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return { text: value.map((v) => readableText(String(v))).join(', '), structured: false };
  return { text: JSON.stringify(value, null, 2), structured: true };
}

/** "2026-10-31" → "31 October 2026"; an instant → "10 November 2026, 15:45" in London; other text as it is. */
function readableText(text: string): string {
  const date = ISO_DATE.exec(text);
  if (date !== null) return `${Number(date[3])} ${MONTHS[Number(date[2]) - 1]} ${date[1]}`;
  if (ISO_INSTANT.test(text) && !Number.isNaN(new Date(text).getTime())) return readableInstant(text);
  return text;
}

function readableInstant(text: string): string {
  const local = new TZDate(new Date(text).getTime(), LONDON);
  const hh = String(local.getHours()).padStart(2, '0');
  const mm = String(local.getMinutes()).padStart(2, '0');
  return `${local.getDate()} ${MONTHS[local.getMonth()]} ${local.getFullYear()}, ${hh}:${mm}`;
}

/** "held_on" → "Held on". */
function labelOf(column: string): string {
  const words = column.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
