import type { Attachment } from '../conversations/engine/outgoing-message.ts';
import { RECORD_TABLES } from './record-tables.ts';
import type { PersonRecords, PersonRecordsStore } from './records-ports.ts';
import { renderRecordsHtml } from './render-records-html.ts';

/** The export's format name and version, written into the JSON so a reader knows what it holds. */
export const RECORDS_FORMAT = 'trellis-personal-records/1';

/** Everything Trellis holds about a person (002 §44; UK GDPR right of access), from every table in `RECORD_TABLES`. */
export function gatherPersonRecords(store: PersonRecordsStore, personId: string): Promise<PersonRecords | undefined> {
  return store.read(personId, RECORD_TABLES);
}

/** The two files a person (or an administrator answering a subject access request) is given: readable HTML and JSON. */
export function personalRecordFiles(records: PersonRecords, generatedAt: Date): { html: Attachment; json: Attachment } {
  const stem = `trellis-records-${fileSafe(records.subject.fullName)}-${generatedAt.toISOString().slice(0, 10)}`;
  const json = {
    format: RECORDS_FORMAT,
    generatedAt: generatedAt.toISOString(),
    subject: records.subject,
    tables: Object.fromEntries(records.tables.map((t) => [t.table, t.rows])),
    names: records.names,
  };
  return {
    html: { filename: `${stem}.html`, contentType: 'text/html; charset=utf-8', content: renderRecordsHtml(records, generatedAt) },
    json: { filename: `${stem}.json`, contentType: 'application/json', content: `${JSON.stringify(json, null, 2)}\n` },
  };
}

function fileSafe(name: string): string {
  const safe = name
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return safe === '' ? 'person' : safe;
}
