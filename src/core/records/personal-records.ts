import type { Attachment } from '../conversations/engine/outgoing-message.ts';
import { RECORD_TABLES } from './record-tables.ts';
import type { PersonRecords, PersonRecordsStore } from './records-ports.ts';
import { renderRecordsHtml } from './render-records-html.ts';
import { renderRecordsPdf } from './render-records-pdf.ts';

/** The export's format name and version, written into the JSON so a reader knows what it holds. */
export const RECORDS_FORMAT = 'trellis-personal-records/1';

/** Everything Trellis holds about a person (002 §44; UK GDPR right of access), from every table in `RECORD_TABLES`. */
export function gatherPersonRecords(store: PersonRecordsStore, personId: string): Promise<PersonRecords | undefined> {
  return store.read(personId, RECORD_TABLES);
}

/** The readable document as a web page and as a PDF (the same content), and the same data as JSON. */
export interface PersonalRecordFiles {
  html: Attachment;
  pdf: Attachment;
  json: Attachment;
}

/** What a person (or an administrator answering a subject access request) is given: readable HTML and PDF, and JSON. */
export async function personalRecordFiles(records: PersonRecords, generatedAt: Date): Promise<PersonalRecordFiles> {
  const stem = `trellis-records-${fileSafe(records.subject.fullName)}-${generatedAt.toISOString().slice(0, 10)}`;
  const json = {
    format: RECORDS_FORMAT,
    generatedAt: generatedAt.toISOString(),
    subject: records.subject,
    tables: Object.fromEntries(records.tables.map((t) => [t.table, t.rows])),
    names: records.names,
  };
  const fromCli = `trellis export person ${records.subject.email} --school ${records.subject.schoolSlug}`;
  return {
    html: { filename: `${stem}.html`, contentType: 'text/html; charset=utf-8', content: renderRecordsHtml(records, generatedAt), fromCli },
    pdf: { filename: `${stem}.pdf`, contentType: 'application/pdf', content: (await renderRecordsPdf(records, generatedAt)).toString('base64'), encoding: 'base64', fromCli },
    json: { filename: `${stem}.json`, contentType: 'application/json', content: `${JSON.stringify(json, null, 2)}\n`, fromCli },
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
