import { TZDate } from '@date-fns/tz';
import { LONDON } from '../calendar/london-time.ts';
import { RECORD_TABLES } from './record-tables.ts';
import type { PersonRecords, RecordRow, RecordValue } from './records-ports.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'] as const;
const ISO_DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d/;

/**
 * A self-contained HTML document (no scripts, no external files) of everything in `records`: one
 * heading per kind of record, each row as a list of its fields, dates written out, people named.
 * Every stored value is escaped, so a diary line containing markup is shown, never run.
 */
export function renderRecordsHtml(records: PersonRecords, generatedAt: Date): string {
  const { subject } = records;
  const personColumns = new Map(RECORD_TABLES.map((t) => [t.table, new Set(t.personColumns)]));
  const sections = records.tables.map(({ table, rows }) => {
    const spec = RECORD_TABLES.find((t) => t.table === table);
    const title = spec?.title ?? table;
    const body =
      rows.length === 0
        ? '<p class="none">Nothing held.</p>'
        : rows.map((row) => renderRow(row, personColumns.get(table) ?? new Set(), records.names)).join('\n');
    return `<section id="${escapeHtml(table)}">\n<h2>${escapeHtml(title)} <small>(${rows.length})</small></h2>\n<p class="about">${escapeHtml(spec?.about ?? '')}</p>\n${body}\n</section>`;
  });
  const contents = records.tables.map(({ table, rows }) => `<li><a href="#${escapeHtml(table)}">${escapeHtml(RECORD_TABLES.find((t) => t.table === table)?.title ?? table)}</a> (${rows.length})</li>`);
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Your records in Trellis — ${escapeHtml(subject.fullName)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; line-height: 1.4; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; margin-top: 2rem; }
.about, .none, small { color: #555; } dl { display: grid; grid-template-columns: 14rem 1fr; gap: 0.2rem 1rem; border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.6rem; }
dt { font-weight: 600; } dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; } pre { margin: 0; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>Your records in Trellis</h1>
<p>${escapeHtml(subject.fullName)} · ${escapeHtml(subject.email)} · ${escapeHtml(subject.schoolName)}</p>
<p>Everything Trellis held about you on ${escapeHtml(readableInstant(generatedAt.toISOString()))}: your records, the reminders sent to you, who read your records and what was destroyed when its retention period ended. You have a right to this under the UK GDPR (and 002 §44). The same data is in the JSON file that came with this document.</p>
<ul>
${contents.join('\n')}
</ul>
${sections.join('\n')}
</body>
</html>
`;
}

function renderRow(row: RecordRow, personColumns: ReadonlySet<string>, names: { [id: string]: string }): string {
  const fields = Object.entries(row)
    .filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0))
    .map(([column, value]) => {
      const isPerson = personColumns.has(column) && typeof value === 'string';
      const label = isPerson && column !== 'id' ? labelOf(column.replace(/_id$/, '')) : labelOf(column);
      const shown = isPerson && column !== 'id' ? escapeHtml(names[value] ?? value) : renderValue(value);
      return `<dt>${escapeHtml(label)}</dt><dd>${shown}</dd>`;
    });
  return `<dl>\n${fields.join('\n')}\n</dl>`;
}

function renderValue(value: RecordValue): string {
  if (typeof value === 'string') return escapeHtml(readableText(value));
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null) return '';
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return escapeHtml(value.map((v) => readableText(String(v))).join(', '));
  return `<pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre>`;
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

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
